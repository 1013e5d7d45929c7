package aio_test

// Timeouts and WaitFor, after CPython's Lib/test/test_asyncio/test_timeouts.py
// (test_timeout_basic, test_timeout_at_basic, test_nested_timeouts,
// test_waiter_cancelled, test_timeout_not_called, test_timeout_disabled,
// test_timeout_zero, test_timeout_zero_sleep_zero,
// test_timeout_in_the_past_sleep_zero, test_foreign_exception_passed,
// test_foreign_exception_on_timeout, test_foreign_cancel_doesnt_timeout_if_not_expired,
// test_nested_timeouts_concurrent, test_reschedule, test_timeout_finished),
// test_waitfor.py (test_wait_for, test_wait_for_race_condition,
// test_wait_for_waits_for_task_cancellation, test_wait_for_cancel_suppressed,
// test_wait_for_reraises_exception_during_cancellation,
// test_wait_for_self_cancellation, test_cancel_wait_for) and trio's
// fail_after / move_on_after and cancel-scope tests (test_timeouts.py,
// test_run.py: test_basic_timeout, test_cancel_scope_nesting,
// test_current_effective_deadline).

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

func TestTimeoutReportsErrTimeoutWhenItsDeadlineFires(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		t0 := aio.Now(ctx)
		var inner error
		var scope *aio.Scope
		err := aio.Timeout(ctx, 10*time.Millisecond, func(ctx context.Context, s *aio.Scope) error {
			scope = s
			inner = aio.Sleep(ctx, time.Hour)
			if context.Cause(ctx) != aio.ErrTimeout {
				t.Errorf("context.Cause inside the expired scope = %v, want ErrTimeout", context.Cause(ctx))
			}
			return inner
		})
		if !errors.Is(err, aio.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Timeout = %v, want ErrTimeout (and context.DeadlineExceeded)", err)
		}
		if errors.Is(err, aio.ErrCancelled) {
			t.Errorf("Timeout = %v is also a cancellation; an outer scope would mistake it", err)
		}
		if !ktIsCancel(inner) || errors.Is(inner, aio.ErrTimeout) {
			t.Errorf("the await inside = %v, want a plain cancellation, not the timeout", inner)
		}
		if !scope.Expired() {
			t.Error("Expired() = false")
		}
		if got := ktSince(ctx, t0); got != 10*time.Millisecond {
			t.Errorf("the timeout fired after %v, want 10ms", got)
		}
		// The task itself is not cancelled.
		if err := aio.Sleep(ctx, time.Second); err != nil {
			t.Errorf("Sleep after the Timeout = %v, want nil", err)
		}
		t1 := aio.Now(ctx).Add(5 * time.Millisecond)
		err = aio.TimeoutAt(ctx, t1, func(ctx context.Context, s *aio.Scope) error {
			if d, ok := s.Deadline(); !ok || !d.Equal(t1) {
				t.Errorf("Scope.Deadline = %v, %v; want %v", d, ok, t1)
			}
			return aio.Sleep(ctx, time.Hour)
		})
		if !errors.Is(err, aio.ErrTimeout) || !aio.Now(ctx).Equal(t1) {
			t.Errorf("TimeoutAt = %v at %v; want ErrTimeout at %v", err, aio.Now(ctx), t1)
		}
		return nil
	})
}

func TestTimeoutReturnsWhatTheBodyReturnsBeforeTheDeadline(t *testing.T) {
	boom := errors.New("boom")
	cases := []struct {
		name    string
		body    func(ctx context.Context, s *aio.Scope) error
		want    error
		expired bool
	}{
		{"a body that returns nil in time gives nil", func(ctx context.Context, _ *aio.Scope) error {
			return aio.Sleep(ctx, time.Second)
		}, nil, false},
		{"a body that fails in time gives its error", func(ctx context.Context, _ *aio.Scope) error {
			if err := aio.Sleep(ctx, time.Second); err != nil {
				return err
			}
			return boom
		}, boom, false},
		{"a body that fails at once gives its error", func(context.Context, *aio.Scope) error { return boom }, boom, false},
		// test_foreign_exception_on_timeout: the deadline fired, but the
		// body's own error is what it returned.
		{"a body that fails during the cancellation gives its error, not ErrTimeout", func(ctx context.Context, _ *aio.Scope) error {
			aio.Sleep(ctx, time.Hour)
			return boom
		}, boom, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ktRun(t, func(ctx context.Context) error {
				var scope *aio.Scope
				err := aio.Timeout(ctx, time.Minute, func(ctx context.Context, s *aio.Scope) error {
					scope = s
					return c.body(ctx, s)
				})
				if err != c.want {
					t.Errorf("Timeout = %v, want %v", err, c.want)
				}
				if scope.Expired() != c.expired {
					t.Errorf("Expired() = %v, want %v", scope.Expired(), c.expired)
				}
				return nil
			})
		})
	}
}

