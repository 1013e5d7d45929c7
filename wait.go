package aio

import (
	"context"
	"errors"
	"iter"
	"time"
)

// Completion is what Wait and AsCompleted wait on: a *Task[T] or a
// *Future[T], of any T.
type Completion interface {
	Done() bool
	// onDone calls fn once when the completion is done (at once if it is).
	onDone(fn func())
	// failed reports a finish with an error other than a cancellation,
	// without counting as retrieving it.
	failed() bool
}

func (t *taskBase) onDone(fn func()) {
	if t.state == done {
		fn()
		return
	}
	t.addCallback(fn)
}

func (t *taskBase) failed() bool {
	return t.state == done && t.err != nil && !isCancel(t.err)
}

func (f *Future[T]) onDone(fn func()) { f.AddDoneCallback(func(*Future[T]) { fn() }) }

func (f *Future[T]) failed() bool {
	return f.done && f.err != nil && !isCancel(f.err)
}

// WaitMode says when Wait returns, asyncio's return_when.
type WaitMode int

const (
	// AllCompleted returns when every item is done.
	AllCompleted WaitMode = iota
	// FirstCompleted returns when any item is done.
	FirstCompleted
	// FirstException returns when any item finishes with an error other
	// than a cancellation, or when every item is done.
	FirstException
)

// wakeup is a one-shot wake-up for a task that waits on several things: the
// callbacks it registers outlive the wait, so they check active.
type wakeup struct {
	t      *taskBase
	active bool
	id     uint32 // the park of t that waits on this wake-up
	timer  timer
}

// notify wakes the task if it is parked on this wake-up right now: the task
// may be parked in another await meanwhile (the body of an AsCompleted loop
// awaits other things), and that await must not be woken.
func (s *wakeup) notify() {
	if s.active {
		s.t.wakeFor(s.id)
	}
}

func (s *wakeup) fire(*Loop)        { s.notify() }
func (s *wakeup) abort(t *taskBase) { t.node.loop.timers.disarm(&s.timer) }
func (s *wakeup) stop(l *Loop)      { s.active = false; l.timers.disarm(&s.timer) }
func (s *wakeup) arm(l *Loop, d time.Duration) {
	l.timers.arm(&s.timer, kindWakeup, l.clock.now()+int64(d))
}

// Wait waits until the items meet mode, or until timeout has passed (0 means
// no timeout), asyncio.wait. It returns the items that are done and those
// that are pending, each in the order given; it never cancels an item, and
// a timeout is not an error.
//
// Cancellation: if ctx is cancelled, Wait returns a *CancelledError (and the
// split as it stands). Giving no items, or a negative timeout, is an error.
func Wait[C Completion](ctx context.Context, items []C, mode WaitMode, timeout time.Duration) (done, pending []C, err error) {
	t, err := current(ctx)
	if err != nil {
		return nil, nil, err
	}
	if len(items) == 0 {
		return nil, nil, errors.New("aio: Wait of no items")
	}
	if timeout < 0 {
		return nil, nil, errNegative
	}
	met := func() bool {
		n := 0
		for _, it := range items {
			if it.Done() {
				n++
				if mode == FirstCompleted || mode == FirstException && it.failed() {
					return true
				}
			}
		}
		return n == len(items)
	}
	if !met() {
		s := &wakeup{t: t, active: true}
		if ctx.Err() == nil { // a cancelled wait registers nothing
			for _, it := range items {
				it.onDone(func() {
					if met() {
						s.notify()
					}
				})
			}
			if timeout > 0 {
				s.arm(t.node.loop, timeout)
			}
		}
		err = t.park(ctx, s)
		s.stop(t.node.loop)
	}
	for _, it := range items {
		if it.Done() {
			done = append(done, it)
		} else {
			pending = append(pending, it)
		}
	}
	return done, pending, err
}

// AsCompleted yields the items as they finish, earliest first (items done
// already come first, in the order given), asyncio.as_completed. Each step
// of the loop waits for the next one. If ctx is cancelled, it yields the
// zero C with a *CancelledError and stops; breaking out of the loop stops
// waiting. Items are never cancelled.
func AsCompleted[C Completion](ctx context.Context, items ...C) iter.Seq2[C, error] {
	return func(yield func(C, error) bool) {
		var zero C
		t, err := current(ctx)
		if err != nil {
			yield(zero, err)
			return
		}
		var ready ring[C]
		s := &wakeup{t: t, active: true}
		defer s.stop(t.node.loop)
		for _, it := range items {
			it.onDone(func() {
				ready.push(it)
				s.notify()
			})
		}
		for left := len(items); left > 0; left-- {
			for ready.len() == 0 {
				if err := t.park(ctx, s); err != nil {
					yield(zero, err)
					return
				}
			}
			if !yield(ready.pop(), nil) {
				return
			}
		}
	}
}
