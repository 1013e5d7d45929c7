package aio_test

// Edge cases of cancel scopes and timeouts, after CPython's
// Lib/test/test_asyncio/test_timeouts.py (test_nested_timeouts,
// test_timeout_expire_meanwhile... the deadline that passes as the body
// ends, test_reschedule, test_foreign_exception_on_timeout) and trio's
// _core/_tests/test_run.py (test_cancel_scope_nesting, test_cancel_shielding,
// test_cancel_edge_cases) and _tests/test_timeouts.py: which scope reports
// the timeout, what a shield inside an expired scope may still do, and
// what a scope keeps of an error that carries a cancellation.

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

func TestAnOuterDeadlineEarlierThanTheInnerIsReportedByTheOuterScopeOnly(t *testing.T) {
	for _, moveOn := range []bool{false, true} {
		name := "Timeout in Timeout"
		if moveOn {
			name = "MoveOnAfter in MoveOnAfter"
		}
		t.Run(name, func(t *testing.T) {
			ktRun(t, func(ctx context.Context) error {
				scope := aio.Timeout
				if moveOn {
					scope = aio.MoveOnAfter
				}
				t0 := aio.Now(ctx)
				var outer, inner *aio.Scope
				var innerErr error
				outerErr := scope(ctx, time.Second, func(ctx context.Context, s *aio.Scope) error {
					outer = s
					innerErr = scope(ctx, time.Hour, func(ctx context.Context, s *aio.Scope) error {
						inner = s
						return aio.Sleep(ctx, 2*time.Hour)
					})
					return innerErr
				})
				if !ktIsCancel(innerErr) || errors.Is(innerErr, aio.ErrTimeout) {
					t.Errorf("inner scope = %v, want the outer's cancellation passed on", innerErr)
				}
				if c, _ := ktCause(innerErr); c != aio.ErrTimeout {
					t.Errorf("the cancellation out of the inner scope has the cause %v, want the outer deadline's", c)
				}
				if inner.Expired() || inner.CancelCalled() || inner.CancelledCaught() {
					t.Errorf("inner: Expired=%v CancelCalled=%v CancelledCaught=%v, want all false: its own deadline is an hour away",
						inner.Expired(), inner.CancelCalled(), inner.CancelledCaught())
				}
				want := error(aio.ErrTimeout)
				if moveOn {
					want = nil
				}
				if !errors.Is(outerErr, want) || (want == nil && outerErr != nil) {
					t.Errorf("outer scope = %v, want %v", outerErr, want)
				}
				if !outer.Expired() || !outer.CancelledCaught() {
					t.Errorf("outer: Expired=%v CancelledCaught=%v, want both true", outer.Expired(), outer.CancelledCaught())
				}
				if got := ktSince(ctx, t0); got != time.Second {
					t.Errorf("the scopes ended after %v, want 1s", got)
				}
				// The inner scope's timer, an hour away, is disarmed: it
				// cancels nothing later.
				if err := aio.Sleep(ctx, 2*time.Hour); err != nil {
					t.Errorf("a sleep past the inner scope's old deadline = %v", err)
				}
				return nil
			})
		})
	}
}

func TestOfNestedCancelledScopesTheOutermostCancelledOneCatches(t *testing.T) {
	// trio's test_cancel_scope_nesting: the innermost scope is cancelled
	// first, then the middle one, in the same step; the middle one
	// catches, the innermost passes on, the outermost sees nothing.
	ktRun(t, func(ctx context.Context) error {
		var s1, s2, s3 *aio.Scope
		var err2, err3 error
		err1 := aio.CancelScope(ctx, func(ctx context.Context, s *aio.Scope) error {
			s1 = s
			err2 = aio.CancelScope(ctx, func(ctx context.Context, s *aio.Scope) error {
				s2 = s
				err3 = aio.CancelScope(ctx, func(ctx context.Context, s *aio.Scope) error {
					s3 = s
					s3.Cancel(nil)
					s2.Cancel(nil)
					_, err := aio.NewFuture[int]().Await(ctx)
					return err
				})
				return err3
			})
			return err2
		})
		if !ktIsCancel(err3) || !s3.CancelCalled() || s3.CancelledCaught() {
			t.Errorf("innermost: %v CancelCalled=%v CancelledCaught=%v, want a cancellation passed on", err3, s3.CancelCalled(), s3.CancelledCaught())
		}
		if err2 != nil || !s2.CancelCalled() || !s2.CancelledCaught() {
			t.Errorf("middle: %v CancelCalled=%v CancelledCaught=%v, want nil, caught", err2, s2.CancelCalled(), s2.CancelledCaught())
		}
		if err1 != nil || s1.CancelCalled() || s1.CancelledCaught() {
			t.Errorf("outermost: %v CancelCalled=%v CancelledCaught=%v, want untouched", err1, s1.CancelCalled(), s1.CancelledCaught())
		}
		// trio's test_cancel_edge_cases: cancelling twice is the same as
		// once, and the cancellation is level-triggered.
		return aio.CancelScope(ctx, func(ctx context.Context, s *aio.Scope) error {
			s.Cancel(errors.New("first"))
			s.Cancel(errors.New("second"))
			for range 2 {
				if c, ok := ktCause(aio.Sleep(ctx, time.Second)); !ok || c.Error() != "first" {
					t.Errorf("an await after two Cancels has the cause %v, want the first", c)
				}
			}
			return aio.Sleep(ctx, 0)
		})
	})
}