func TestTimeoutBodyThatSwallowsTheCancellationGetsNil(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var scope *aio.Scope
		err := aio.Timeout(ctx, time.Second, func(ctx context.Context, s *aio.Scope) error {
			scope = s
			if err := aio.Sleep(ctx, time.Hour); !ktIsCancel(err) {
				t.Errorf("Sleep = %v, want a cancellation", err)
			}
			return nil
		})
		if err != nil {
			t.Errorf("Timeout = %v, want nil: the body swallowed the cancellation", err)
		}
		if !scope.Expired() {
			t.Error("Expired() = false, though the deadline fired")
		}
		return nil
	})
}

func TestMoveOnAfterReturnsNilAndExpired(t *testing.T) {
	boom := errors.New("boom")
	cases := []struct {
		name        string
		body        func(ctx context.Context) error
		want        error
		wantExpired bool
		wantElapsed time.Duration
	}{
		{"the deadline ends the body", func(ctx context.Context) error { return aio.Sleep(ctx, time.Hour) }, nil, true, time.Second},
		{"the body returns in time", func(ctx context.Context) error { return aio.Sleep(ctx, time.Millisecond) }, nil, false, time.Millisecond},
		{"the body fails in time", func(ctx context.Context) error { return boom }, boom, false, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ktRun(t, func(ctx context.Context) error {
				t0 := aio.Now(ctx)
				var scope *aio.Scope
				err := aio.MoveOnAfter(ctx, time.Second, func(ctx context.Context, s *aio.Scope) error {
					scope = s
					return c.body(ctx)
				})
				if err != c.want || scope.Expired() != c.wantExpired {
					t.Errorf("MoveOnAfter = %v, Expired=%v; want %v, %v", err, scope.Expired(), c.want, c.wantExpired)
				}
				if got := ktSince(ctx, t0); got != c.wantElapsed {
					t.Errorf("took %v, want %v", got, c.wantElapsed)
				}
				if err := aio.Sleep(ctx, time.Second); err != nil {
					t.Errorf("the task after MoveOnAfter: Sleep = %v", err)
				}
				return nil
			})
		})
	}
}

func TestNestedTimeoutsWithTheSameDeadlineOnlyTheOutermostReportsErrTimeout(t *testing.T) {
	type scopeFn func(ctx context.Context, when time.Time, fn func(context.Context, *aio.Scope) error) error
	timeoutAt := func(ctx context.Context, when time.Time, fn func(context.Context, *aio.Scope) error) error {
		return aio.TimeoutAt(ctx, when, fn)
	}
	timeoutFor := func(ctx context.Context, when time.Time, fn func(context.Context, *aio.Scope) error) error {
		return aio.Timeout(ctx, when.Sub(aio.Now(ctx)), fn)
	}
	moveOn := func(ctx context.Context, when time.Time, fn func(context.Context, *aio.Scope) error) error {
		return aio.MoveOnAfter(ctx, when.Sub(aio.Now(ctx)), fn)
	}
	cases := []struct {
		name         string
		outer, inner scopeFn
		wantOuter    func(error) bool
	}{
		{"two TimeoutAt", timeoutAt, timeoutAt, func(err error) bool { return errors.Is(err, aio.ErrTimeout) }},
		{"two Timeout", timeoutFor, timeoutFor, func(err error) bool { return errors.Is(err, aio.ErrTimeout) }},
		{"MoveOnAfter around Timeout", moveOn, timeoutFor, func(err error) bool { return err == nil }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ktRun(t, func(ctx context.Context) error {
				when := aio.Now(ctx).Add(10 * time.Millisecond)
				var innerErr, middleErr error
				var outerScope *aio.Scope
				outerErr := c.outer(ctx, when, func(ctx context.Context, s *aio.Scope) error {
					outerScope = s
					middleErr = c.inner(ctx, when, func(ctx context.Context, _ *aio.Scope) error {
						innerErr = c.inner(ctx, when, func(ctx context.Context, _ *aio.Scope) error {
							return aio.Sleep(ctx, time.Hour)
						})
						return innerErr
					})
					return middleErr
				})
				for name, err := range map[string]error{"innermost": innerErr, "middle": middleErr} {
					if !ktIsCancel(err) || errors.Is(err, aio.ErrTimeout) {
						t.Errorf("%s scope returned %v, want the cancellation passed on (not ErrTimeout)", name, err)
					}
				}
				if !c.wantOuter(outerErr) || !outerScope.Expired() {
					t.Errorf("outermost scope returned %v (Expired=%v)", outerErr, outerScope.Expired())
				}
				return nil
			})
		})
	}
}

