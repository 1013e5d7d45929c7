package aio_test

import (
	"context"
	"iter"
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/internal/goid"
	"github.com/aio-go/aio/internal/prefetch"
)

// Steps with many ready tasks: readyTasks tasks yield with Sleep(0) in
// turn, so every step resumes a task whose stack and structures the
// 99,999 steps before it have pushed out of the caches. The floor beside it
// is a raw iter.Pull round robin over as many coroutines; a second one
// prefetches what the next resumes read, as the loop does for its next
// ready tasks (warmNext), which shows what the loop's own work costs once
// both hide their misses alike.

const readyTasks = 100_000

// BenchmarkSleep0ManyReady is one Sleep(ctx, 0) step of a task among
// readyTasks ready ones. Every task counts its steps with b.Loop, so an op
// is one step.
func BenchmarkSleep0ManyReady(b *testing.B) {
	run(b, func(ctx context.Context) error {
		stop := false
		step := func(ctx context.Context) error {
			// Two rounds first: every coroutine has started, and every
			// structure has its working size, before the clock starts.
			for range 2 {
				if err := aio.Sleep(ctx, 0); err != nil {
					return err
				}
			}
			for !stop {
				if !b.Loop() {
					stop = true
					break
				}
				if err := aio.Sleep(ctx, 0); err != nil {
					return err
				}
			}
			return nil
		}
		return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			for range readyTasks {
				if err := tg.Go(step); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

// stackTouch writes a little of the calling coroutine's stack, as the
// frames of a task's function and its await do.
//
//go:noinline
func stackTouch(i int) int {
	var frame [32]int
	for j := range frame {
		frame[j] = i + j
	}
	return frame[i%len(frame)]
}

// pullRing starts readyTasks raw iter.Pull coroutines, each touching a
// little of its stack at every resume, and resumes them all twice, so that
// every one has started. It returns their next functions and their
// goroutines' identities (internal/goid); b's cleanup stops them.
func pullRing(b *testing.B) (nexts []func() (int, bool), gs []uintptr) {
	nexts = make([]func() (int, bool), readyTasks)
	stops := make([]func(), readyTasks)
	gs = make([]uintptr, readyTasks)
	for i := range nexts {
		nexts[i], stops[i] = iter.Pull(func(yield func(int) bool) {
			gs[i] = goid.G()
			for n := 0; yield(stackTouch(n)); n++ {
			}
		})
	}
	b.Cleanup(func() {
		for _, stop := range stops {
			stop()
		}
	})
	for range 2 {
		for _, next := range nexts {
			next()
		}
	}
	return nexts, gs
}

// BenchmarkPullRoundRobinBaseline is one resume of a raw iter.Pull
// coroutine among readyTasks, resumed in turn, each touching a little of
// its stack: the floor under BenchmarkSleep0ManyReady.
func BenchmarkPullRoundRobinBaseline(b *testing.B) {
	nexts, _ := pullRing(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		nexts[i]()
		if i++; i == readyTasks {
			i = 0
		}
	}
}

// BenchmarkPullRoundRobinPrefetchBaseline is BenchmarkPullRoundRobinBaseline
// with the loop's prefetching: each resume first fetches the stack top of
// the next coroutine's goroutine and the descriptor of the one after (the
// loop fetches two more links, its task and coroutine, which a raw round
// robin does not have).
func BenchmarkPullRoundRobinPrefetchBaseline(b *testing.B) {
	nexts, gs := pullRing(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		j := i + 1
		if j == readyTasks {
			j = 0
		}
		k := j + 1
		if k == readyTasks {
			k = 0
		}
		prefetch.Stack(gs[j])
		prefetch.Line(gs[k])
		nexts[i]()
		i = j
	}
}
