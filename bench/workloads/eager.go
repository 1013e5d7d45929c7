package workloads

import "github.com/aio-go/aio"

// The eager trees: tree_<leaf>[_tg]_eager is pyperformance's
// async_tree_eager_* (none, io, memoization, cpu_io_mixed, each with
// Gather and with a TaskGroup), the tree of tree.go in a loop whose tasks
// all start eagerly: a new task runs at once, inside its creator's step,
// and one that finishes without suspending never enters the ready queue,
// as under asyncio 3.12's eager_task_factory. Plain Go has no such mode:
// its goroutines run as in the other trees, so the eager trees are aio's
// only.

func init() {
	for _, leaf := range []struct {
		name string
		kind int
	}{{"none", leafNone}, {"io", leafIO}, {"memo", leafMemo}, {"cpu", leafCPU}} {
		table = append(table,
			entry{"tree_" + leaf.name + "_eager", eagerTreeImpl(leaf.kind, false)},
			entry{"tree_" + leaf.name + "_tg_eager", eagerTreeImpl(leaf.kind, true)},
		)
	}
}

// eagerOptions returns the options of aio.Run under which every task of
// the loop starts eagerly (aio.WithEagerTasks), and whether this build of
// aio has them. A build without returns none and false: the eager trees
// then run as the others do, and their results say "eager": false, which
// the harness reports as "eager unavailable".
func eagerOptions() ([]aio.Option, bool) {
	return []aio.Option{aio.WithEagerTasks()}, true
}

func eagerTreeImpl(leaf int, group bool) impl {
	return impl{aio: func(size, warmup int) (measure, error) {
		opts, eager := eagerOptions()
		m, err := warmTrees(size, warmup, func(n int, s *leafState) (measure, error) {
			return treeAIO(n, s, leaf, group, opts...)
		})
		m.eager = &eager
		return m, err
	}}
}