func TestWaitForInsideATimeoutWithTheSameDeadlineIsACancellation(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		inner, err := aio.CreateTask(ctx, ktSleeper(time.Hour, 1))
		if err != nil {
			return err
		}
		var waitErr error
		err = aio.Timeout(ctx, time.Second, func(ctx context.Context, _ *aio.Scope) error {
			_, waitErr = aio.WaitFor[int](ctx, time.Second, inner)
			return waitErr
		})
		if !ktIsCancel(waitErr) || errors.Is(waitErr, aio.ErrTimeout) {
			t.Errorf("WaitFor = %v, want the outer scope's cancellation passed on", waitErr)
		}
		if !errors.Is(err, aio.ErrTimeout) {
			t.Errorf("outer Timeout = %v, want ErrTimeout", err)
		}
		if !inner.Cancelled() {
			t.Errorf("the awaited task: Done=%v Cancelled=%v, want it cancelled and finished", inner.Done(), inner.Cancelled())
		}
		return nil
	})
}

func TestInnerTimeoutShorterThanOuterReportsErrTimeoutAndTheOuterGoesOn(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		t0 := aio.Now(ctx)
		var innerErr, after error
		var inner *aio.Scope
		outerErr := aio.Timeout(ctx, time.Second, func(ctx context.Context, outer *aio.Scope) error {
			innerErr = aio.Timeout(ctx, 100*time.Millisecond, func(ctx context.Context, s *aio.Scope) error {
				inner = s
				return aio.Sleep(ctx, time.Hour)
			})
			after = aio.Sleep(ctx, 500*time.Millisecond)
			return after
		})
		if !errors.Is(innerErr, aio.ErrTimeout) || !inner.Expired() {
			t.Errorf("inner Timeout = %v (Expired=%v), want ErrTimeout", innerErr, inner.Expired())
		}
		if after != nil {
			t.Errorf("the outer body's await after the inner timeout = %v, want nil", after)
		}
		if outerErr != nil {
			t.Errorf("outer Timeout = %v, want nil", outerErr)
		}
		if got := ktSince(ctx, t0); got != 600*time.Millisecond {
			t.Errorf("took %v, want 600ms", got)
		}
		// And the other way round: an outer deadline shorter than the
		// inner one is the outer's timeout.
		outerErr = aio.Timeout(ctx, 100*time.Millisecond, func(ctx context.Context, _ *aio.Scope) error {
			innerErr = aio.Timeout(ctx, time.Second, func(ctx context.Context, _ *aio.Scope) error {
				return aio.Sleep(ctx, time.Hour)
			})
			return innerErr
		})
		if !ktIsCancel(innerErr) || errors.Is(innerErr, aio.ErrTimeout) || !errors.Is(outerErr, aio.ErrTimeout) {
			t.Errorf("outer shorter: inner = %v, outer = %v; want a cancellation, then ErrTimeout", innerErr, outerErr)
		}
		return nil
	})
}

