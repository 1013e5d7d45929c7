package aio

import "context"

// joiner is what Gather and TaskGroup share: a count of tasks not finished,
// a wake-up for the one task that waits for them, and the reaction to each
// task's end. A task points at its joiner, so that finishing it costs no
// closure per task, which matters when a tree of gathers spawns tens of
// thousands of tasks (pyperformance's async_tree).
type joiner struct {
	left  int
	wake  wakeup
	scope *node // cancelled on the first failure when failFast
	first error // the first error of a task (Gather)
	// failFast: the first error cancels scope (Gather, not GatherAll).
	failFast bool
	group    *TaskGroup // set for a TaskGroup, which keeps every error
	waiting  bool       // the waiter is parked until left reaches 0
}

func (j *joiner) init(t *taskBase, scope *node) {
	j.wake.t, j.wake.active, j.scope = t, true, scope
}

// add makes t one of the joiner's tasks.
func (j *joiner) add(t *taskBase) {
	j.left++
	t.join = j
}

// taskDone is called by the loop when one of the tasks finishes.
func (j *joiner) taskDone(t *taskBase) {
	j.left--
	if g := j.group; g != nil {
		g.taskDone(t)
	} else {
		t.retrieved = true // Gather hands every outcome to its caller
		if t.err != nil && j.first == nil {
			j.first = t.err
			if j.failFast {
				j.scope.cancel(j.scope.loop, t.err)
			}
		}
	}
	if j.left == 0 && j.waiting {
		j.wake.notify()
	}
}

// wait parks the waiter until every task has finished. It is shielded: an
// outer cancellation reaches the tasks through the scope, and the waiter
// must still wait until they have finished.
//
// Gather and WithTaskGroup write it out, as
//
//	for j.pending() {
//		j.wake.t.park(noCancel, &j.wake)
//	}
//	j.waited()
//
// so that the park is made in their own frame: a parked waiter's frames
// are stack that its goroutine holds and that every collection walks, and
// an eager async_tree has thousands of them.
func (j *joiner) wait() {
	for j.pending() {
		j.wake.t.park(noCancel, &j.wake)
	}
	j.waited()
}

// pending reports whether tasks are left to wait for, and if so marks the
// waiter as parked until they are.
func (j *joiner) pending() bool {
	if j.left == 0 {
		return false
	}
	j.waiting = true
	return true
}

// waited ends a wait: no task is left.
func (j *joiner) waited() {
	j.waiting = false
	j.wake.stop(j.scope.loop)
}

// noCancel is the context of a shielded park: it is never cancelled.
var noCancel = context.Background()
