package workloads

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"time"
)

// Runtimes this package implements.
const (
	AIO = "aio" // aio and gen
	Go  = "go"  // goroutines, channels, sync.WaitGroup, iter.Pull
)

// ErrNoWorkload is the error of Run for a workload that the runtime does not
// have; the worker exits with status 3 for it.
var ErrNoWorkload = errors.New("workloads: the runtime has no such workload")

// ErrNoWarmup is the error of Run for a warm-up asked of a memory workload
// (sleep_random, parked): the warm-up would raise the peak resident set
// size that they report. The worker treats it as a usage error.
var ErrNoWarmup = errors.New("workloads: the memory workloads take no warm-up")

// Result is one measurement, the worker protocol's JSON line.
type Result struct {
	Runtime  string  `json:"runtime"`
	Workload string  `json:"workload"`
	Size     int     `json:"size"`
	Seconds  float64 `json:"seconds"` // wall time of the measured part
	Ops      int     `json:"ops"`     // operations that Seconds covers
	// PeakRSSKB is the process's peak resident set size (getrusage's
	// ru_maxrss) and BaseRSSKB its resident set size just before the
	// measured part, for the memory workloads; 0 for the others.
	PeakRSSKB int64 `json:"peak_rss_kb"`
	BaseRSSKB int64 `json:"base_rss_kb"`
	// Eager is set for the eager trees only (tree_*_eager): whether their
	// tasks did start eagerly, which needs an aio with eager tasks.
	Eager *bool `json:"eager,omitempty"`
}

// measure is what a workload function returns: the measured time, the
// operations it covers and, for memory workloads, the RSS figures.
type measure struct {
	elapsed    time.Duration
	ops        int
	peak, base int64
	eager      *bool // Result.Eager
}

// runFunc is one workload in one runtime: it runs warmup untimed rounds, then
// the measured one (see Run).
type runFunc func(size, warmup int) (measure, error)

// impl is one workload in the runtimes that have it.
type impl struct {
	aio, goroutines runFunc
}

// warm makes the impl of a workload whose warm-up round is the whole
// workload at the same size: each warm-up calls the function once (for
// aio, in an event loop of its own, as pyperf runs each of its values),
// and the last call is the measured one. A nil function stays nil.
func warm(aio, goroutines func(size int) (measure, error)) impl {
	wrap := func(fn func(int) (measure, error)) runFunc {
		if fn == nil {
			return nil
		}
		return func(size, warmup int) (measure, error) {
			for range warmup {
				if _, err := fn(size); err != nil {
					return measure{}, fmt.Errorf("warm-up: %w", err)
				}
			}
			settle(warmup)
			return fn(size)
		}
	}
	return impl{wrap(aio), wrap(goroutines)}
}

// cold makes the impl of a memory workload, which refuses a warm-up
// (ErrNoWarmup).
func cold(aio, goroutines func(size int) (measure, error)) impl {
	wrap := func(fn func(int) (measure, error)) runFunc {
		return func(size, warmup int) (measure, error) {
			if warmup > 0 {
				return measure{}, ErrNoWarmup
			}
			return fn(size)
		}
	}
	return impl{wrap(aio), wrap(goroutines)}
}

type entry struct {
	name string
	impl
}

