package harness

import "fmt"

// The runtimes, in the order of the tables and of each interleaved round.
const (
	AIO     = "aio"     // this project: aio-bench worker
	Go      = "go"      // plain Go: aio-bench worker
	Asyncio = "asyncio" // CPython's asyncio: bench/python/workloads.py
	Uvloop  = "uvloop"  // asyncio on uvloop
	Trio    = "trio"    // trio
	CPython = "cpython" // plain CPython generators
)

// runtimes is every runtime in table order; the peers are all but AIO.
var runtimes = []string{AIO, Go, Asyncio, Uvloop, Trio, CPython}

func isPython(rt string) bool { return rt != AIO && rt != Go }

// metric says how a workload's figure is computed from a worker's result.
type metric int

const (
	perOp   metric = iota // seconds / ops, in the unit's scale
	total                 // seconds, as they are (sleep_random)
	perTask               // (peak - base) RSS per task of size, in bytes (parked)
)

// Workload is one workload of bench/README.md as the harness runs it.
type Workload struct {
	Name  string
	What  string // one line: what one op is
	Unit  string // of the figure, as the README says: "ns/step", "B/task"
	scale float64
	// Size is the README's size. A smoke run divides it by smokeDivisor (at
	// least 1).
	Size int
	// RunSize is the full run's size where it is smaller than the README's
	// (0: Size), for the workloads whose cost per op does not depend on the
	// size and whose Python peers would take many seconds a run at the
	// README's size.
	RunSize int
	metric  metric
	// Runtimes are the runtimes that have the workload, in runtimes' order.
	Runtimes []string
	// Reps is the full run's number of repetitions (0: DefaultReps), fewer
	// for the workloads whose Python peers take many seconds a run;
	// NoWarmup skips the warm-up round of those. A warm-up round is a
	// worker process of its own whose figure is dropped: it warms the file
	// cache and little else, since every run is a fresh process. The
	// budget was the README's: the full run had to finish in under 15
	// minutes on a 2-core machine (see Workloads for what it is now).
	Reps     int
	NoWarmup bool
	// InProcessWarmup is the worker's --warmup, in the full run and in
	// smoke mode alike: the untimed rounds that every worker process runs
	// before its measured one, as pyperformance's workers run warm-up
	// values before the measured ones (a round is the workload at the same
	// size, or one tree for the trees). The workloads that hold tens of
	// thousands of tasks or more at once take one: a fresh process pays a
	// first touch of every page it maps (about 14 µs a page on the 2-core
	// machine, see Machine.PageFault), which would otherwise be most of
	// what they measure. The memory workloads take none: it would raise
	// the peak RSS they report.
	InProcessWarmup int
	// Alive is the number of tasks or timers that the scaling workloads
	// (scale.go) hold at once, which their size caps; a counting run of
	// syscalls keeps its size at least that. 0 for the others.
	Alive int
}

// fullSize is the size of the full run.
func (w Workload) fullSize() int {
	if w.RunSize > 0 {
		return w.RunSize
	}
	return w.Size
}

const smokeDivisor = 1000

var (
	allButCPython = []string{AIO, Go, Asyncio, Uvloop, Trio}
	loops         = []string{AIO, Asyncio, Uvloop, Trio}
	generators    = []string{AIO, Go, CPython}
	asyncGens     = []string{AIO, Go, Asyncio, Uvloop, CPython}
	futures       = []string{AIO, Go, Asyncio, Uvloop}
)

