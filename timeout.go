package aio

import (
	"context"
	"errors"
	"fmt"
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

// Scope is a cancel scope, the object that asyncio.timeout returns and
// trio's CancelScope: Timeout, TimeoutAt, MoveOnAfter and CancelScope hand
// it to their function, which may move the deadline or cancel the scope.
//
// A scope has two observables, as trio's has:
//   - CancelCalled: its deadline passed or Cancel was called. Every scope
//     whose deadline passes in a step has it, whatever the order in which
//     the timers were armed, even if an outer scope cancelled it first.
//   - CancelledCaught: the scope is the one that absorbed the
//     cancellation when its function returned it: its Timeout returned
//     ErrTimeout, its MoveOnAfter or CancelScope returned nil. When nested
//     scopes are cancelled in the same step, the outermost of them catches:
//     an inner scope whose parent is cancelled passes the cancellation on.
//
// Its methods must be called on the loop's thread, while the scope's
// function runs or after it has returned. A zero Scope (not made by one of
// those functions) has no deadline, Reschedule and Cancel return an error.
type Scope struct {
	node node // first: nodeCtx.Deadline finds the Scope from its node
	// deadline is the loop time of the deadline, or noDeadline, for
	// Deadline of the scope's context, which any goroutine may call.
	deadline atomic.Int64
	timer    timer
	expired  bool // its own deadline passed
	called   bool // Cancel was called
	// byCancel: the scope's node was first cancelled by Cancel, not by its
	// deadline, so a Timeout passes the cancellation on.
	byCancel bool
	caught   bool
	moveOn   bool
	exited   bool
}

// Deadline returns the scope's deadline, and false if it has none.
func (s *Scope) Deadline() (time.Time, bool) {
	d := s.deadline.Load()
	if d == noDeadline || s.node.loop == nil {
		return time.Time{}, false
	}
	return s.node.loop.clock.epoch().Add(time.Duration(d)), true
}

// Expired reports whether the scope's own deadline has passed and
// cancelled it (asyncio's Timeout.expired). Like CancelCalled, it does not
// depend on the order of timers that fire in the same step.
func (s *Scope) Expired() bool { return s.expired }

// CancelCalled reports whether the scope was cancelled on its own account:
// its deadline passed or Cancel was called (trio's cancel_called). A
// cancellation that reached it from an outer scope or task does not count.
func (s *Scope) CancelCalled() bool { return s.expired || s.called }

// CancelledCaught reports whether the scope absorbed the cancellation when
// its function returned (trio's cancelled_caught): Timeout returned
// ErrTimeout, or MoveOnAfter or CancelScope returned nil because the scope
// was cancelled. It is false while the function runs.
func (s *Scope) CancelledCaught() bool { return s.caught }

// errZeroScope is the error of a Scope that no scope function made.
var errZeroScope = fmt.Errorf("%w: the Scope was not made by Timeout, TimeoutAt, MoveOnAfter or CancelScope", ErrInvalidState)

// Reschedule moves the deadline to when; the zero time.Time removes it. A
// deadline in the past cancels the scope at the next step. It returns
// ErrInvalidState once the scope's deadline has passed or its function has
// returned, and ErrWrongTask from a goroutine that is not the loop's thread
// (the scope is left as it was).
func (s *Scope) Reschedule(when time.Time) error {
	l := s.node.loop
	if l == nil {
		return errZeroScope
	}
	if err := l.checkThread("Scope.Reschedule"); err != nil {
		return err
	}
	if s.exited || s.expired {
		return ErrInvalidState
	}
	if when.IsZero() {
		s.deadline.Store(noDeadline)
		l.timers.disarm(&s.timer)
		return nil
	}
	s.arm(int64(when.Sub(l.clock.epoch())))
	return nil
}

// Cancel cancels the scope at once (trio's cancel_scope.cancel()): its
// context is cancelled with cause (nil means context.Canceled), so the
// await its function is parked in, and every later one in that context,
// fails with a *CancelledError. When the function returns that
// cancellation, MoveOnAfter and CancelScope return nil, and Timeout and
// TimeoutAt return the cancellation (not ErrTimeout: no deadline passed).
// Cancelling a cancelled scope keeps the first cause; cancelling one whose
// function has returned does nothing. It returns ErrWrongTask from a
// goroutine that is not the loop's thread.
func (s *Scope) Cancel(cause error) error {
	l := s.node.loop
	if l == nil {
		return errZeroScope
	}
	if err := l.checkThread("Scope.Cancel"); err != nil {
		return err
	}
	if s.exited {
		return nil
	}
	s.called = true
	if !s.node.cancelled {
		s.byCancel = true
		s.node.cancel(l, cause)
	}
	return nil
}

func (s *Scope) arm(at int64) {
	s.deadline.Store(at)
	s.node.loop.timers.arm(&s.timer, kindScope, at)
}

// fire is the scope's deadline. The scope's deadline has passed whoever
// cancelled it first (an outer scope whose timer fired before in the same
// step, an outside cancel), so CancelCalled and Expired hold either way;
// the catching is decided when the function returns.
func (s *Scope) fire(l *Loop) {
	if s.exited {
		return
	}
	s.expire(l)
}

func (s *Scope) expire(l *Loop) {
	s.expired = true
	s.node.cancel(l, ErrTimeout)
}

// Timeout runs fn with a context that is cancelled after d, asyncio.timeout
// and trio's fail_after. If the deadline fires, the await fn is parked in
// fails with a *CancelledError (as does every later await in that context),
// and when fn returns that cancellation, Timeout returns ErrTimeout instead.
// If fn returns before the deadline, or returns something else (its result,
// another error), Timeout returns what fn returned; an error that joins the
// cancellation to another one (errors.Join(err, closeErr)) is something
// else, returned as it is, so that the other error is not lost (the same
// holds for MoveOnAfter and CancelScope).
//
// Only the scope that catches the cancellation reports ErrTimeout: when the
// task is cancelled from outside, or an outer scope's deadline passes in the
// same step (nested timeouts with the same deadline), the scope passes the
// cancellation on unchanged, so the outermost of them reports the timeout.
// A d of zero or less is a deadline that has passed: fn runs with a
// cancelled context, and its first await fails (asyncio's timeout(0)).
func Timeout(ctx context.Context, d time.Duration, fn func(ctx context.Context, s *Scope) error) error {
	return runScope(ctx, d, false, fn)
}

// TimeoutAt is Timeout with an absolute deadline in the loop's time (see
// Now); the zero time.Time means no deadline, which Reschedule may set
// later. A deadline that has passed cancels the scope before fn runs.
func TimeoutAt(ctx context.Context, when time.Time, fn func(ctx context.Context, s *Scope) error) error {
	return runScopeAt(ctx, when, false, fn)
}

// MoveOnAfter runs fn with a context that is cancelled after d, trio's
// move_on_after: like Timeout, but when the scope catches the cancellation
// (its deadline, or its Cancel), it returns nil. s.CancelledCaught tells
// whether that happened. A d of zero or less cancels the scope before fn
// runs.
func MoveOnAfter(ctx context.Context, d time.Duration, fn func(ctx context.Context, s *Scope) error) error {
	return runScope(ctx, d, true, fn)
}

// CancelScope runs fn in a scope with no deadline, trio's bare
// CancelScope(): a block that s.Cancel ends, after which CancelScope
// returns nil. s.Reschedule may give it a deadline later, which then acts
// as MoveOnAfter's.
func CancelScope(ctx context.Context, fn func(ctx context.Context, s *Scope) error) error {
	return runScopeAt(ctx, time.Time{}, true, fn)
}

var errNegative = errors.New("aio: negative duration")

func runScope(ctx context.Context, d time.Duration, moveOn bool, fn func(context.Context, *Scope) error) error {
	n := nodeOf(ctx)
	if n == nil {
		return ErrNoTask
	}
	d = max(d, 0)
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
	s := &Scope{moveOn: moveOn}
	s.node.scope = true
	s.deadline.Store(noDeadline)
	s.node.init(l, nodeOf(ctx), ctx, t)
	if !when.IsZero() {
		at := int64(when.Sub(l.clock.epoch()))
		if at <= l.clock.now() {
			// Already expired, at entry (trio): the scope is cancelled
			// before fn runs, and fn's first await fails.
			s.deadline.Store(at)
			s.expire(l)
		} else {
			s.arm(at)
		}
	}
	err = fn(&s.node.ctx, s)
	return s.exit(err)
}

// exit ends the scope when its function has returned err, and returns what
// the scope function returns.
func (s *Scope) exit(err error) error {
	l := s.node.loop
	l.timers.disarm(&s.timer)
	s.exited = true
	var outer error
	if p := s.node.parent; p != nil && p.cancelled {
		outer = p.cause()
	}
	s.node.unlink()
	switch {
	case !s.CancelCalled() || !isCancel(err):
		return err
	case outer != nil:
		// Cancelled from outside as well (an outer scope in the same
		// step, the task): the outermost cancelled scope catches, so the
		// outer cancellation goes on, with its own cause.
		return &CancelledError{Cause: outer}
	case s.moveOn:
		s.caught = true
		return nil
	case s.byCancel:
		return err
	}
	s.caught = true
	return ErrTimeout
}

// WaitFor waits for a with a timeout of d, asyncio.wait_for: it returns a's
// result if it comes within d. Otherwise it cancels a (if a has a Cancel
// method, as *Task and *Future do), waits until a has finished cancelling,
// and returns ErrTimeout; if a finishes with a result all the same (it
// ignored the cancellation, or the result arrived in the same step as the
// deadline), that result is returned and nothing is lost. The same holds
// when ctx is cancelled during the wait: a is cancelled and waited for, and
// WaitFor returns the cancellation. So whatever WaitFor returns, a has
// finished, unless a has no Cancel method or the call itself was refused
// (ErrNoTask, ErrWrongTask, ErrLoopClosed), when a is not touched.
//
// A d of zero or less follows asyncio: a that is done already gives its
// result; otherwise a is cancelled before it runs (a task created just
// before never runs its function), waited for, and WaitFor returns
// ErrTimeout.
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
