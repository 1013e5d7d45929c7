package aio_test

// Edge cases of Gather and GatherAll, after CPython's
// Lib/test/test_asyncio/test_tasks.py (GatherTestsBase:
// test_one_cancellation, test_result_exception_one_cancellation,
// test_return_exceptions, test_cancel_gather_1/2, test_gather_shield) and
// the structured rule of aio's Gather (gather_test.go's header): whatever
// cancels a Gather cancels its children and waits for them, and nothing it
// started runs after it returned.

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

func TestGatherInsideAnExpiredTimeoutCancelsEveryChildAndTheTimeoutReportsIt(t *testing.T) {
	var causes []error
	var gatherErr, timeoutErr error
	var returnedAt time.Duration
	runVirtualMain(t, func(ctx context.Context) error {
		child := func(ctx context.Context) (int, error) {
			defer aio.Sleep(aio.Shield(ctx), time.Second) // cleanup Gather waits for
			err := aio.Sleep(ctx, time.Hour)
			causes = append(causes, context.Cause(ctx))
			return 0, err
		}
		timeoutErr = aio.Timeout(ctx, time.Second, func(ctx context.Context, _ *aio.Scope) error {
			_, gatherErr = aio.Gather(ctx, child, child)
			returnedAt = loopTime(ctx)
			return gatherErr
		})
		return nil
	})
	if !slices.Equal(causes, []error{aio.ErrTimeout, aio.ErrTimeout}) {
		t.Errorf("the children saw the causes %v, want the deadline's twice", causes)
	}
	if !ktIsCancel(gatherErr) || errors.Is(gatherErr, aio.ErrTimeout) {
		t.Errorf("Gather = %v, want a cancellation (only the scope reports the timeout)", gatherErr)
	}
	if !errors.Is(timeoutErr, aio.ErrTimeout) || returnedAt != 2*time.Second {
		t.Errorf("Timeout = %v, Gather returned at %v; want ErrTimeout and 2s (after the cleanups)", timeoutErr, returnedAt)
	}
}

func TestGatherReturnsTheFirstErrorAfterEveryChildFinishedAndGatherAllKeepsThemAll(t *testing.T) {
	first := errors.New("first")
	cleanup := errors.New("cleanup failed")
	failing := func(ctx context.Context) (int, error) {
		if err := aio.Sleep(ctx, time.Second); err != nil {
			return 0, err
		}
		return 0, first
	}
	failsInCleanup := func(ctx context.Context) (int, error) {
		if err := aio.Sleep(ctx, 2*time.Second); err != nil {
			aio.Sleep(aio.Shield(ctx), time.Second)
			return 0, cleanup
		}
		return 2, nil
	}
	var err, runErr error
	var got []aio.Result[int]
	var gatheredAt time.Duration
	_, runErr = aio.Run(func(ctx context.Context) (int, error) {
		_, err = aio.Gather(ctx, failing, failsInCleanup)
		gatheredAt = loopTime(ctx)
		got, _ = aio.GatherAll(ctx, failing, failsInCleanup)
		return 0, nil
	}, aio.WithVirtualClock())
	// The sibling's error is dropped, as asyncio.gather drops it (Gather's
	// doc); Gather still waited for it, and Run has nothing left over.
	if err != first || gatheredAt != 2*time.Second || runErr != nil {
		t.Errorf("Gather = %v at %v, Run = %v; want first at 2s (after the cleanup) and nil", err, gatheredAt, runErr)
	}
	if len(got) != 2 || got[0].Err != first || got[1] != (aio.Result[int]{Value: 2}) {
		t.Errorf("GatherAll = %v, want [first, 2]: a failure does not cancel the others", got)
	}
}

func TestAPanicInAGatherChildIsAnOutcomeAndNothingHangs(t *testing.T) {
	runVirtualMain(t, func(ctx context.Context) error {
		got, err := aio.GatherAll(ctx,
			sleepThen(time.Second, 1, nil),
			func(context.Context) (int, error) { panic(context.Canceled) })
		var pe *aio.PanicError
		if err != nil || len(got) != 2 || got[0] != (aio.Result[int]{Value: 1}) || !errors.As(got[1].Err, &pe) {
			t.Errorf("GatherAll = %v, %v; want [1, the *PanicError] and nil", got, err)
		}
		// A panic deep in a tree of gathers reaches the top, and the
		// whole tree has finished.
		var leaf error
		_, err = aio.Gather(ctx,
			func(ctx context.Context) (int, error) {
				_, err := aio.Gather(ctx,
					func(ctx context.Context) (int, error) { leaf = aio.Sleep(ctx, time.Hour); return 0, leaf },
					func(ctx context.Context) (int, error) { aio.Sleep(ctx, time.Second); panic("deep") })
				return 0, err
			},
			sleepThen(time.Hour, 0, nil))
		if !errors.As(err, &pe) || pe.Value != "deep" || !ktIsCancel(leaf) {
			t.Errorf("Gather = %v (the leaf's await %v), want the *PanicError of deep and a cancelled leaf", err, leaf)
		}
		return nil
	})
}

