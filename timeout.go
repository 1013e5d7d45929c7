package aio

import (
	"context"
	"errors"
	"math"
	"sync/atomic"
	"time"
	"unsafe"
)

// A Scope's node is its first field: nodeCtx.Deadline relies on it.
var _ = [1]struct{}{}[unsafe.Offsetof(Scope{}.node)]

// noDeadline is a Scope's deadline when it has none: a loop time no
// deadline can have (292 years before the loop started), where 0 is the
// loop's start and negative times are deadlines before it.
const noDeadline = math.MinInt64

// Scope is a cancel scope with a deadline, the object that asyncio.timeout
// returns and trio's CancelScope: Timeout, TimeoutAt and MoveOnAfter hand it
// to their function, which may move the deadline. Its methods must be called
// on the loop's thread.
type Scope struct {
	node node // first: nodeCtx.Deadline finds the Scope from its node
	// deadline is the loop time of the deadline, or noDeadline, for
	// Deadline of the scope's context, which any goroutine may call.
	deadline atomic.Int64
	timer    timer
	expired  bool // its own deadline fired and cancelled it
	exited   bool
}

// Deadline returns the scope's deadline, and false if it has none.
func (s *Scope) Deadline() (time.Time, bool) {
	d := s.deadline.Load()
	if d == noDeadline {
		return time.Time{}, false
	}
	return s.node.loop.clock.epoch().Add(time.Duration(d)), true
}

// Expired reports whether the scope's own deadline has fired and cancelled
// it (asyncio's Timeout.expired, trio's cancelled_caught for a deadline).
func (s *Scope) Expired() bool { return s.expired }

// Reschedule moves the deadline to when; the zero time.Time removes it. A
// deadline in the past fires at the next step. It returns ErrInvalidState
// once the scope has expired or its function has returned.
func (s *Scope) Reschedule(when time.Time) error {
	if s.exited || s.expired {
		return ErrInvalidState
	}
	l := s.node.loop
	if when.IsZero() {
		s.deadline.Store(noDeadline)
		l.timers.disarm(&s.timer)
		return nil
	}
	s.arm(int64(when.Sub(l.clock.epoch())))
	return nil
}

func (s *Scope) arm(at int64) {
	s.deadline.Store(at)
	s.node.loop.timers.arm(&s.timer, s, at)
}

// fire is the scope's deadline. If something outside has cancelled the scope
// already (an outer scope whose deadline is the same, an outside cancel),
// the deadline is not what ended it, and the scope does not claim it.
func (s *Scope) fire(l *Loop) {
	if s.exited || s.node.cancelled {
		return
	}
	s.expired = true
	s.node.cancel(l, ErrTimeout)
}

// Timeout runs fn with a context that is cancelled after d, asyncio.timeout
// and trio's fail_after. If the deadline fires, the await fn is parked in
// fails with a *CancelledError (as does every later await in that context),
// and when fn returns that cancellation, Timeout returns ErrTimeout instead.
// If fn returns before the deadline, or returns something else (its result,
// another error), Timeout returns what fn returned.
//
// Only the scope whose own deadline cancelled the work reports ErrTimeout:
// when the task is cancelled from outside, or an outer scope's deadline
// fires in the same step (nested timeouts with the same deadline), the
// scope passes the cancellation on unchanged, so the outermost of them
// reports the timeout. A negative d is an error; d == 0 cancels at the next
// await.
func Timeout(ctx context.Context, d time.Duration, fn func(ctx context.Context, s *Scope) error) error {
	if d < 0 {
		return errNegative
	}
	return runScope(ctx, d, false, fn)
}

// TimeoutAt is Timeout with an absolute deadline in the loop's time (see
// Now); the zero time.Time means no deadline, which Reschedule may set later.
func TimeoutAt(ctx context.Context, when time.Time, fn func(ctx context.Context, s *Scope) error) error {
	return runScopeAt(ctx, when, false, fn)
}