func TestOuterCancellationInTheSameStepAsTheInnerDeadlineIsACancellation(t *testing.T) {
	cases := []struct {
		name string
		// cancelAt arranges for w to be cancelled at loop time 1s, in the
		// step in which w's scope deadline (also 1s) fires.
		cancelAt func(ctx context.Context, w func() *aio.Task[int], cause error) error
	}{
		{"cancelled by a task woken by the same step's timer", func(ctx context.Context, w func() *aio.Task[int], cause error) error {
			// main's timer is armed before w's scope: main runs first.
			if err := aio.Sleep(ctx, time.Second); err != nil {
				return err
			}
			w().Cancel(cause)
			return nil
		}},
		{"cancelled by a callback of the same deadline", func(ctx context.Context, w func() *aio.Task[int], cause error) error {
			_, err := aio.CallLater(ctx, time.Second, func() { w().Cancel(cause) })
			return err
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ktRun(t, func(ctx context.Context) error {
				cause := errors.New("shutting down")
				var scopeErr, next error
				var task *aio.Task[int]
				task, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
					scopeErr = aio.Timeout(ctx, time.Second, func(ctx context.Context, _ *aio.Scope) error {
						return aio.Sleep(ctx, time.Hour)
					})
					next = aio.Sleep(ctx, 0)
					return 0, scopeErr
				})
				if err != nil {
					return err
				}
				if err := c.cancelAt(ctx, func() *aio.Task[int] { return task }, cause); err != nil {
					return err
				}
				_, err = task.Await(ctx)
				if errors.Is(scopeErr, aio.ErrTimeout) || !ktIsCancel(scopeErr) {
					t.Errorf("Timeout = %v, want the outer cancellation, not ErrTimeout", scopeErr)
				}
				// What comes out of the scope is the outer cancellation: its
				// cause is the one given to Cancel, as it would be had the
				// Cancel come a step earlier. A Cause of ErrTimeout would
				// tell whoever awaits the task that a timeout ended it.
				if cse, _ := ktCause(scopeErr); cse != cause {
					t.Errorf("the cancellation out of Timeout has the cause %v, want the canceller's %v", cse, cause)
				}
				if cse, ok := ktCause(next); !ok || cse != cause {
					t.Errorf("the next await = %v, want the task's cancellation with its cause", next)
				}
				if !task.Cancelled() {
					t.Errorf("the task ended with %v, want a cancellation", err)
				}
				return nil
			})
		})
	}
}

