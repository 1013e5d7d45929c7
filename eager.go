package aio

import "github.com/aio-go/aio/internal/coro"

// Eager start (asyncio 3.12's eager_task_factory, 3.14's eager_start): a
// new task's first step runs at once, inside its creator's step, on a
// coroutine of its own resumed from the creator's goroutine. A task that
// finishes without suspending never enters the ready queue and hands its
// coroutine back before its creator goes on; one that suspends is then a
// task like any other. The rules are WithEagerTasks's doc; docs/design.md
// says why they are these.

// Eager makes the new task start eagerly: its first step runs inside the
// creator's step, before the call that creates it returns. See
// WithEagerTasks for the rules.
func Eager() TaskOption { return TaskOption{eager: true} }

// WithEagerTasks makes every task created on the loop from a task or a
// callback start eagerly, as asyncio's eager_task_factory does: the tasks
// of CreateTask, Go, Spawn, TaskGroup.Go and Start, and those Gather
// creates. A task's first step runs inside its creator's step, before the
// call that creates it returns; a task that returns without suspending is
// done then, never enters the ready queue and gives its coroutine back at
// once. The rules:
//
//   - When the creating call returns, the task has run up to its first
//     suspension (an await that waits, or Sleep), with itself as the
//     current task, and nothing else of the loop ran meanwhile.
//   - A task created with a cancelled context (its creator's, or that of a
//     group that has failed) finishes at once with a cancellation, without
//     running its function.
//   - A task that fails in its first step fails its Gather or TaskGroup at
//     once: the siblings created after it are born cancelled, TaskGroup.Go
//     then returns the group's error, and the creator's next await is
//     cancelled.
//   - WithSeed shuffles the ready queue, which eager first steps do not
//     enter: the same seed replays the same schedule, and a virtual-clock
//     run stays deterministic.
//   - In debug mode an eager first step is reported (slow steps, the
//     watchdog) as a step of the new task, nested in its creator's.
//   - Run's main task, and the tasks of RunCoroutineThreadsafe, start from
//     the ready queue: there is no creator's step to run them in.
func WithEagerTasks() Option { return Option{func(c *config) { c.eager = true }} }

// launch makes the new task b ready, or starts it eagerly.
func (l *Loop) launch(b *taskBase, eager bool) {
	if eager || l.cfg.eager {
		l.eagerStep(b)
		return
	}
	b.queued = true
	l.schedule(b)
}

// eagerStep runs the first step of the new task t inside the step of its
// creator (a task, or a callback), from the creator's goroutine, and puts
// the creator's state back after it: the task running now, its goroutine,
// whether a callback runs.
func (l *Loop) eagerStep(t *taskBase) {
	if t.node.cancelled {
		t.err = &CancelledError{Cause: t.node.cause()}
		l.finish(t)
		return
	}
	creator, creatorG, inCallback := l.current, l.curG.Load(), l.inCallback
	t.co = l.pool.Get(t.body)
	t.state = running
	l.current, l.inCallback = t, false
	if g := t.co.G(); g != 0 {
		l.curG.Store(g) // a new coroutine names itself as it starts (coro.Pool.SetThread)
	}
	var step *runningStep
	if l.debug {
		step = l.stepBegins(t)
	}
	ended := t.co.Resume()
	if l.debug {
		l.stepTook(t, step)
	}
	l.current, l.inCallback = creator, inCallback
	l.curG.Store(creatorG)
	if !ended {
		return
	}
	if p := t.co.End(l.pool); p != nil {
		if p != coro.Goexit {
			panic(p) // the task's Run recovers everything; this is a bug
		}
		t.err = ErrGoexit // its goroutine has ended; the creator's goes on
	}
	t.co = nil
	l.finish(t)
}