// MoveOnAfter runs fn with a context that is cancelled after d, trio's
// move_on_after: like Timeout, but when its own deadline ends fn, it returns
// nil. s.Expired tells whether that happened.
func MoveOnAfter(ctx context.Context, d time.Duration, fn func(ctx context.Context, s *Scope) error) error {
	if d < 0 {
		return errNegative
	}
	return runScope(ctx, d, true, fn)
}

var errNegative = errors.New("aio: negative duration")

func runScope(ctx context.Context, d time.Duration, moveOn bool, fn func(context.Context, *Scope) error) error {
	n := nodeOf(ctx)
	if n == nil {
		return ErrNoTask
	}
	return runScopeAt(ctx, n.loop.clock.epoch().Add(time.Duration(n.loop.clock.now())+d), moveOn, fn)
}

func runScopeAt(ctx context.Context, when time.Time, moveOn bool, fn func(context.Context, *Scope) error) error {
	t, err := current(ctx)
	if err != nil {
		return err
	}
	if fn == nil {
		return errNilFunc
	}
	l := t.node.loop
	s := &Scope{}
	s.node.scope = true
	s.deadline.Store(noDeadline)
	s.node.init(l, nodeOf(ctx), ctx, t)
	if !when.IsZero() {
		s.arm(int64(when.Sub(l.clock.epoch())))
	}
	err = fn(&s.node.ctx, s)
	l.timers.disarm(&s.timer)
	s.exited = true
	var outer error
	if p := s.node.parent; p != nil && p.cancelled {
		outer = p.cause()
	}
	s.node.unlink()
	switch {
	case !s.expired || !isCancel(err):
		return err
	case outer != nil:
		// Cancelled from outside in the same step as the deadline: the
		// outer cancellation is what goes on, with its own cause.
		return &CancelledError{Cause: outer}
	case moveOn:
		return nil
	}
	return ErrTimeout
}

// WaitFor waits for a with a timeout of d, asyncio.wait_for: it returns a's
// result if it comes within d. Otherwise it cancels a (if a has a Cancel
// method, as *Task and *Future do), waits until a has finished cancelling,
// and returns ErrTimeout; if a finishes with a result all the same (it
// ignored the cancellation, or the result arrived in the same step as the
// deadline), that result is returned and nothing is lost. The same holds
// when ctx is cancelled during the wait: a is cancelled and waited for, and
// WaitFor returns the cancellation.
func WaitFor[T any](ctx context.Context, d time.Duration, a Awaitable[T]) (T, error) {
	var v, zero T
	if a == nil {
		return zero, errors.New("aio: WaitFor of nil")
	}
	err := Timeout(ctx, d, func(ctx context.Context, _ *Scope) error {
		var err error
		v, err = a.Await(ctx)
		return err
	})
	if err == nil {
		return v, nil
	}
	c, ok := a.(interface {
		Cancel(error) bool
		Done() bool
	})
	if !ok || c.Done() || !isCancel(err) && !errors.Is(err, ErrTimeout) {
		return zero, err
	}
	cause := error(ErrTimeout)
	if !errors.Is(err, ErrTimeout) {
		cause = context.Cause(ctx)
	}
	c.Cancel(cause)
	v, err2 := a.Await(Shield(ctx))
	switch {
	case err2 == nil:
		return v, nil
	case isCancel(err2):
		return zero, err
	}
	return zero, err2
}

// Shield returns a context that carries ctx's task and values but no
// cancellation and no deadline, for cleanup that must await after the task
// was cancelled (trio's shielded cancel scope, context.WithoutCancel for
// aio). Awaits in it are not interrupted by any cancellation of ctx; tasks
// created with it belong to the loop, not to ctx's task. Without a task in
// ctx, it returns context.WithoutCancel(ctx).
func Shield(ctx context.Context) context.Context {
	p := nodeOf(ctx)
	if p == nil {
		return context.WithoutCancel(ctx)
	}
	n := &node{shield: true}
	n.init(p.loop, nil, ctx, p.task)
	return &n.ctx
}