// Workloads is the suite, in the README's order.
//
// The costs that shaped the full run, measured on the 2-core machine of
// issue 5 (one run at the README's size): a million sleep(0) steps take
// 2.7 s in uvloop, 4.2 s in asyncio and 5.3 s in trio, so sleep0_*,
// pingpong_* and executor_1 run a fifth of the README's size (their cost
// per op is the same); spawn takes 20 s in asyncio and uvloop and 29 s in
// trio, and parked 19 s in asyncio, 49 s in uvloop and 50 s in trio, so
// these keep the README's million tasks (the memory per task is the point)
// and run once; one async_tree takes about 1 s in uvloop and 5 s in trio
// with "io" leaves, so the trees run 2 per process, twice.
//
// spawn and the trees warm up in the worker (InProcessWarmup 1: a whole
// round of a million tasks, or one tree, before the measured part). That
// costs one more round of spawn in every runtime (the Python peers' 20 to
// 35 s are most of it) and one more tree per process: on the 2-core
// machine, while another build ran, spawn took 3m11s and the eight trees
// 5m17s, about 3.5 minutes more than without the warm-up, which puts the
// full run at about 13 minutes. That is under the 15, so no repetitions
// were cut for it; if it ever is not, executor_20k and sleep_random (about
// 30 and 20 s a repetition) are the cheapest to cut to one.
//
// The eager trees (eager.go) and the scaling workloads (scale.go) came
// later, and with them the syscall counts (syscalls.go). By estimate, from
// the trees' 5m17s (trio, which has no eager trees, is more than half of
// it) and single runs of their parts on the same machine: the eager trees
// take about 2.5 minutes, the scaling workloads about 1 and the counting
// runs about 3 (one tree per runtime and tree workload is most of it), so
// the full run takes about 20 minutes, 17 with --syscalls off.
var Workloads = []Workload{
	{Name: "gen_send", What: "one send into a started generator `s = 0; while True: s += yield s`",
		Unit: "ns/send", scale: 1e9, Size: 1_000_000, Runtimes: generators},
	{Name: "generators", What: "one in-order traversal of a balanced tree of 100,000 nodes by a recursive generator (`yield from`), 10 per run",
		Unit: "ms/traversal", scale: 1e3, Size: 100_000, Runtimes: generators},
	{Name: "async_generators", What: "one in-order traversal of a balanced tree of 100,000 nodes by recursive async generators (`async for ...: yield`), 10 per run",
		Unit: "ms/traversal", scale: 1e3, Size: 100_000, Runtimes: asyncGens},
	{Name: "sleep0_1", What: "one `sleep(0)` step of a single task",
		Unit: "ns/step", scale: 1e9, Size: 1_000_000, RunSize: 200_000, Runtimes: loops},
	{Name: "sleep0_2", What: "one `sleep(0)` step of either of two gathered tasks",
		Unit: "ns/step", scale: 1e9, Size: 1_000_000, RunSize: 200_000, Runtimes: loops},
	{Name: "spawn", What: "one of a million tasks that each await one `sleep(0)`, gathered",
		Unit: "ns/task", scale: 1e9, Size: 1_000_000, Runtimes: allButCPython, Reps: 1, NoWarmup: true, InProcessWarmup: 1},
	{Name: "pingpong_future", What: "one hop of a token between two tasks through a fresh future",
		Unit: "ns/hop", scale: 1e9, Size: 1_000_000, RunSize: 200_000, Runtimes: futures},
	{Name: "pingpong_event", What: "one hop of a token between two tasks through events",
		Unit: "ns/hop", scale: 1e9, Size: 1_000_000, RunSize: 200_000, Runtimes: allButCPython},
	{Name: "queue_pingpong", What: "one hop of a token between two tasks through two queues (trio: memory channels)",
		Unit: "ns/hop", scale: 1e9, Size: 1_000_000, RunSize: 200_000, Runtimes: allButCPython},
	{Name: "sleep_random", What: "100,000 tasks sleeping [0, 0.5) s on the real clock, gathered: the total wall time",
		Unit: "s", scale: 1, Size: 100_000, metric: total, Runtimes: allButCPython, Reps: 2, NoWarmup: true},
	{Name: "parked", What: "the peak memory per task of a million tasks parked on one future",
		Unit: "B/task", scale: 1, Size: 1_000_000, metric: perTask, Runtimes: allButCPython, Reps: 1, NoWarmup: true},
}

