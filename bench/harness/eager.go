package harness

import (
	"bytes"
	"fmt"
	"strings"
)

// The eager trees, pyperformance's async_tree_eager_*: tree_<leaf>[_tg]_eager
// is the tree of the same name in a loop whose every task starts eagerly
// (aio's eager option, asyncio 3.12's eager_task_factory). trio has no
// eager start, nor has plain Go, so they run in aio, asyncio and uvloop.
//
// A worker whose runtime cannot start tasks eagerly (an aio without the
// option, a CPython before 3.12) runs the plain tree instead and says so
// ("eager": false in its result): the report then marks its figures "not
// eager", and a target is "eager unavailable" while aio's are.

var eagerRuntimes = []string{AIO, Asyncio, Uvloop}

// eagerTrees returns the eager variants of the trees, in the trees' order.
func eagerTrees() []Workload {
	var ws []Workload
	for _, leaf := range treeLeaves {
		for _, tg := range treeJoins {
			ws = append(ws, Workload{
				Name: "tree_" + leaf.name + tg.suffix + "_eager",
				What: fmt.Sprintf("one async_tree of 6 levels of 6 branches with %s, every task started eagerly; %s; trees run back to back in one process", tg.how, leaf.what),
				Unit: "ms/tree", scale: 1e3, Size: 2, Runtimes: eagerRuntimes, Reps: 2, NoWarmup: true, InProcessWarmup: 1,
			})
		}
	}
	return ws
}

// eagerTargets are the goals of the eager trees against uvloop.
func eagerTargets() []Target {
	return []Target{
		{Workload: "tree_none_eager", Peer: Uvloop, Factor: 15, Why: "async_tree none, eager"},
		{Workload: "tree_memo_eager", Peer: Uvloop, Factor: 10, Why: "async_tree memoization, eager"},
		{Workload: "tree_memo_tg_eager", Peer: Uvloop, Factor: 10, Why: "async_tree memoization, eager"},
	}
}

// isEager reports whether the workload is an eager tree.
func isEager(name string) bool { return strings.HasSuffix(name, "_eager") }

// notEagerWhy says why a runtime ran an eager tree without eager tasks.
func (r *Report) notEagerWhy(rt string) string {
	switch {
	case rt == AIO:
		return "this build of aio has no eager tasks"
	case r.Python != nil:
		return fmt.Sprintf("Python %s has no eager task factory, which 3.12 added", r.Python.Version)
	}
	return "no eager task factory"
}

// eagerMark is what follows a figure of a runtime that ran an eager tree
// without eager tasks.
func eagerMark(s *Series) string {
	if s.NotEager {
		return " (not eager)"
	}
	return ""
}

// writeNotEager says, below an eager tree's table, which runtimes ran it
// without eager tasks and why.
func (r *Report) writeNotEager(b *bytes.Buffer, o *Outcome) {
	var why []string
	for _, s := range o.Series {
		if s.NotEager {
			why = append(why, fmt.Sprintf("%s (%s)", s.Runtime, r.notEagerWhy(s.Runtime)))
		}
	}
	if len(why) > 0 {
		fmt.Fprintf(b, "Not eager: %s. Those figures are the plain tree's.\n\n", strings.Join(why, "; "))
	}
}
