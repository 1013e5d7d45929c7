// Package harness runs aio's benchmark suite (bench/README.md) and reports
// it: every workload in every runtime that has it, in fresh worker
// processes, interleaved (A B C A B C ...), a warm-up round and then several
// repetitions; the medians in each workload's unit, the ratios aio/peer and
// the targets of issue 5, as Markdown and as a bar chart. "aio bench" is
// its command line.
//
// # Workers
//
// The aio and go runtimes run in "aio bench-worker" (the command itself, or
// whatever Options.Worker names); the Python peers (asyncio, uvloop, trio,
// cpython) in bench/python/workloads.py, under the first python3 that
// imports uvloop and trio: python3 on PATH, then /usr/bin/python3. A peer
// that is missing (no interpreter, no script, no uvloop or trio) is skipped
// with a note, never a failure.
//
// # Smoke mode
//
// Options.Smoke divides every size by 1,000 (at least 1), makes the trees 2
// levels of 2 branches (BENCH_TREE_LEVELS and BENCH_TREE_BRANCHES, read by
// both workers), runs each workload once without warm-up, and fails if any
// worker failed: CI runs it so that the harness and every workload keep
// working. A smoke run's figures mean nothing.
//
// # Budget
//
// The full run must finish in under 15 minutes on a 2-core machine. The
// Python peers take seconds per run on the workloads of a million
// operations, so those run fewer repetitions (Workload.Reps) unless the
// caller asks for a number, and the ones that allocate a million tasks skip
// the warm-up: each run is a fresh process, so a warm-up round warms little
// but the file cache.
package harness