func TestScopeReschedule(t *testing.T) {
	t.Run("Reschedule extends, shortens and removes the deadline", func(t *testing.T) {
		ktRun(t, func(ctx context.Context) error {
			t0 := aio.Now(ctx)
			var stages []string
			err := aio.Timeout(ctx, time.Second, func(ctx context.Context, s *aio.Scope) error {
				// Extend to 3s: a 2s sleep is not cut.
				if err := s.Reschedule(t0.Add(3 * time.Second)); err != nil {
					t.Errorf("Reschedule(3s) = %v", err)
				}
				if d, ok := ctx.Deadline(); !ok || !d.Equal(t0.Add(3*time.Second)) {
					t.Errorf("ctx.Deadline after extending = %v, %v", d, ok)
				}
				if err := aio.Sleep(ctx, 2*time.Second); err != nil {
					t.Errorf("Sleep(2s) under an extended deadline = %v", err)
				}
				stages = append(stages, "extended")
				// Remove: a sleep past every old deadline is not cut.
				if err := s.Reschedule(time.Time{}); err != nil {
					t.Errorf("Reschedule(zero) = %v", err)
				}
				if _, ok := s.Deadline(); ok {
					t.Error("Scope.Deadline after removing it reports one")
				}
				if _, ok := ctx.Deadline(); ok {
					t.Error("ctx.Deadline after removing it reports one")
				}
				if err := aio.Sleep(ctx, 10*time.Second); err != nil {
					t.Errorf("Sleep(10s) without a deadline = %v", err)
				}
				stages = append(stages, "removed")
				// Shorten: 500ms from now.
				if err := s.Reschedule(aio.Now(ctx).Add(500 * time.Millisecond)); err != nil {
					t.Errorf("Reschedule(+500ms) = %v", err)
				}
				err := aio.Sleep(ctx, time.Hour)
				if got := ktSince(ctx, t0); got != 12500*time.Millisecond {
					t.Errorf("the shortened deadline fired at %v, want 12.5s", got)
				}
				stages = append(stages, "shortened")
				if err := s.Reschedule(aio.Now(ctx).Add(time.Hour)); !errors.Is(err, aio.ErrInvalidState) {
					t.Errorf("Reschedule after expiry = %v, want ErrInvalidState", err)
				}
				return err
			})
			if !errors.Is(err, aio.ErrTimeout) {
				t.Errorf("Timeout = %v, want ErrTimeout", err)
			}
			if len(stages) != 3 {
				t.Errorf("reached %q", stages)
			}
			return nil
		})
	})
	t.Run("Reschedule after the scope exited is ErrInvalidState", func(t *testing.T) {
		ktRun(t, func(ctx context.Context) error {
			var scope *aio.Scope
			if err := aio.Timeout(ctx, time.Second, func(ctx context.Context, s *aio.Scope) error {
				scope = s
				return nil
			}); err != nil {
				return err
			}
			if err := scope.Reschedule(aio.Now(ctx).Add(time.Millisecond)); !errors.Is(err, aio.ErrInvalidState) {
				t.Errorf("Reschedule after exit = %v, want ErrInvalidState", err)
			}
			// And the exited scope's old deadline does nothing later.
			if err := aio.Sleep(ctx, 2*time.Second); err != nil {
				t.Errorf("Sleep past an exited scope's deadline = %v", err)
			}
			return nil
		})
	})
	t.Run("after many Reschedules only the last deadline counts", func(t *testing.T) {
		// Every Reschedule leaves a dead timer behind; enough of them make
		// the timer heap rebuild itself, which must keep the live ones.
		ktRun(t, func(ctx context.Context) error {
			t0 := aio.Now(ctx)
			var woke time.Duration
			sibling, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
				err := aio.Sleep(ctx, 1500*time.Millisecond)
				woke = ktSince(ctx, t0)
				return 0, err
			})
			if err != nil {
				return err
			}
			err = aio.Timeout(ctx, time.Hour, func(ctx context.Context, s *aio.Scope) error {
				for i := range 1000 {
					if err := s.Reschedule(t0.Add(time.Duration(1000+i%7) * time.Hour)); err != nil {
						return err
					}
				}
				if err := s.Reschedule(t0.Add(2 * time.Second)); err != nil {
					return err
				}
				return aio.Sleep(ctx, time.Hour)
			})
			if !errors.Is(err, aio.ErrTimeout) || ktSince(ctx, t0) != 2*time.Second {
				t.Errorf("Timeout = %v after %v, want ErrTimeout after 2s", err, ktSince(ctx, t0))
			}
			sibling.Await(ctx)
			if woke != 1500*time.Millisecond {
				t.Errorf("a sibling's Sleep(1.5s) ended after %v", woke)
			}
			return nil
		})
	})
	t.Run("Reschedule into the past fires at the next step", func(t *testing.T) {
		ktRun(t, func(ctx context.Context) error {
			t0 := aio.Now(ctx)
			err := aio.Timeout(ctx, time.Hour, func(ctx context.Context, s *aio.Scope) error {
				if err := s.Reschedule(t0.Add(-time.Second)); err != nil {
					t.Errorf("Reschedule(past) = %v", err)
				}
				return aio.Sleep(ctx, time.Hour)
			})
			if !errors.Is(err, aio.ErrTimeout) || ktSince(ctx, t0) != 0 {
				t.Errorf("Timeout = %v after %v, want ErrTimeout at once", err, ktSince(ctx, t0))
			}
			return nil
		})
	})
}

func TestTimeoutAtZeroTimeHasNoDeadline(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		t0 := aio.Now(ctx)
		err := aio.TimeoutAt(ctx, time.Time{}, func(ctx context.Context, s *aio.Scope) error {
			if _, ok := s.Deadline(); ok {
				t.Error("Scope.Deadline reports a deadline")
			}
			if _, ok := ctx.Deadline(); ok {
				t.Error("ctx.Deadline reports a deadline")
			}
			if err := aio.Sleep(ctx, 1000*time.Hour); err != nil {
				t.Errorf("Sleep = %v, want nil", err)
			}
			// A deadline can be set later.
			if err := s.Reschedule(aio.Now(ctx).Add(time.Second)); err != nil {
				t.Errorf("Reschedule = %v", err)
			}
			return aio.Sleep(ctx, time.Hour)
		})
		if !errors.Is(err, aio.ErrTimeout) || ktSince(ctx, t0) != 1000*time.Hour+time.Second {
			t.Errorf("TimeoutAt = %v after %v; want ErrTimeout after 1000h1s", err, ktSince(ctx, t0))
		}
		return nil
	})
}

