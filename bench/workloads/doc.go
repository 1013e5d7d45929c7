// Package workloads is the Go side of aio's benchmark suite against CPython's
// asyncio, uvloop and trio (bench/README.md is the specification): every
// workload written twice, once with aio and gen as a user of those packages
// would write it (runtime "aio"), and once as a Go programmer would write it
// with goroutines, channels, sync.WaitGroup and iter.Pull (runtime "go").
//
// # Running one
//
// Run runs one workload once and returns what the worker protocol prints:
// the wall time of the measured part (setup excluded, monotonic clock), how
// many operations it covers, and for the memory workloads the peak and the
// base resident set size. Every workload runs in a process of its own (the
// harness starts "aio-bench worker" for each), so that memory is measured
// per process and one runtime's garbage does not slow the next.
//
// Run's warmup (the worker's --warmup) first runs that many untimed rounds
// of the same work in the same process, as pyperformance's workers run
// their warm-up values before the measured ones: a round is the workload
// at the same size in an event loop of its own, or one tree for the
// async_tree workloads (whose size counts trees). A fresh process pays a
// first touch of every page it maps; the warm-up pays it for the workloads
// that hold many tasks (spawn, the trees), and a collection after it frees
// the warm-up's garbage, so that the measured part reuses warm memory
// instead of growing the heap into fresh pages. The memory workloads refuse
// a warm-up (ErrNoWarmup): it would raise the peak they report.
//
// A workload that a runtime does not have (sleep0_1 in plain Go, say) is
// ErrNoWorkload; the worker turns it into exit status 3.
//
// # The families
//
// One file per family: generators.go (gen_send, generators), tasks.go
// (sleep0_1, sleep0_2, spawn, pingpong_future, pingpong_event,
// queue_pingpong), memory.go
// (sleep_random, parked), tree.go (pyperformance's async_tree, eight
// variants), eager.go (the same eight with eager tasks), executor.go
// (executor_1, executor_20k) and scale.go (ready_* and timers_*, at 1,
// 1,000 and 100,000 tasks or timers). Each aio version runs in aio.Run
// without options (the real clock, the default executor), but for the
// eager trees, whose options eagerOptions gives.
//
// # Tree shape
//
// The async_tree workloads have 6 levels of 6 branches. The environment
// variables BENCH_TREE_LEVELS and BENCH_TREE_BRANCHES override that (the
// harness's smoke mode sets BENCH_TREE_LEVELS=2 for every worker, Python's
// too), so that a smoke run builds trees of a few dozen leaves.
package workloads