func TestATimeoutExpiringInTheStepTheBodyFinishesIsNoError(t *testing.T) {
	t.Run("the body's last sleep ends at the deadline", func(t *testing.T) {
		ktRun(t, func(ctx context.Context) error {
			var scope *aio.Scope
			var sleepErr error
			err := aio.Timeout(ctx, time.Second, func(ctx context.Context, s *aio.Scope) error {
				scope = s
				sleepErr = aio.Sleep(ctx, time.Second)
				return sleepErr
			})
			// The sleep's wake-up and the deadline arrive in the same
			// step: the wake-up is delivered, the body returns nil, and a
			// scope whose function returned nil reports nothing.
			if err != nil || sleepErr != nil {
				t.Errorf("Timeout = %v (the body's Sleep = %v), want nil", err, sleepErr)
			}
			if !scope.Expired() || scope.CancelledCaught() {
				t.Errorf("Expired=%v CancelledCaught=%v, want true (the deadline passed) and false (nothing was caught)", scope.Expired(), scope.CancelledCaught())
			}
			return nil
		})
	})
	t.Run("a result set at the deadline by a callback armed before the scope", func(t *testing.T) {
		ktRun(t, func(ctx context.Context) error {
			f := aio.NewFuture[int]()
			if _, err := aio.CallLater(ctx, time.Second, func() { f.SetResult(7) }); err != nil {
				return err
			}
			var v int
			err := aio.Timeout(ctx, time.Second, func(ctx context.Context, _ *aio.Scope) error {
				var err error
				v, err = f.Await(ctx)
				return err
			})
			if err != nil || v != 7 {
				t.Errorf("Timeout = %v with %d, want nil with 7: the result came in time", err, v)
			}
			return nil
		})
	})
	t.Run("a body that returns without awaiting after its deadline passed", func(t *testing.T) {
		ktRun(t, func(ctx context.Context) error {
			err := aio.Timeout(ctx, 0, func(ctx context.Context, s *aio.Scope) error {
				if !s.Expired() || ctx.Err() == nil {
					t.Errorf("Timeout(0): Expired=%v ctx.Err()=%v, want a cancelled scope", s.Expired(), ctx.Err())
				}
				return nil
			})
			if err != nil {
				t.Errorf("Timeout(0) whose body returned nil without awaiting = %v, want nil", err)
			}
			return nil
		})
	})
}

func TestADeadlineMovedFromAnotherTaskWhileTheBodyWaitsIsObeyed(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		t0 := aio.Now(ctx)
		var s *aio.Scope // set by the body before its first await
		mover, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			if err := aio.Sleep(ctx, 500*time.Millisecond); err != nil {
				return 0, err
			}
			// Extend while the body is parked: the old 1s deadline must
			// not fire.
			if err := s.Reschedule(t0.Add(3 * time.Second)); err != nil {
				return 0, err
			}
			if err := aio.Sleep(ctx, 2*time.Second); err != nil { // 2.5s
				return 0, err
			}
			// Then shorten to a time that has passed: at the next step.
			return 0, s.Reschedule(t0.Add(2 * time.Second))
		})
		if err != nil {
			return err
		}
		err = aio.Timeout(ctx, time.Second, func(ctx context.Context, sc *aio.Scope) error {
			s = sc
			return aio.Sleep(ctx, time.Hour)
		})
		if _, merr := mover.Await(ctx); merr != nil {
			t.Errorf("the task moving the deadline failed: %v", merr)
		}
		if !errors.Is(err, aio.ErrTimeout) || ktSince(ctx, t0) != 2500*time.Millisecond {
			t.Errorf("Timeout = %v after %v, want ErrTimeout after 2.5s", err, ktSince(ctx, t0))
		}
		return nil
	})
}

