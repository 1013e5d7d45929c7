package aio

import (
	"context"
	"time"
)

// Parking is the one blocking primitive of the kernel, trio's
// wait_task_rescheduled: every await (a future, a task, a sleep, a lock)
// registers the task with what it waits for and parks it. What it waits for
// wakes it (wake); a cancellation of its subtree wakes it too (cancelWake),
// and the parked task then looks at its own await's context: if that is
// cancelled, it unregisters (abort) and fails; otherwise (a shielded await)
// it parks again. A wake and a cancellation in the same step deliver the
// wake: the result is never lost, and the next await sees the cancellation.

// waitable is what a task parks on: abort unregisters a task that stops
// waiting because its await was cancelled.
type waitable interface {
	abort(t *taskBase)
}

// wake makes a parked task ready with what it waited for.
func (t *taskBase) wake() {
	t.woken = true
	if t.state == parked && !t.queued {
		t.queued = true
		t.node.loop.schedule(t)
	}
}

// cancelWake makes a parked task ready to look at its cancellation.
func (t *taskBase) cancelWake() {
	if t.state == parked && !t.queued {
		t.queued = true
		t.node.loop.schedule(t)
	}
}

// park suspends the running task t until it is woken, or until ctx is
// cancelled; then it calls w.abort and returns a *CancelledError. A context
// cancelled already fails at once, without a switch: every await is a
// checkpoint, and a caller registers with w before it parks without
// checking first.
//
// One mechanism keeps a late wake-up from reaching a later await: parkID
// counts the task's parks, and what wakes a task from outside its own
// registration (a bridged context, a wakeup whose callbacks outlive the
// wait) remembers the park it was made for and finds it stale.
func (t *taskBase) park(ctx context.Context, w waitable) error {
	if ctx.Err() != nil {
		w.abort(t)
		return cancelled(ctx)
	}
	t.state, t.woken = parked, false
	t.parkID++
	if wk, ok := w.(*wakeup); ok {
		wk.id = t.parkID
	}
	if t.node.loop.debug {
		t.noteParked()
	}
	stop := t.bridgeAwait(ctx)
	l := t.node.loop
	for {
		// suspend, written out: a parked task's frames are stack that
		// every collection scans, and one call level around the switch
		// costs a step several ns.
		if g := l.curG.Load(); g != t.co.G() {
			t.suspendLent(g)
		} else {
			t.co.Suspend()
		}
		if t.woken {
			break
		}
		if ctx.Err() != nil {
			w.abort(t)
			if stop != nil {
				stop()
			}
			return cancelled(ctx)
		}
		t.state = parked
	}
	if stop != nil {
		stop()
	}
	return nil
}

// wakeFor wakes t if it is still in the park numbered id.
func (t *taskBase) wakeFor(id uint32) {
	if t.parkID == id && t.state == parked {
		t.wake()
	}
}

// bridgeAwait makes the cancellation of a foreign ctx (an outside context, or
// a context.WithCancel of a task's context) wake the parked task. A context
// whose cancellation comes through the tree needs nothing.
func (t *taskBase) bridgeAwait(ctx context.Context) func() {
	if _, ours := ctx.(*nodeCtx); ours {
		return nil
	}
	if d, ok := ctx.(*driverCtx); ok {
		// An async generator's body: its context is the driver's.
		return t.bridgeAwait(d.cur)
	}
	done := ctx.Done()
	if done == nil {
		return nil
	}
	if n := nodeOf(ctx); n != nil && done == n.ctx.Done() {
		return nil
	}
	l, id := t.node.loop, t.parkID
	b := l.addBridge(ctx, func() {
		if t.parkID == id && t.state == parked {
			t.cancelWake()
		}
	})
	return func() { l.removeBridge(b) }
}

// waitq is a FIFO of parked tasks, linked through the tasks themselves: a
// task waits for one thing at a time, so waiting costs no allocation. The
// links form a ring whose head is the oldest waiter (head.wprev is the
// newest), so that a queue is one pointer in every task and future that
// has one; a task is in a queue exactly when its links are set.
type waitq struct {
	head *taskBase
}

func (q *waitq) empty() bool { return q.head == nil }

func (q *waitq) add(t *taskBase) {
	h := q.head
	if h == nil {
		t.wprev, t.wnext = t, t
		q.head = t
		return
	}
	tail := h.wprev
	t.wprev, t.wnext = tail, h
	tail.wnext, h.wprev = t, t
}

func (q *waitq) remove(t *taskBase) {
	switch {
	case t.wnext == nil:
		return // not in q: removed already
	case t.wnext == t:
		q.head = nil
	default:
		t.wprev.wnext, t.wnext.wprev = t.wnext, t.wprev
		if q.head == t {
			q.head = t.wnext
		}
	}
	t.wprev, t.wnext = nil, nil
}

func (q *waitq) abort(t *taskBase) { q.remove(t) }

// wakeOne wakes the task that has waited longest; it reports false if none.
func (q *waitq) wakeOne() bool {
	t := q.head
	if t == nil {
		return false
	}
	q.remove(t)
	t.wake()
	return true
}

func (q *waitq) wakeAll() {
	for q.wakeOne() {
	}
}

// sleeping is a task parked on its own timer.
type sleeping taskBase

func (s *sleeping) abort(t *taskBase) { t.node.loop.timers.disarm(&t.timer) }

// Sleep suspends the calling task for d, asyncio.sleep. Sleep(ctx, 0) yields
// to the other ready tasks and returns at the next step; a negative d is
// the same as 0 (asyncio's rule: a duration in the past has passed). With
// the virtual clock, sleeping takes no real time.
//
// Cancellation: if ctx is cancelled before or during the sleep, Sleep returns
// a *CancelledError at once; Sleep(ctx, 0) is a checkpoint, and also reports
// a cancellation that came while it gave way.
func Sleep(ctx context.Context, d time.Duration) error {
	t, err := current(ctx)
	if err != nil {
		return err
	}
	if d <= 0 {
		// park for the one await that wakes itself, written out here
		// so that the switch is made in this frame (suspend too): one
		// call level more around the coroutine switch cost 12 ns of a
		// 150 ns step. The same check at entry, the same park count; no
		// bridge for a foreign context, which is looked at after.
		if ctx.Err() != nil {
			return cancelled(ctx)
		}
		t.parkID++
		t.state, t.woken, t.queued = parked, true, true
		l := t.node.loop
		l.schedule(t)
		if l.debug {
			t.noteParked()
		}
		if g := l.curG.Load(); g != t.co.G() {
			t.suspendLent(g) // see park
		} else {
			t.co.Suspend()
		}
		// A cancellation that came meanwhile (a deadline that fired this
		// step) is reported, as asyncio.sleep(0) does.
		if ctx.Err() != nil {
			return cancelled(ctx)
		}
		return nil
	}
	l := t.node.loop
	l.timers.arm(&t.timer, kindTask, l.clock.now()+int64(d))
	return t.park(ctx, (*sleeping)(t))
}

// Now returns the current time of the loop of ctx: the monotonic clock, or
// the virtual clock's time. Without a loop it returns time.Now().
func Now(ctx context.Context) time.Time {
	if n := nodeOf(ctx); n != nil {
		c := n.loop.clock
		return c.epoch().Add(time.Duration(c.now()))
	}
	return time.Now()
}
