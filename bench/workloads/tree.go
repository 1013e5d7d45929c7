package workloads

import (
	"context"
	"fmt"
	"math/big"
	"math/bits"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/aio-go/aio"
)

// async_tree: pyperformance's async_tree. A node of level > 0 runs its
// branches children concurrently and waits for them (aio: with Gather, or
// with a TaskGroup for the _tg variants; Go: goroutines and a WaitGroup per
// node, the same for both variants); a node of level 0 is a leaf. One tree
// is one op; size trees run back to back in one event loop. The warm-up
// (Run's warmup) is that many trees before them, each in an event loop of
// its own as pyperf runs a warm-up value; all the trees of a process share
// the random generator and the memoization cache of "memo" and "cpu", as
// pyperformance's AsyncTree keeps them across its warm-up and measured
// values.

// The leaf variants.
const (
	leafNone = iota // return at once
	leafIO          // sleep ioSleep
	leafMemo        // draw 1..100; a memoizable (<= 90) value already cached returns, others sleep
	leafCPU         // with probability 0.5 factorial(500), else as leafMemo
)

const (
	ioSleep       = 50 * time.Millisecond
	memoizable    = 90  // pyperformance's MEMOIZABLE_PERCENTAGE
	cpuFactorialN = 500 // pyperformance's FACTORIAL_N
)

// treeShape returns the levels and branches of the tree: 6 and 6, or what
// BENCH_TREE_LEVELS (at least 0) and BENCH_TREE_BRANCHES (at least 1) say.
func treeShape() (levels, branches int, err error) {
	if levels, err = envInt("BENCH_TREE_LEVELS", 6, 0); err != nil {
		return 0, 0, err
	}
	if branches, err = envInt("BENCH_TREE_BRANCHES", 6, 1); err != nil {
		return 0, 0, err
	}
	return levels, branches, nil
}

// envInt returns the integer in the environment variable, or def if it is
// unset.
func envInt(name string, def, least int) (int, error) {
	s := os.Getenv(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < least {
		return 0, fmt.Errorf("%s=%q: want an integer of at least %d", name, s, least)
	}
	return n, nil
}

// leafState is what the leaves of all the trees of one process share, the
// warm-up trees' and the measured ones': the seeded random generator and
// the memoization cache.
type leafState struct {
	rng   *rand.Rand
	cache map[int]bool
}

func newLeafState() *leafState {
	return &leafState{rng: rand.New(rand.NewPCG(0, 0)), cache: map[int]bool{}}
}

// mustSleep draws the memoization leaf's value and reports whether the leaf
// does its I/O: always, unless the value is memoizable and cached already.
func (s *leafState) mustSleep() bool {
	data := 1 + s.rng.IntN(100)
	if data <= memoizable {
		if s.cache[data] {
			return false
		}
		s.cache[data] = true
	}
	return true
}

// factorial is the CPU-bound leaf, math.factorial(500). As CPython's
// math.factorial does, it multiplies the small factors together in machine
// words and only then into the big integer: about 3.6 µs here, where the
// schoolbook loop (one big.Int multiplication per factor) takes 17 µs and
// big.Int.MulRange(1, 500) 31 µs for its thousand small allocations, and
// CPython's math.factorial(500) about 6.4 µs.
func factorial() *big.Int {
	f, k := big.NewInt(1), new(big.Int)
	word := uint64(1) // the product of the factors not yet in f
	for i := uint64(2); i <= cpuFactorialN; i++ {
		if hi, lo := bits.Mul64(word, i); hi == 0 {
			word = lo
			continue
		}
		f.Mul(f, k.SetUint64(word))
		word = i
	}
	return f.Mul(f, k.SetUint64(word))
}

func treeImpl(leaf int, group bool) impl {
	return impl{
		aio: func(size, warmup int) (measure, error) {
			return warmTrees(size, warmup, func(n int, s *leafState) (measure, error) { return treeAIO(n, s, leaf, group) })
		},
		goroutines: func(size, warmup int) (measure, error) {
			return warmTrees(size, warmup, func(n int, s *leafState) (measure, error) { return treeGo(n, s, leaf) })
		},
	}
}

// warmTrees runs warmup trees, one call of trees each, then the measured
// call of size trees, all with one leaf state.
func warmTrees(size, warmup int, trees func(n int, s *leafState) (measure, error)) (measure, error) {
	s := newLeafState()
	for range warmup {
		if _, err := trees(1, s); err != nil {
			return measure{}, fmt.Errorf("warm-up: %w", err)
		}
	}
	settle(warmup)
	return trees(size, s)
}

// treeAIO runs size trees in one aio loop, made with opts, their leaves
// drawing from s.
func treeAIO(size int, s *leafState, leaf int, group bool, opts ...aio.Option) (measure, error) {
	levels, branches, err := treeShape()
	if err != nil {
		return measure{}, err
	}
	// The tasks of one loop take turns, so the leaves share s without a lock.
	leafFn := func(ctx context.Context) error {
		switch {
		case leaf == leafNone:
			return nil
		case leaf == leafCPU && s.rng.Float64() < 0.5:
			factorial()
			return nil
		case leaf == leafIO || s.mustSleep():
			return aio.Sleep(ctx, ioSleep)
		}
		return nil
	}
	var recurse func(ctx context.Context, level int) error
	child := func(level int) func(context.Context) (struct{}, error) {
		return func(ctx context.Context) (struct{}, error) { return struct{}{}, recurse(ctx, level-1) }
	}
	recurse = func(ctx context.Context, level int) error {
		if level == 0 {
			return leafFn(ctx)
		}
		if group {
			return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
				for range branches {
					if err := tg.Go(func(ctx context.Context) error { return recurse(ctx, level-1) }); err != nil {
						return err
					}
				}
				return nil
			})
		}
		fns := make([]func(context.Context) (struct{}, error), branches)
		for i := range fns {
			fns[i] = child(level)
		}
		_, err := aio.Gather(ctx, fns...)
		return err
	}
	return inLoop(func(ctx context.Context) (measure, error) {
		return timed(size, func() error {
			for range size {
				if err := recurse(ctx, levels); err != nil {
					return err
				}
			}
			return nil
		})
	}, opts...)
}

// treeGo is the tree as a Go programmer writes it: a goroutine per child, a
// WaitGroup per node, a mutex around the shared generator and cache.
func treeGo(size int, s *leafState, leaf int) (measure, error) {
	levels, branches, err := treeShape()
	if err != nil {
		return measure{}, err
	}
	var mu sync.Mutex
	leafFn := func() {
		if leaf == leafNone {
			return
		}
		mu.Lock()
		cpu := leaf == leafCPU && s.rng.Float64() < 0.5
		sleep := !cpu && (leaf == leafIO || s.mustSleep())
		mu.Unlock()
		switch {
		case cpu:
			factorial()
		case sleep:
			time.Sleep(ioSleep)
		}
	}
	var recurse func(level int)
	recurse = func(level int) {
		if level == 0 {
			leafFn()
			return
		}
		var wg sync.WaitGroup
		for range branches {
			wg.Go(func() { recurse(level - 1) })
		}
		wg.Wait()
	}
	return timed(size, func() error {
		for range size {
			recurse(levels)
		}
		return nil
	})
}