func TestContextDeadlineInsideAScopeIsTheScopesDeadline(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		if _, ok := ctx.Deadline(); ok {
			t.Error("a task's context without a scope reports a deadline")
		}
		t0 := aio.Now(ctx)
		return aio.Timeout(ctx, 5*time.Second, func(ctx context.Context, _ *aio.Scope) error {
			if d, ok := ctx.Deadline(); !ok || !d.Equal(t0.Add(5*time.Second)) {
				t.Errorf("ctx.Deadline = %v, %v; want %v", d, ok, t0.Add(5*time.Second))
			}
			child, err := aio.CreateTask(ctx, func(ctx context.Context) (time.Time, error) {
				d, _ := ctx.Deadline()
				return d, nil
			})
			if err != nil {
				return err
			}
			if d, _ := child.Await(ctx); !d.Equal(t0.Add(5 * time.Second)) {
				t.Errorf("a task created in the scope sees the deadline %v, want the scope's", d)
			}
			if _, ok := aio.Shield(ctx).Deadline(); ok {
				t.Error("Shield(ctx).Deadline reports a deadline")
			}
			aio.Timeout(ctx, time.Second, func(ctx context.Context, _ *aio.Scope) error {
				if d, ok := ctx.Deadline(); !ok || !d.Equal(t0.Add(time.Second)) {
					t.Errorf("a shorter inner scope: ctx.Deadline = %v, %v; want the inner %v", d, ok, t0.Add(time.Second))
				}
				return nil
			})
			aio.Timeout(ctx, time.Minute, func(ctx context.Context, _ *aio.Scope) error {
				// As with context.WithDeadline, the earlier deadline is the
				// one that holds, and the one Deadline reports.
				if d, ok := ctx.Deadline(); !ok || !d.Equal(t0.Add(5*time.Second)) {
					t.Errorf("a longer inner scope: ctx.Deadline = %v, %v; want the outer, earlier %v", d, ok, t0.Add(5*time.Second))
				}
				return nil
			})
			return nil
		})
	})
}

func TestTimeoutZeroCancelsAtTheFirstAwait(t *testing.T) {
	cases := []struct {
		name  string
		await func(ctx context.Context) error
	}{
		{"Sleep(1h)", func(ctx context.Context) error { return aio.Sleep(ctx, time.Hour) }},
		{"Sleep(0)", func(ctx context.Context) error { return aio.Sleep(ctx, 0) }},
		{"Future.Await", func(ctx context.Context) error {
			_, err := aio.NewFuture[int]().Await(ctx)
			return err
		}},
	}
	for _, c := range cases {
		t.Run("the first await is "+c.name, func(t *testing.T) {
			ktRun(t, func(ctx context.Context) error {
				t0 := aio.Now(ctx)
				var reached bool
				err := aio.Timeout(ctx, 0, func(ctx context.Context, _ *aio.Scope) error {
					if err := c.await(ctx); err != nil {
						return err
					}
					reached = true
					return nil
				})
				if !errors.Is(err, aio.ErrTimeout) || reached {
					t.Errorf("Timeout(0) = %v (went past the first await: %v); want ErrTimeout at the first await", err, reached)
				}
				if got := ktSince(ctx, t0); got != 0 {
					t.Errorf("took %v, want 0", got)
				}
				return nil
			})
		})
	}
	t.Run("TimeoutAt in the past is the same", func(t *testing.T) {
		ktRun(t, func(ctx context.Context) error {
			err := aio.TimeoutAt(ctx, aio.Now(ctx).Add(-11*time.Second), func(ctx context.Context, _ *aio.Scope) error {
				return aio.Sleep(ctx, time.Hour)
			})
			if !errors.Is(err, aio.ErrTimeout) {
				t.Errorf("TimeoutAt(past) = %v, want ErrTimeout", err)
			}
			return nil
		})
	})
	t.Run("a body without an await is not cancelled", func(t *testing.T) {
		ktRun(t, func(ctx context.Context) error {
			if err := aio.Timeout(ctx, 0, func(context.Context, *aio.Scope) error { return nil }); err != nil {
				t.Errorf("Timeout(0) of a body that never awaits = %v, want nil", err)
			}
			return nil
		})
	})
}

