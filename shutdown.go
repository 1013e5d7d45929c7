package aio

import "errors"

// shutdown cancels every task that is still running and runs the loop until
// they have all finished, as asyncio.run does at its end. On the virtual
// clock, tasks that can never finish (they wait, shielded, for something
// nobody will do) are unwound by force, their deferred calls run, and the
// deadlock is reported.
func (l *Loop) shutdown() error {
	l.root.cancel(l, ErrLoopShutdown)
	err := l.runUntil(func() bool { return l.live == 0 })
	if err == nil {
		return nil
	}
	for _, t := range l.liveTasks() {
		if t.co != nil {
			if p := t.co.Kill(); p != nil && t.err == nil {
				t.err = &PanicError{Value: p, Task: t.Name()}
			}
			t.co = nil
		}
		if t.err == nil {
			t.err = err
		}
		l.finish(t)
	}
	return err
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

func (l *Loop) close() {
	l.closed.Store(true)
	l.inbox.close()
	l.pool.Drain()
}

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
