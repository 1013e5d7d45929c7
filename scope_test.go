package aio_test

// Cancel scopes: their two observables, Cancel, scopes without a deadline,
// and deadlines that have passed. After trio's test_cancel_scope_*
// (_core/_tests/test_run.py: cancel_called and cancelled_caught, nested
// scopes cancelled together, test_basic_timeout's past deadline),
// CPython's test_timeouts.py (test_timeout_zero, test_timeout_in_the_past,
// test_nested_timeouts_loop_busy) and test_waitfor.py
// (test_wait_for_timeout_less_then_0_or_0_*).

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

// scopeOutcome is what a scope function returned and what its scope says.
type scopeOutcome struct {
	err                     error
	expired, called, caught bool
}

func scopeSays(err error, s *aio.Scope) scopeOutcome {
	return scopeOutcome{err, s.Expired(), s.CancelCalled(), s.CancelledCaught()}
}

func TestScopeObservablesDoNotDependOnArmingOrder(t *testing.T) {
	// Two nested scopes whose deadlines pass in the same step. With the
	// outer's timer armed first, the outer cancels the inner before the
	// inner's timer fires; with the inner's armed first, the inner fires
	// first. Both must say the same thing: each scope's deadline passed
	// (cancel called), and only the outermost caught the cancellation.
	for _, innerFirst := range []bool{false, true} {
		name := "outer armed first"
		if innerFirst {
			name = "inner armed first"
		}
		t.Run(name, func(t *testing.T) {
			ktRun(t, func(ctx context.Context) error {
				d := time.Second
				outerD := d
				if innerFirst {
					outerD = -1 // no deadline yet: armed inside the inner scope
				}
				var outer, inner *aio.Scope
				var in scopeOutcome
				body := func(ctx context.Context, s *aio.Scope) error {
					outer = s
					err := aio.Timeout(ctx, d, func(ctx context.Context, s *aio.Scope) error {
						inner = s
						if innerFirst {
							if err := outer.Reschedule(aio.Now(ctx).Add(d)); err != nil {
								return err
							}
						}
						return aio.Sleep(ctx, time.Hour)
					})
					in = scopeSays(err, inner)
					return err
				}
				var err error
				if outerD < 0 {
					err = aio.TimeoutAt(ctx, time.Time{}, body)
				} else {
					err = aio.Timeout(ctx, outerD, body)
				}
				out := scopeSays(err, outer)
				if !ktIsCancel(in.err) || errors.Is(in.err, aio.ErrTimeout) {
					t.Errorf("inner scope returned %v, want the cancellation passed on", in.err)
				}
				if !in.expired || !in.called || in.caught {
					t.Errorf("inner scope: Expired=%v CancelCalled=%v CancelledCaught=%v, want true true false", in.expired, in.called, in.caught)
				}
				if !errors.Is(out.err, aio.ErrTimeout) {
					t.Errorf("outer scope returned %v, want ErrTimeout", out.err)
				}
				if !out.expired || !out.called || !out.caught {
					t.Errorf("outer scope: Expired=%v CancelCalled=%v CancelledCaught=%v, want all true", out.expired, out.called, out.caught)
				}
				return nil
			})
		})
	}
}

func TestScopeCancelEndsTheScopeAtOnce(t *testing.T) {
	cause := errors.New("enough")
	cases := []struct {
		name   string
		scope  func(context.Context, func(context.Context, *aio.Scope) error) error
		wantIs func(error) bool
		caught bool
	}{
		{"MoveOnAfter returns nil", func(ctx context.Context, fn func(context.Context, *aio.Scope) error) error {
			return aio.MoveOnAfter(ctx, time.Hour, fn)
		}, func(err error) bool { return err == nil }, true},
		{"CancelScope returns nil", aio.CancelScope, func(err error) bool { return err == nil }, true},
		{"Timeout returns the cancellation, not ErrTimeout", func(ctx context.Context, fn func(context.Context, *aio.Scope) error) error {
			return aio.Timeout(ctx, time.Hour, fn)
		}, func(err error) bool {
			c, ok := ktCause(err)
			return ok && c == cause && !errors.Is(err, aio.ErrTimeout)
		}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ktRun(t, func(ctx context.Context) error {
				t0 := aio.Now(ctx)
				var s *aio.Scope
				var awaitErr error
				err := c.scope(ctx, func(ctx context.Context, scope *aio.Scope) error {
					s = scope
					// A sibling task cancels the scope a second in.
					if _, err := aio.CreateTask(ctx, func(context.Context) (int, error) {
						return 0, scope.Cancel(cause)
					}, aio.WithName("canceller")); err != nil {
						return err
					}
					awaitErr = aio.Sleep(ctx, time.Hour)
					if ctx.Err() == nil {
						t.Error("the scope's context is not cancelled after Cancel")
					}
					return awaitErr
				})
				if !c.wantIs(err) {
					t.Errorf("scope returned %v", err)
				}
				if cz, ok := ktCause(awaitErr); !ok || cz != cause {
					t.Errorf("the await in the scope returned %v, want a cancellation caused by %v", awaitErr, cause)
				}
				if !s.CancelCalled() || s.Expired() || s.CancelledCaught() != c.caught {
					t.Errorf("CancelCalled=%v Expired=%v CancelledCaught=%v, want true false %v", s.CancelCalled(), s.Expired(), s.CancelledCaught(), c.caught)
				}
				if d := ktSince(ctx, t0); d != 0 {
					t.Errorf("the scope took %v, want no time: Cancel acts at once", d)
				}
				if err := s.Cancel(nil); err != nil {
					t.Errorf("Cancel after the scope ended = %v, want nil (nothing to do)", err)
				}
				return ctx.Err()
			})
		})
	}
}

