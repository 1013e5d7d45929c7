package aio

import (
	"errors"
	"slices"
	"strconv"
	"strings"
)

// shutdown is the end of Run once main has returned, asyncio.run's order,
// with the loop running throughout, so that what anyone submits to it
// meanwhile runs:
//
//  1. The root is cancelled (ErrLoopShutdown) and the loop runs until
//     every task has finished. From then on every new task is born
//     cancelled: it never runs its function.
//  2. The async generators still alive are closed, the last started
//     first (closeAsyncGens); their cleanup may await, under a shield.
//  3. The default executor is shut down (shutdownExecutor), the loop
//     running until it is.
//  4. The inbox closes: from then on thread-safe submissions are refused at
//     the call. The loop runs until what the inbox had accepted has run,
//     with the tasks that made (born cancelled), and at least one step, so
//     that the callbacks ready then run too; callbacks scheduled after that
//     step and timers not yet due are dropped, as asyncio's loop.close
//     drops them.
//
// On the virtual clock, tasks that can never finish (they wait, shielded,
// for something nobody will do) are unwound by force, their deferred
// calls run, and shutdown returns them: Run reports them in its
// *DeadlockError rather than one by one. Once the inbox is closed nothing
// from outside can wake a task, and the same holds on the real clock.
func (l *Loop) shutdown() (stuck []*taskBase, executorErr error) {
	l.stopping = true
	l.root.cancel(l, ErrLoopShutdown)
	stuck = l.settle(func() bool { return l.live == 0 })
	agenStuck, agenErr := l.closeAsyncGens()
	stuck = append(stuck, agenStuck...)
	executorErr = errors.Join(agenErr, l.shutdownExecutor())
	l.inbox.close()
	stepped := false
	stuck = append(stuck, l.settle(func() bool {
		if l.live == 0 && l.inbox.empty() && (stepped || l.ready.len() == 0) {
			return true
		}
		stepped = true
		return false
	})...)
	return stuck, executorErr
}

// settle runs the loop until stop reports true; if the loop deadlocks
// first, it unwinds the tasks that have not finished and returns them.
func (l *Loop) settle(stop func() bool) (stuck []*taskBase) {
	if err := l.runUntil(stop); err == nil {
		return nil
	}
	stuck = l.liveTasks()
	for _, t := range stuck {
		t.kill()
		if t.err == nil {
			t.err = ErrDeadlock
			t.retrieved = true // the DeadlockError names it
		}
		l.finish(t)
	}
	return stuck
}

// liveTasks returns the tasks that have not finished: every one of them is
// in the root's subtree (a task outliving its parent moves up to the
// grandparent, one created under a shield hangs under the root).
func (l *Loop) liveTasks() []*taskBase {
	var ts []*taskBase
	var walk func(n *node)
	walk = func(n *node) {
		if t := n.task; t != nil && &t.node == n && t.state != done {
			ts = append(ts, t)
		}
		for c := n.first; c != nil; c = c.next {
			walk(c)
		}
	}
	walk(&l.root)
	return ts
}

// ErrLoopShutdown is the cause with which Run cancels the tasks still
// running when main returns.
var ErrLoopShutdown = errors.New("aio: the event loop is shutting down")

// close marks the loop closed, after shutdown: calls with its tasks'
// contexts fail with ErrLoopClosed from then on, and its idle coroutines
// end.
func (l *Loop) close() {
	l.closeReactor()
	l.closed.Store(true)
	l.pool.Drain()
}

// IsClosed reports whether the loop has closed, asyncio's
// loop.is_closed(): Run has shut it down, closed the descriptors its reactor
// owned (RegisterOwnedFD), and nothing runs on it any more. Any goroutine
// may call it; a nil Loop is not closed. A type built on the kernel checks
// it before it touches a descriptor the loop may have closed, whose number
// may be another file's by then.
func (l *Loop) IsClosed() bool { return l != nil && l.closed.Load() }

// unretrievedErrors reports what finished tasks left behind.
func (l *Loop) unretrievedErrors() []error {
	var errs []error
	for t := range l.unretrieved {
		if l.debug {
			l.reportUnretrieved(t)
		}
		errs = append(errs, &TaskError{Task: t.Name(), Err: t.err})
	}
	clear(l.unretrieved)
	return errs
}

// DeadlockError is Run's error when its loop deadlocked: on the virtual
// clock, every task was waiting and nothing could wake one. Main is then
// cancelled like any task at shutdown; the tasks that could not finish
// even so (they waited under a shield) are unwound, their deferred calls
// run. errors.Is(err, ErrDeadlock) holds, and errors.Is and errors.As see
// main's error through it as well. Its message is one line.
type DeadlockError struct {
	// Main is what main returned, nil if it returned nil or was unwound
	// (then "main" is among Tasks).
	Main error
	// Tasks names the tasks that Run unwound because they could never
	// finish, in the order of the task tree.
	Tasks []string
}

func (e *DeadlockError) Error() string {
	var b strings.Builder
	b.WriteString(ErrDeadlock.Error())
	for i, name := range e.Tasks {
		if i == 0 {
			b.WriteString("; tasks unwound: ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(name))
	}
	if e.Main != nil {
		b.WriteString("; main returned: ")
		b.WriteString(e.Main.Error())
	}
	return b.String()
}

// Is makes errors.Is(err, ErrDeadlock) hold.
func (e *DeadlockError) Is(target error) bool { return target == ErrDeadlock }

// Unwrap returns main's error.
func (e *DeadlockError) Unwrap() error { return e.Main }

// runError is Run's error: main's error (inside a *DeadlockError if the
// loop deadlocked) and the others, which are joined to it only if there
// are any: main's error alone is returned as it is.
func runError(main error, deadlocked bool, stuck []*taskBase, mainTask *taskBase, others []error) error {
	if deadlocked {
		de := &DeadlockError{Main: main}
		for _, t := range stuck {
			de.Tasks = append(de.Tasks, t.Name())
			if t == mainTask {
				de.Main = nil
			}
		}
		main = de
	}
	errs := append([]error{main}, others...)
	errs = slices.DeleteFunc(errs, func(err error) bool { return err == nil })
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return errors.Join(errs...)
}