func TestWaitForReturnsTheResultInTime(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		task, err := aio.CreateTask(ctx, ktSleeper(time.Second, 1))
		if err != nil {
			return err
		}
		if v, err := aio.WaitFor(ctx, 2*time.Second, aio.Awaitable[int](task)); v != 1 || err != nil {
			t.Errorf("WaitFor(task) = %v, %v; want 1, nil", v, err)
		}
		f := aio.NewFuture[int]()
		aio.CallLater(ctx, 100*time.Millisecond, func() { f.SetResult(2) })
		if v, err := aio.WaitFor[int](ctx, 200*time.Millisecond, f); v != 2 || err != nil {
			t.Errorf("WaitFor(future) = %v, %v; want 2, nil", v, err)
		}
		done := aio.NewFuture[int]()
		done.SetResult(3)
		if v, err := aio.WaitFor[int](ctx, 0, done); v != 3 || err != nil {
			t.Errorf("WaitFor(done future, 0) = %v, %v; want 3, nil", v, err)
		}
		return nil
	})
}

func TestWaitForOnTimeoutCancelsAndWaitsForTheTask(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		t0 := aio.Now(ctx)
		var cleaned bool
		var cleanedAt time.Duration
		task, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			defer func() {
				aio.Sleep(aio.Shield(ctx), time.Second)
				cleaned, cleanedAt = true, ktSince(ctx, t0)
			}()
			return 1, aio.Sleep(ctx, time.Hour)
		})
		if err != nil {
			return err
		}
		_, err = aio.WaitFor[int](ctx, 10*time.Millisecond, task)
		if !errors.Is(err, aio.ErrTimeout) {
			t.Errorf("WaitFor = %v, want ErrTimeout", err)
		}
		if !cleaned {
			t.Error("WaitFor returned before the task's cleanup had run")
		}
		if !task.Done() || !task.Cancelled() {
			t.Errorf("the task: Done=%v Cancelled=%v, want true, true", task.Done(), task.Cancelled())
		}
		if want := 10*time.Millisecond + time.Second; cleanedAt != want || ktSince(ctx, t0) != want {
			t.Errorf("cleanup ended at %v and WaitFor returned at %v, want both at %v", cleanedAt, ktSince(ctx, t0), want)
		}
		if c, _ := ktCause(task.Err()); c != aio.ErrTimeout {
			t.Errorf("the task's cancellation cause = %v, want ErrTimeout", c)
		}
		return nil
	})
}

func TestWaitForReturnsWhatATaskThatIgnoresTheCancellationReturns(t *testing.T) {
	boom := errors.New("failed while cancelling")
	cases := []struct {
		name    string
		fn      func(ctx context.Context) (int, error)
		want    int
		wantErr error
	}{
		{"a task that swallows the cancellation and returns a value", func(ctx context.Context) (int, error) {
			aio.Sleep(ctx, time.Hour)
			return 42, nil
		}, 42, nil},
		{"a task that fails with another error while cancelling", func(ctx context.Context) (int, error) {
			aio.Sleep(ctx, time.Hour)
			return 0, boom
		}, 0, boom},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ktRun(t, func(ctx context.Context) error {
				task, err := aio.CreateTask(ctx, c.fn)
				if err != nil {
					return err
				}
				v, err := aio.WaitFor[int](ctx, 100*time.Millisecond, task)
				if v != c.want || err != c.wantErr {
					t.Errorf("WaitFor = %v, %v; want %v, %v", v, err, c.want, c.wantErr)
				}
				return nil
			})
		})
	}
}

func TestWaitForDoesNotLoseAResultArrivingWithTheDeadline(t *testing.T) {
	cases := []struct {
		name  string
		start func(ctx context.Context) (aio.Awaitable[int], error)
	}{
		{"a task whose timer fires just before the deadline's", func(ctx context.Context) (aio.Awaitable[int], error) {
			task, err := aio.CreateTask(ctx, ktSleeper(time.Second, 7))
			if err != nil {
				return nil, err
			}
			return task, aio.Sleep(ctx, 0) // its timer is armed before WaitFor's
		}},
		{"a task whose timer fires just after the deadline's", func(ctx context.Context) (aio.Awaitable[int], error) {
			// Its timer is armed in its first step, after WaitFor's.
			task, err := aio.CreateTask(ctx, ktSleeper(time.Second, 7))
			return task, err
		}},
		{"a future set by a task woken just before the deadline", func(ctx context.Context) (aio.Awaitable[int], error) {
			f := aio.NewFuture[int]()
			if err := aio.Go(ctx, func(ctx context.Context) error {
				if err := aio.Sleep(ctx, time.Second); err != nil {
					return err
				}
				return f.SetResult(7)
			}); err != nil {
				return nil, err
			}
			return f, aio.Sleep(ctx, 0)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ktRun(t, func(ctx context.Context) error {
				a, err := c.start(ctx)
				if err != nil {
					return err
				}
				t0 := aio.Now(ctx)
				v, err := aio.WaitFor(ctx, time.Second, a)
				if v != 7 || err != nil {
					t.Errorf("WaitFor = %v, %v; want the result 7, nil", v, err)
				}
				if got := ktSince(ctx, t0); got != time.Second {
					t.Errorf("WaitFor returned after %v, want 1s", got)
				}
				return nil
			})
		})
	}
}