func TestCancelScopeWithoutDeadlineRunsUntilCancelled(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		t0 := aio.Now(ctx)
		err := aio.CancelScope(ctx, func(ctx context.Context, s *aio.Scope) error {
			if _, ok := s.Deadline(); ok {
				t.Error("a CancelScope has a deadline")
			}
			if err := aio.Sleep(ctx, time.Hour); err != nil {
				return err
			}
			// A deadline set later acts as MoveOnAfter's.
			if err := s.Reschedule(aio.Now(ctx).Add(time.Minute)); err != nil {
				return err
			}
			return aio.Sleep(ctx, time.Hour)
		})
		if err != nil {
			t.Errorf("CancelScope = %v, want nil", err)
		}
		if d := ktSince(ctx, t0); d != time.Hour+time.Minute {
			t.Errorf("CancelScope took %v, want 1h1m", d)
		}
		return nil
	})
}

func TestScopeCancelAndOuterCancelInOneStepPassOnTheOuter(t *testing.T) {
	// The scope is cancelled by its own Cancel and by its task's
	// cancellation in the same step: the outer cancellation goes on.
	ktRun(t, func(ctx context.Context) error {
		outer := errors.New("outer")
		var s *aio.Scope
		task, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			return 0, aio.MoveOnAfter(ctx, time.Hour, func(ctx context.Context, scope *aio.Scope) error {
				s = scope
				return aio.Sleep(ctx, time.Hour)
			})
		})
		if err != nil {
			return err
		}
		if err := aio.Sleep(ctx, time.Second); err != nil {
			return err
		}
		if err := s.Cancel(errors.New("inner")); err != nil {
			return err
		}
		task.Cancel(outer)
		_, err = task.Await(ctx)
		if c, ok := ktCause(err); !ok || c != outer {
			t.Errorf("the task returned %v, want the task's own cancellation", err)
		}
		if !s.CancelCalled() || s.CancelledCaught() {
			t.Errorf("CancelCalled=%v CancelledCaught=%v, want true false", s.CancelCalled(), s.CancelledCaught())
		}
		return nil
	})
}

func TestZeroScopeHasNoDeadlineAndRefusesChanges(t *testing.T) {
	var s aio.Scope
	if _, ok := s.Deadline(); ok {
		t.Error("a zero Scope has a deadline")
	}
	if err := s.Reschedule(time.Now()); !errors.Is(err, aio.ErrInvalidState) {
		t.Errorf("Reschedule of a zero Scope = %v, want ErrInvalidState", err)
	}
	if err := s.Cancel(nil); !errors.Is(err, aio.ErrInvalidState) {
		t.Errorf("Cancel of a zero Scope = %v, want ErrInvalidState", err)
	}
	if s.Expired() || s.CancelCalled() || s.CancelledCaught() {
		t.Error("a zero Scope says it was cancelled")
	}
}

