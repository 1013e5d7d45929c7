package aio_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

// The memoization trees: pyperformance's async_tree_eager_memoization in
// its steady state, where the cache answers 90% of the leaves at once and
// the other 10% sleep 50 ms. On the virtual clock the sleeps take no time,
// so an op is the loop's own work for a tree: eager first steps, the
// roughly 10,000 tasks that suspend (the sleeping leaves and every node
// above one), their coroutines and stacks, and the wake-ups when the
// sleeps end. The leaves draw from one seeded generator, so every run
// sleeps the same leaves.

func BenchmarkAsyncTreeMemoGatherEager(b *testing.B) {
	benchMemoTree(b, false, aio.WithEagerTasks())
}

func BenchmarkAsyncTreeMemoTaskGroupEager(b *testing.B) {
	benchMemoTree(b, true, aio.WithEagerTasks())
}

// benchMemoTree measures the memoization tree (6 levels of 6) with Gather
// or task groups, after one untimed tree, on a virtual-clock loop with
// opts.
func benchMemoTree(b *testing.B, group bool, opts ...aio.Option) {
	rng := rand.New(rand.NewPCG(1, 2))
	leaf := func(ctx context.Context) error {
		if rng.IntN(100) < 90 {
			return nil
		}
		return aio.Sleep(ctx, 50*time.Millisecond)
	}
	opts = append(opts, aio.WithVirtualClock())
	run(b, func(ctx context.Context) error {
		if err := leafTree(ctx, 6, 6, group, leaf); err != nil {
			return err
		}
		for b.Loop() {
			if err := leafTree(ctx, 6, 6, group, leaf); err != nil {
				return err
			}
		}
		return nil
	}, opts...)
}

// leafTree is asyncTree with leaf at its leaves.
func leafTree(ctx context.Context, depth, branches int, group bool, leaf func(context.Context) error) error {
	if depth == 0 {
		return leaf(ctx)
	}
	if group {
		return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			for range branches {
				if err := tg.Go(func(ctx context.Context) error {
					return leafTree(ctx, depth-1, branches, group, leaf)
				}); err != nil {
					return err
				}
			}
			return nil
		})
	}
	fns := make([]func(context.Context) (struct{}, error), branches)
	for i := range fns {
		fns[i] = func(ctx context.Context) (struct{}, error) {
			return struct{}{}, leafTree(ctx, depth-1, branches, group, leaf)
		}
	}
	_, err := aio.Gather(ctx, fns...)
	return err
}