func TestGatherInACancelledContextNeverRunsItsChildren(t *testing.T) {
	stop := errors.New("stop")
	ran := 0
	fn := func(context.Context) (int, error) { ran++; return 1, nil }
	runVirtualMain(t, func(ctx context.Context) error {
		return aio.CancelScope(ctx, func(ctx context.Context, s *aio.Scope) error {
			s.Cancel(stop)
			got, err := aio.Gather(ctx, fn, fn)
			if c, _ := ktCause(err); c != stop || got != nil {
				t.Errorf("Gather = %v, %v; want nil and the cancellation caused by stop", got, err)
			}
			all, err := aio.GatherAll(ctx, fn, fn)
			if c, _ := ktCause(err); c != stop || len(all) != 2 || !ktIsCancel(all[0].Err) || !ktIsCancel(all[1].Err) {
				t.Errorf("GatherAll = %v, %v; want two cancellations and the cancellation caused by stop", all, err)
			}
			return err
		})
	})
	if ran != 0 {
		t.Errorf("%d children of a cancelled Gather ran, want none", ran)
	}
}

func TestGatherOfChildrenThatIgnoreTheCancellationIsStillACancellation(t *testing.T) {
	stop := errors.New("stop")
	stubborn := func(ctx context.Context) (int, error) {
		aio.Sleep(ctx, time.Hour)
		return 5, nil // ignores the cancellation
	}
	runVirtualMain(t, func(ctx context.Context) error {
		caller := newWaitTask(t, ctx, func(ctx context.Context) ([]int, error) {
			return aio.Gather(ctx, stubborn, stubborn)
		})
		aio.Sleep(ctx, time.Second)
		caller.Cancel(stop)
		got, err := caller.Await(ctx)
		if c, _ := ktCause(err); c != stop || got != nil {
			t.Errorf("Gather = %v, %v; want nil and the cancellation caused by stop", got, err)
		}
		return nil
	})
}

func TestGatherWhoseFirstChildFailsEagerlyNeverRunsTheOthers(t *testing.T) {
	// With eager tasks, the first child runs inside Gather's call and
	// fails there: the children made after it are born cancelled.
	boom := errors.New("boom")
	ran := 0
	runVirtualMain(t, func(ctx context.Context) error {
		_, err := aio.Gather(ctx,
			func(context.Context) (int, error) { return 0, boom },
			func(context.Context) (int, error) { ran++; return 1, nil })
		if err != boom || ran != 0 {
			t.Errorf("Gather = %v with %d later children run, want boom and none", err, ran)
		}
		return nil
	}, aio.WithEagerTasks())
}

func TestGatherRefusesANilContextAnotherGoroutineAndACallAfterRunReturned(t *testing.T) {
	ran := false
	fn := func(context.Context) (int, error) { ran = true; return 0, nil }
	// A nil context is the misuse under test.
	if _, err := aio.Gather(nil, fn); !errors.Is(err, aio.ErrNoTask) {
		t.Errorf("Gather(nil) = %v, want ErrNoTask", err)
	}
	var kept context.Context
	runVirtualMain(t, func(ctx context.Context) error {
		kept = ctx
		_, err := aio.ToThread(ctx, func(context.Context) (int, error) {
			if _, err := aio.Gather(ctx, fn); !errors.Is(err, aio.ErrWrongTask) {
				t.Errorf("Gather from another goroutine = %v, want ErrWrongTask", err)
			}
			if _, err := aio.GatherAll(ctx, fn); !errors.Is(err, aio.ErrWrongTask) {
				t.Errorf("GatherAll from another goroutine = %v, want ErrWrongTask", err)
			}
			return 0, nil
		})
		return err
	})
	if _, err := aio.Gather(kept, fn); !errors.Is(err, aio.ErrLoopClosed) {
		t.Errorf("Gather after Run returned = %v, want ErrLoopClosed", err)
	}
	if ran {
		t.Error("a function given to a refused Gather ran")
	}
}
