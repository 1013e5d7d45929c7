// Package harness runs aio's benchmark suite (bench/README.md) and reports
// it: every workload in every runtime that has it, in fresh worker
// processes, interleaved (A B C A B C ...), a warm-up round and then several
// repetitions; the medians in each workload's unit, the ratios aio/peer and
// the targets, as Markdown and as a bar chart. aio-bench
// (bench/cmd/aio-bench) is its command line.
//
// # Warm-up
//
// A warm-up round is a worker process of its own whose figure is dropped;
// since every run is a fresh process, it warms the file cache and little
// else. What a fresh process lacks is warm memory: the first touch of a
// page costs about 14 µs on the 2-core machine (Machine.PageFault), which
// is most of the time of spawn and of the trees, whose tasks touch tens or
// hundreds of megabytes. So those warm up in the worker, as pyperformance's
// workers run their warm-up values before the measured ones: the harness
// passes Workload.InProcessWarmup as the worker's --warmup, and the worker
// runs that many untimed rounds (one tree each for the trees) before the
// measured one.
//
// # Workers
//
// The aio and go runtimes run in "aio-bench worker" (the command itself, or
// whatever Options.Worker names); the Python peers (asyncio, uvloop, trio,
// cpython) in bench/python/workloads.py, under the first python3 that
// imports uvloop and trio: python3 on PATH, then /usr/bin/python3. A peer
// that is missing (no interpreter, no script, no uvloop or trio) is skipped
// with a note, never a failure.
//
// # Syscalls, scaling, the chart
//
// The report states what a syscall costs on the machine (Machine.Syscall,
// Machine.EpollWait) and how many syscalls each runtime makes per
// operation of each workload, counted outside the timed runs by perf or
// strace (syscalls.go, Options.Syscalls), so that a reader sees how much
// of a ratio is the kernel's. Its scaling table (scale.go) sets aio's and
// uvloop's cost per operation at 1, 1,000 and 100,000 tasks or timers
// beside the targets. The chart has a legend strip above two panels: the
// speed-ups, and the memory per task.
//
// # Smoke mode
//
// Options.Smoke divides every size by 1,000 (at least 1), makes the trees 2
// levels of 2 branches (BENCH_TREE_LEVELS and BENCH_TREE_BRANCHES, read by
// both workers), runs each workload once without a warm-up round (but with
// the workers' in-process warm-up, so that it keeps working too), and fails
// if any worker failed: CI runs it so that the harness and every workload
// keep working. It counts the syscalls of its first workload only. A smoke
// run's figures mean nothing.
//
// # Budget
//
// The first suite's full run had to finish in under 15 minutes on a 2-core
// machine; with the eager trees, the scaling workloads and the syscall
// counts it takes about 20 by estimate (17 with Options.Syscalls off; see
// Workloads). The Python peers take seconds per run on the workloads of a million
// operations, so those run fewer repetitions (Workload.Reps) unless the
// caller asks for a number, and the ones that allocate many tasks skip the
// warm-up round (Workload.NoWarmup), which would warm little; spawn and the
// trees warm up in-process instead.
package harness