// The trees' leaves and joins, for their names and descriptions.
var (
	treeLeaves = []struct{ name, what string }{
		{"none", "leaves return at once"},
		{"io", "leaves sleep 50 ms"},
		{"memo", "leaves memoized (90%) or sleep 50 ms"},
		{"cpu", "half the leaves compute factorial(500), the others as memo"},
	}
	treeJoins = []struct{ suffix, how string }{{"", "gather"}, {"_tg", "a task group"}}
)

func init() {
	for _, leaf := range treeLeaves {
		for _, tg := range treeJoins {
			Workloads = append(Workloads, Workload{
				Name: "tree_" + leaf.name + tg.suffix,
				What: fmt.Sprintf("one async_tree of 6 levels of 6 branches with %s; %s; trees run back to back in one process", tg.how, leaf.what),
				Unit: "ms/tree", scale: 1e3, Size: 2, Runtimes: allButCPython, Reps: 2, NoWarmup: true, InProcessWarmup: 1,
			})
		}
	}
	Workloads = append(Workloads, eagerTrees()...)
	Workloads = append(Workloads,
		Workload{Name: "executor_1", What: "one empty job in the default executor, awaited, one at a time",
			Unit: "ns/job", scale: 1e9, Size: 100_000, RunSize: 20_000, Runtimes: allButCPython},
		Workload{Name: "executor_20k", What: "one of 20,000 empty jobs in flight at once, gathered, 5 rounds",
			Unit: "ns/job", scale: 1e9, Size: 20_000, Runtimes: allButCPython, Reps: 2, NoWarmup: true},
	)
	Workloads = append(Workloads, scalingWorkloads()...)
}

// workload returns the workload of the given name.
func workload(name string) (Workload, bool) {
	for _, w := range Workloads {
		if w.Name == name {
			return w, true
		}
	}
	return Workload{}, false
}

// Target is an acceptance goal: aio at least Factor times faster than Peer
// on Workload (a time), or, for the memory target, at most MaxBytes per
// parked task.
type Target struct {
	Workload string
	Peer     string
	Factor   float64
	MaxBytes float64
	Why      string
}

// parkedMaxBytes is the 2.5 KB per parked task (a goroutine's minimum
// stack is 2 KB; CPython needs about 1.3 KB of RSS per task).
const parkedMaxBytes = 2.5 * 1024

// Targets are the acceptance ratios: the first suite's (issue 5), then the
// eager trees' (issue 15).
var Targets = func() []Target {
	ts := []Target{
		{Workload: "sleep0_1", Peer: Uvloop, Factor: 5, Why: "per Sleep(0) step"},
		{Workload: "sleep0_2", Peer: Uvloop, Factor: 5, Why: "per Sleep(0) step"},
		{Workload: "pingpong_future", Peer: Uvloop, Factor: 5, Why: "per ping-pong hop"},
		{Workload: "pingpong_event", Peer: Uvloop, Factor: 10, Why: "per ping-pong hop through events"},
		{Workload: "queue_pingpong", Peer: Uvloop, Factor: 10, Why: "per ping-pong hop through queues"},
		{Workload: "spawn", Peer: Uvloop, Factor: 10, Why: "spawn"},
	}
	for _, leaf := range []string{"none", "io", "memo"} {
		for _, tg := range []string{"", "_tg"} {
			ts = append(ts, Target{Workload: "tree_" + leaf + tg, Peer: Uvloop, Factor: 10, Why: "async_tree " + leaf})
		}
	}
	ts = append(ts,
		Target{Workload: "tree_cpu", Peer: Uvloop, Factor: 2, Why: "async_tree cpu_io_mixed"},
		Target{Workload: "tree_cpu_tg", Peer: Uvloop, Factor: 2, Why: "async_tree cpu_io_mixed"},
		Target{Workload: "generators", Peer: CPython, Factor: 2, Why: "generators traversal"},
		Target{Workload: "async_generators", Peer: Uvloop, Factor: 5, Why: "async_generators traversal"},
		Target{Workload: "parked", MaxBytes: parkedMaxBytes, Why: "memory per parked task"},
	)
	return append(ts, eagerTargets()...)
}()