func TestWaitForOuterCancellationCancelsTheInnerTask(t *testing.T) {
	t.Run("the inner task is cancelled with the outer cause and waited for", func(t *testing.T) {
		ktRun(t, func(ctx context.Context) error {
			cause := errors.New("caller gave up")
			var cleaned bool
			inner, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
				defer func() {
					aio.Sleep(aio.Shield(ctx), time.Second)
					cleaned = true
				}()
				_, err := aio.NewFuture[int]().Await(ctx)
				return 0, err
			})
			if err != nil {
				return err
			}
			var waitErr error
			var cleanedFirst bool
			waiter, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
				_, waitErr = aio.WaitFor[int](ctx, time.Hour, inner)
				cleanedFirst = cleaned
				return 0, waitErr
			})
			if err != nil {
				return err
			}
			if err := aio.Sleep(ctx, time.Second); err != nil {
				return err
			}
			waiter.Cancel(cause)
			waiter.Await(ctx)
			if c, ok := ktCause(waitErr); !ok || c != cause || errors.Is(waitErr, aio.ErrTimeout) {
				t.Errorf("WaitFor = %v, want a cancellation with the caller's cause", waitErr)
			}
			if !inner.Cancelled() || !cleanedFirst {
				t.Errorf("inner: Cancelled=%v, cleaned before WaitFor returned=%v; want true, true", inner.Cancelled(), cleanedFirst)
			}
			if c, _ := ktCause(inner.Err()); c != cause {
				t.Errorf("the inner task's cause = %v, want the caller's", c)
			}
			return nil
		})
	})
	t.Run("a result the inner task returns all the same is not lost", func(t *testing.T) {
		// asyncio raises CancelledError here and leaves 42 in the task;
		// aio returns it, and the caller's next await fails.
		ktRun(t, func(ctx context.Context) error {
			inner, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
				aio.Sleep(ctx, time.Hour)
				return 42, nil
			})
			if err != nil {
				return err
			}
			var v int
			var waitErr, next error
			waiter, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
				v, waitErr = aio.WaitFor[int](ctx, time.Hour, inner)
				next = aio.Sleep(ctx, 0)
				return v, next
			})
			if err != nil {
				return err
			}
			if err := aio.Sleep(ctx, time.Second); err != nil {
				return err
			}
			waiter.Cancel(nil)
			waiter.Await(ctx)
			if v != 42 || waitErr != nil || !ktIsCancel(next) {
				t.Errorf("WaitFor = %v, %v, next await %v; want 42, nil, then a cancellation", v, waitErr, next)
			}
			return nil
		})
	})
}

// A deadline before the loop started (TimeoutAt with a time in the past) is
// a deadline all the same: the scope and its context report it, and it
// fires at once.
func TestTimeoutAtBeforeTheLoopStartedReportsItsDeadline(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		past := aio.Now(ctx).Add(-time.Hour)
		err := aio.TimeoutAt(ctx, past, func(ctx context.Context, s *aio.Scope) error {
			if d, ok := s.Deadline(); !ok || !d.Equal(past) {
				t.Errorf("Scope.Deadline = %v, %v, want %v", d, ok, past)
			}
			if d, ok := ctx.Deadline(); !ok || !d.Equal(past) {
				t.Errorf("ctx.Deadline = %v, %v, want %v", d, ok, past)
			}
			return aio.Sleep(ctx, time.Second)
		})
		if !errors.Is(err, aio.ErrTimeout) {
			t.Errorf("TimeoutAt(an hour before the loop started) = %v, want ErrTimeout", err)
		}
		return nil
	})
}
