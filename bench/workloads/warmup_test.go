package workloads

import (
	"errors"
	"runtime"
	"slices"
	"testing"
)

// TestWarmRepeatsTheWholeWorkload checks that a warm-up round of the
// ordinary workloads is a call at the same size, and that only the last
// call's measure is returned.
func TestWarmRepeatsTheWholeWorkload(t *testing.T) {
	var sizes []int
	fn := func(size int) (measure, error) {
		sizes = append(sizes, size)
		return measure{ops: len(sizes)}, nil
	}
	m, err := warm(fn, nil).aio(7, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sizes, []int{7, 7, 7}) || m.ops != 3 {
		t.Errorf("calls of sizes %v, returned the measure of call %d; want [7 7 7] and call 3", sizes, m.ops)
	}
	if warm(fn, nil).goroutines != nil {
		t.Error("warm made a function of a runtime without the workload")
	}
	failing := func(int) (measure, error) { return measure{}, errors.New("boom") }
	if _, err := warm(failing, nil).aio(1, 1); err == nil {
		t.Error("a failing warm-up round: no error")
	}
}

// TestWarmTreesShareTheLeafState checks that the warm-up trees are one tree
// each and share the random generator and the memoization cache with the
// measured trees, as pyperformance's AsyncTree keeps them across values.
func TestWarmTreesShareTheLeafState(t *testing.T) {
	var sizes []int
	var states []*leafState
	trees := func(n int, s *leafState) (measure, error) {
		sizes, states = append(sizes, n), append(states, s)
		return measure{ops: n}, nil
	}
	m, err := warmTrees(4, 2, trees)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sizes, []int{1, 1, 4}) || m.ops != 4 {
		t.Errorf("calls of %v trees, %d ops measured; want [1 1 4] and 4", sizes, m.ops)
	}
	if states[0] == nil || states[1] != states[0] || states[2] != states[0] {
		t.Errorf("leaf states %v, want one shared by all the calls", states)
	}
}

// forcedGCs returns how many collections runtime.GC has forced so far.
func forcedGCs() uint32 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.NumForcedGC
}

// TestWarmUpGarbageIsCollected checks that a collection runs between the
// last warm-up round and the measured one, and none without a warm-up: the
// measured round must not grow the heap into fresh pages past the warm-up's
// uncollected garbage.
func TestWarmUpGarbageIsCollected(t *testing.T) {
	var seen []uint32
	fn := func(int) (measure, error) { seen = append(seen, forcedGCs()); return measure{ops: 1}, nil }
	trees := func(n int, _ *leafState) (measure, error) { return fn(n) }
	for _, c := range []struct {
		name string
		run  func(warmup int) (measure, error)
	}{
		{"warm", func(warmup int) (measure, error) { return warm(fn, nil).aio(1, warmup) }},
		{"warmTrees", func(warmup int) (measure, error) { return warmTrees(1, warmup, trees) }},
	} {
		seen = nil
		if _, err := c.run(1); err != nil {
			t.Fatal(err)
		}
		if len(seen) != 2 || seen[1] <= seen[0] {
			t.Errorf("%s with a warm-up: forced collections %v at each call, want more at the measured one", c.name, seen)
		}
		before := forcedGCs()
		seen = nil
		if _, err := c.run(0); err != nil {
			t.Fatal(err)
		}
		if len(seen) != 1 || seen[0] != before {
			t.Errorf("%s without a warm-up: forced collections %v, want none since %d", c.name, seen, before)
		}
	}
}

// TestColdRefusesAWarmup checks the memory workloads' wrapper.
func TestColdRefusesAWarmup(t *testing.T) {
	calls := 0
	fn := func(int) (measure, error) { calls++; return measure{ops: 1}, nil }
	if _, err := cold(fn, fn).goroutines(1, 1); !errors.Is(err, ErrNoWarmup) || calls != 0 {
		t.Errorf("warm-up 1: %v after %d calls, want ErrNoWarmup and none", err, calls)
	}
	if _, err := cold(fn, fn).aio(1, 0); err != nil || calls != 1 {
		t.Errorf("warm-up 0: %v after %d calls, want one call", err, calls)
	}
}