func TestAShieldInsideATimedOutScopeRunsItsCleanupAndTheScopeStillReportsTheTimeout(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		t0 := aio.Now(ctx)
		var groupErr, innerErr, after error
		var ranTo time.Duration
		err := aio.Timeout(ctx, time.Second, func(ctx context.Context, _ *aio.Scope) error {
			err := aio.Sleep(ctx, time.Hour)
			sh := aio.Shield(ctx)
			if _, ok := sh.Deadline(); ok {
				t.Error("a shielded context reports the expired scope's deadline")
			}
			// A task group under the shield runs to its end.
			groupErr = aio.WithTaskGroup(sh, func(ctx context.Context, tg *aio.TaskGroup) error {
				tg.Go(func(ctx context.Context) error { return aio.Sleep(ctx, time.Second) })
				return nil
			})
			// A scope under the shield has its own deadline, and only it.
			innerErr = aio.Timeout(sh, time.Second, func(ctx context.Context, _ *aio.Scope) error {
				return aio.Sleep(ctx, time.Hour)
			})
			ranTo = ktSince(ctx, t0)
			after = aio.Sleep(ctx, 0) // unshielded again: still cancelled
			return err
		})
		if groupErr != nil || !errors.Is(innerErr, aio.ErrTimeout) || ranTo != 3*time.Second {
			t.Errorf("under the shield: group = %v, inner Timeout = %v, reached %v; want nil, ErrTimeout, 3s", groupErr, innerErr, ranTo)
		}
		if !ktIsCancel(after) {
			t.Errorf("the first unshielded await after the cleanup = %v, want a cancellation", after)
		}
		if !errors.Is(err, aio.ErrTimeout) {
			t.Errorf("the expired scope = %v, want ErrTimeout", err)
		}
		return nil
	})
}

func TestAScopeKeepsAnErrorJoinedToItsCancellation(t *testing.T) {
	// A body that fails while it handles the cancellation returns both
	// (errors.Join(err, closeErr)): the scope must not take that for a
	// bare cancellation and drop closeErr behind ErrTimeout or nil.
	closeErr := errors.New("close failed")
	for _, moveOn := range []bool{false, true} {
		name := "Timeout"
		if moveOn {
			name = "MoveOnAfter"
		}
		t.Run(name, func(t *testing.T) {
			ktRun(t, func(ctx context.Context) error {
				scope := aio.Timeout
				if moveOn {
					scope = aio.MoveOnAfter
				}
				var s *aio.Scope
				err := scope(ctx, time.Second, func(ctx context.Context, sc *aio.Scope) error {
					s = sc
					return errors.Join(aio.Sleep(ctx, time.Hour), closeErr)
				})
				if !errors.Is(err, closeErr) || !errors.Is(err, aio.ErrCancelled) {
					t.Errorf("%s = %v, want the joined error as it is", name, err)
				}
				if !s.Expired() || s.CancelledCaught() {
					t.Errorf("Expired=%v CancelledCaught=%v, want true and false: the error was not absorbed", s.Expired(), s.CancelledCaught())
				}
				// A wrapped cancellation alone is still a cancellation.
				err = scope(ctx, time.Second, func(ctx context.Context, _ *aio.Scope) error {
					if err := aio.Sleep(ctx, time.Hour); err != nil {
						return errors.Join(err) // one error: nothing else in it
					}
					return nil
				})
				if moveOn && err != nil || !moveOn && !errors.Is(err, aio.ErrTimeout) {
					t.Errorf("%s of a body returning its wrapped cancellation = %v", name, err)
				}
				return nil
			})
		})
	}
}

func TestScopeFunctionsRefuseANilContextAndACallAfterRunReturned(t *testing.T) {
	fn := func(context.Context, *aio.Scope) error {
		t.Error("the function of a refused scope ran")
		return nil
	}
	// A nil context is the misuse under test.
	if err := aio.Timeout(nil, time.Second, fn); !errors.Is(err, aio.ErrNoTask) {
		t.Errorf("Timeout(nil) = %v, want ErrNoTask", err)
	}
	if err := aio.CancelScope(nil, fn); !errors.Is(err, aio.ErrNoTask) {
		t.Errorf("CancelScope(nil) = %v, want ErrNoTask", err)
	}
	var kept context.Context
	var scope *aio.Scope
	ktRun(t, func(ctx context.Context) error {
		kept = ctx
		return aio.MoveOnAfter(ctx, time.Hour, func(ctx context.Context, s *aio.Scope) error {
			scope = s
			return nil
		})
	})
	if err := aio.Timeout(kept, time.Second, fn); !errors.Is(err, aio.ErrLoopClosed) {
		t.Errorf("Timeout after Run returned = %v, want ErrLoopClosed", err)
	}
	if err := aio.MoveOnAfter(kept, time.Second, fn); !errors.Is(err, aio.ErrLoopClosed) {
		t.Errorf("MoveOnAfter after Run returned = %v, want ErrLoopClosed", err)
	}
	if err := scope.Reschedule(time.Now()); !errors.Is(err, aio.ErrInvalidState) {
		t.Errorf("Reschedule after Run returned = %v, want ErrInvalidState", err)
	}
	if err := scope.Cancel(nil); err != nil || scope.CancelCalled() {
		t.Errorf("Cancel after Run returned = %v (CancelCalled=%v), want nil and no change", err, scope.CancelCalled())
	}
}