func TestWaitForZeroCancelsTheAwaitableBeforeItRuns(t *testing.T) {
	for _, d := range []time.Duration{0, -time.Second} {
		t.Run(d.String(), func(t *testing.T) {
			ktRun(t, func(ctx context.Context) error {
				ran := false
				task, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
					ran = true
					return 1, nil
				})
				if err != nil {
					return err
				}
				v, err := aio.WaitFor[int](ctx, d, task)
				if !errors.Is(err, aio.ErrTimeout) || v != 0 {
					t.Errorf("WaitFor(%v) = %v, %v; want 0, ErrTimeout", d, v, err)
				}
				if ran {
					t.Error("the task created just before WaitFor ran its function")
				}
				if !task.Done() || !task.Cancelled() {
					t.Errorf("WaitFor returned with the task Done=%v Cancelled=%v, want it cancelled and finished", task.Done(), task.Cancelled())
				}
				// A done awaitable gives its result, whatever the deadline.
				f := aio.NewFuture[int]()
				f.SetResult(7)
				if v, err := aio.WaitFor[int](ctx, d, f); v != 7 || err != nil {
					t.Errorf("WaitFor(%v) of a done future = %v, %v; want 7, nil", d, v, err)
				}
				return nil
			})
		})
	}
}

func TestWaitForNeverLeavesTheAwaitableRunning(t *testing.T) {
	// Whatever WaitFor returns (timeout, outside cancellation), the task it
	// awaited has finished when it returns.
	ktRun(t, func(ctx context.Context) error {
		for _, cancelOutside := range []bool{false, true} {
			task, err := aio.CreateTask(ctx, ktSleeper(time.Hour, 1))
			if err != nil {
				return err
			}
			waiter, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
				return aio.WaitFor[int](ctx, time.Minute, task)
			})
			if err != nil {
				return err
			}
			if cancelOutside {
				if err := aio.Sleep(ctx, time.Second); err != nil {
					return err
				}
				waiter.Cancel(nil)
			}
			_, err = waiter.Await(ctx)
			if err == nil {
				t.Errorf("WaitFor (cancelled from outside: %v) returned no error", cancelOutside)
			}
			if !task.Done() {
				t.Errorf("WaitFor (cancelled from outside: %v) returned %v and left the task running", cancelOutside, err)
			}
		}
		return nil
	})
}

func TestNegativeDurationsHavePassedAlready(t *testing.T) {
	// One rule for Sleep, Timeout, MoveOnAfter, WaitFor and CallLater:
	// a negative duration is a deadline that has passed, as zero is
	// (asyncio's rule; trio raises ValueError).
	ktRun(t, func(ctx context.Context) error {
		t0 := aio.Now(ctx)
		steps, counter := ktStepCounter(t, ctx)
		defer counter.Cancel(nil)
		if err := aio.Sleep(ctx, -time.Second); err != nil {
			t.Errorf("Sleep(-1s) = %v, want nil", err)
		}
		if *steps == 0 {
			t.Error("Sleep(-1s) did not yield to the other tasks, as Sleep(0) does")
		}
		for _, moveOn := range []bool{false, true} {
			var s *aio.Scope
			var inside error
			body := func(ctx context.Context, scope *aio.Scope) error {
				s, inside = scope, ctx.Err()
				return aio.Sleep(ctx, time.Hour)
			}
			var err error
			if moveOn {
				err = aio.MoveOnAfter(ctx, -time.Second, body)
			} else {
				err = aio.Timeout(ctx, -time.Second, body)
			}
			if inside == nil {
				t.Errorf("moveOn=%v: the scope's function ran with a live context, want it expired already", moveOn)
			}
			if moveOn && err != nil || !moveOn && !errors.Is(err, aio.ErrTimeout) {
				t.Errorf("moveOn=%v: scope with -1s = %v", moveOn, err)
			}
			if !s.Expired() || !s.CancelledCaught() {
				t.Errorf("moveOn=%v: Expired=%v CancelledCaught=%v, want both", moveOn, s.Expired(), s.CancelledCaught())
			}
		}
		err := aio.TimeoutAt(ctx, aio.Now(ctx).Add(-time.Hour), func(ctx context.Context, s *aio.Scope) error {
			if !s.Expired() || ctx.Err() == nil {
				t.Error("TimeoutAt with a past deadline is not expired at entry")
			}
			return ctx.Err()
		})
		if !errors.Is(err, aio.ErrTimeout) {
			t.Errorf("TimeoutAt(past) = %v, want ErrTimeout", err)
		}
		ran := make(chan struct{})
		h, err := aio.CallLater(ctx, -time.Second, func() { close(ran) })
		if err != nil || h == nil {
			t.Fatalf("CallLater(-1s) = %v, %v", h, err)
		}
		// It is due at the next step, and runs after the tasks ready
		// then (this one), as asyncio's timer handles do.
		for range 2 {
			if err := aio.Sleep(ctx, 0); err != nil {
				return err
			}
		}
		select {
		case <-ran:
		default:
			t.Error("CallLater(-1s) did not run at once")
		}
		if d := ktSince(ctx, t0); d != 0 {
			t.Errorf("the negative durations took %v of loop time, want none", d)
		}
		return nil
	})
}