// table lists every workload of bench/README.md that a Go runtime has, in
// the README's order. A nil function is a runtime without the workload.
var table = []entry{
	{"gen_send", warm(genSendAIO, genSendGo)},
	{"generators", warm(generatorsAIO, generatorsGo)},
	{"async_generators", warm(asyncGeneratorsAIO, generatorsGo)},
	{"sleep0_1", warm(sleep0OneAIO, nil)},
	{"sleep0_2", warm(sleep0TwoAIO, nil)},
	{"spawn", warm(spawnAIO, spawnGo)},
	{"pingpong_future", warm(pingpongFutureAIO, pingpongChanGo)},
	{"pingpong_event", warm(pingpongEventAIO, pingpongSignalGo)},
	{"queue_pingpong", warm(queuePingpongAIO, queuePingpongGo)},
	{"sleep_random", cold(sleepRandomAIO, sleepRandomGo)},
	{"parked", cold(parkedAIO, parkedGo)},
	{"tree_none", treeImpl(leafNone, false)},
	{"tree_none_tg", treeImpl(leafNone, true)},
	{"tree_io", treeImpl(leafIO, false)},
	{"tree_io_tg", treeImpl(leafIO, true)},
	{"tree_memo", treeImpl(leafMemo, false)},
	{"tree_memo_tg", treeImpl(leafMemo, true)},
	{"tree_cpu", treeImpl(leafCPU, false)},
	{"tree_cpu_tg", treeImpl(leafCPU, true)},
	{"executor_1", warm(executorOneAIO, executorOneGo)},
	{"executor_20k", warm(executorManyAIO, executorManyGo)},
}

// Names returns the names of the workloads, in the README's order.
func Names() []string {
	names := make([]string, len(table))
	for i, w := range table {
		names[i] = w.name
	}
	return names
}

// Has reports whether the runtime (AIO or Go) has the workload.
func Has(runtime, workload string) bool {
	fn, _ := lookup(runtime, workload)
	return fn != nil
}

func lookup(runtime, workload string) (runFunc, error) {
	i := slices.IndexFunc(table, func(w entry) bool { return w.name == workload })
	if i < 0 {
		return nil, fmt.Errorf("workloads: unknown workload %q", workload)
	}
	switch runtime {
	case AIO:
		return table[i].aio, nil
	case Go:
		return table[i].goroutines, nil
	}
	return nil, fmt.Errorf("workloads: unknown runtime %q (want %s or %s)", runtime, AIO, Go)
}

// Run runs the workload once in the runtime with the given size (at least
// 1), after warmup untimed warm-up rounds (at least 0) in this process: the
// worker protocol's --warmup. A warm-up round is the same work as the
// measured part at the same size, in an event loop of its own, except for
// the trees, whose size counts trees: a warm-up round is one tree, and the
// trees of all the rounds share the random generator and the memoization
// cache. It returns ErrNoWorkload if the runtime does not have the
// workload, ErrNoWarmup for a warm-up of a memory workload, and an error
// for an unknown runtime or workload.
func Run(runtime, workload string, size, warmup int) (Result, error) {
	fn, err := lookup(runtime, workload)
	if err != nil {
		return Result{}, err
	}
	if fn == nil {
		return Result{}, fmt.Errorf("%w: %s in %s", ErrNoWorkload, workload, runtime)
	}
	if size < 1 {
		return Result{}, fmt.Errorf("workloads: size %d, want at least 1", size)
	}
	if warmup < 0 {
		return Result{}, fmt.Errorf("workloads: warm-up %d, want at least 0", warmup)
	}
	m, err := fn(size, warmup)
	if errors.Is(err, ErrNoWarmup) {
		return Result{}, fmt.Errorf("%w: %s", err, workload)
	}
	if err != nil {
		return Result{}, fmt.Errorf("%s in %s: %w", workload, runtime, err)
	}
	return Result{
		Runtime: runtime, Workload: workload, Size: size,
		Seconds: m.elapsed.Seconds(), Ops: m.ops,
		PeakRSSKB: m.peak, BaseRSSKB: m.base, Eager: m.eager,
	}, nil
}

// timed runs fn and returns its wall time with ops: the measurement of a
// workload without memory figures.
func timed(ops int, fn func() error) (measure, error) {
	start := time.Now()
	err := fn()
	return measure{elapsed: time.Since(start), ops: ops}, err
}

// settle collects the garbage of the warm-up rounds, if there were any,
// before the measured one, as testing.B collects before each benchmark.
func settle(warmup int) {
	if warmup > 0 {
		runtime.GC()
	}
}
