// Package prefetch asks the processor to start bringing memory into its
// caches without waiting for it. The loop uses it to fetch what the next
// ready tasks' steps will read while the current step runs: with 100,000
// ready tasks nothing of theirs is in the cache, and each step would
// otherwise stall on a chain of misses (the task, its coroutine, the
// goroutine's descriptor, the top of its stack).
//
// A prefetch never faults, whatever the address, and changes nothing but
// timing: on an architecture without one, the functions do nothing.
package prefetch
