package aio_test

// Gather and GatherAll, after CPython's Lib/test/test_asyncio/test_tasks.py
// (GatherTestsBase: test_success, test_one_exception,
// test_return_exceptions, test_constructor_empty_sequence; the
// test_cancel_gather_* and test_gather_shield cases).
//
// How aio.Gather differs from asyncio.gather, on purpose (DESIGN.md,
// "Structured by default"):
//   - asyncio.gather(return_exceptions=False) hands the first exception to
//     its awaiter at once and leaves the other children running, unawaited:
//     their later errors are only logged, and they may outlive the caller.
//     aio.Gather cancels them, with the first error as the context.Cause they
//     see, waits until every one has finished (their deferred cleanup has
//     run), and only then returns the error.
//   - asyncio.gather takes awaitables and wraps coroutines in tasks; Gather
//     takes coroutine functions and starts the tasks itself, so it owns them.
//   - return_exceptions=True is GatherAll, whose outcomes are Result values;
//     when the caller is cancelled, GatherAll still returns the outcomes,
//     together with the cancellation.
//   - Cancelling the caller cancels the children in both; aio also waits for
//     them and returns a cancellation whose Cause is the caller's.

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

// runVirtualMain runs main on a virtual-clock loop and fails the test if Run
// returns an error. main runs on the loop, not on the test's goroutine: it
// must report with t.Error, never t.Fatal (which only subtests may call).
func runVirtualMain(t *testing.T, main func(ctx context.Context) error, opts ...aio.Option) {
	t.Helper()
	_, err := aio.Run(func(ctx context.Context) (struct{}, error) {
		return struct{}{}, main(ctx)
	}, append([]aio.Option{aio.WithVirtualClock()}, opts...)...)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
}

// loopTime is the virtual loop time of ctx's loop: the time since the loop
// started.
func loopTime(ctx context.Context) time.Duration {
	return aio.Now(ctx).Sub(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC))
}

// sleepThen returns a coroutine function that sleeps d and returns v, err.
func sleepThen[T any](d time.Duration, v T, err error) func(context.Context) (T, error) {
	return func(ctx context.Context) (T, error) {
		if e := aio.Sleep(ctx, d); e != nil {
			var zero T
			return zero, e
		}
		return v, err
	}
}

func TestGatherReturnsResultsInArgumentOrder(t *testing.T) {
	t.Run("results come in argument order when the tasks finish in reverse order", func(t *testing.T) {
		runVirtualMain(t, func(ctx context.Context) error {
			got, err := aio.Gather(ctx,
				sleepThen(3*time.Second, "a", nil),
				sleepThen(2*time.Second, "b", nil),
				sleepThen(1*time.Second, "c", nil))
			if err != nil || !slices.Equal(got, []string{"a", "b", "c"}) {
				t.Errorf("Gather = %q, %v; want [a b c], nil", got, err)
			}
			if now := loopTime(ctx); now != 3*time.Second {
				t.Errorf("Gather returned at %v, want 3s: the tasks must run concurrently", now)
			}
			return nil
		})
	})
	t.Run("tasks completed in the same step in reverse order keep argument order", func(t *testing.T) {
		runVirtualMain(t, func(ctx context.Context) error {
			futs := []*aio.Future[int]{aio.NewFuture[int](), aio.NewFuture[int](), aio.NewFuture[int]()}
			fns := make([]func(context.Context) (int, error), len(futs))
			for i, f := range futs {
				fns[i] = f.Await
			}
			aio.CallSoon(ctx, func() {
				for i := len(futs) - 1; i >= 0; i-- {
					futs[i].SetResult(i * 10)
				}
			})
			got, err := aio.Gather(ctx, fns...)
			if err != nil || !slices.Equal(got, []int{0, 10, 20}) {
				t.Errorf("Gather = %v, %v; want [0 10 20], nil", got, err)
			}
			return nil
		})
	})
}

func TestGatherOfNoFunctionsReturnsAnEmptyResult(t *testing.T) {
	runVirtualMain(t, func(ctx context.Context) error {
		got, err := aio.Gather[int](ctx)
		if err != nil || len(got) != 0 {
			t.Errorf("Gather() = %v, %v; want an empty result and no error", got, err)
		}
		all, err := aio.GatherAll[int](ctx)
		if err != nil || len(all) != 0 {
			t.Errorf("GatherAll() = %v, %v; want an empty result and no error", all, err)
		}
		return nil
	})
}

func TestGatherFirstErrorCancelsTheOthersAndWaitsForThem(t *testing.T) {
	boom := errors.New("boom")
	var (
		got        []int
		err        error
		returnedAt time.Duration
		causes     []error
		sleepErr   []error
		cleaned    []time.Duration
	)
	runVirtualMain(t, func(ctx context.Context) error {
		sibling := func(ctx context.Context) (int, error) {
			defer func() {
				// Cleanup that awaits, as a real task's would: Gather
				// must wait for it.
				aio.Sleep(aio.Shield(ctx), time.Second)
				cleaned = append(cleaned, loopTime(ctx))
			}()
			err := aio.Sleep(ctx, time.Hour)
			sleepErr = append(sleepErr, err)
			causes = append(causes, context.Cause(ctx))
			return 0, err
		}
		got, err = aio.Gather(ctx, sibling, sleepThen(time.Second, 0, boom), sibling)
		returnedAt = loopTime(ctx)
		return nil
	})
	t.Run("the error is returned and the results are nil", func(t *testing.T) {
		if !errors.Is(err, boom) || got != nil {
			t.Errorf("Gather = %v, %v; want nil, boom", got, err)
		}
	})
	t.Run("the others are cancelled with the error as their cause", func(t *testing.T) {
		if len(causes) != 2 {
			t.Fatalf("%d siblings saw a cancellation, want 2", len(causes))
		}
		for i := range causes {
			if causes[i] != boom {
				t.Errorf("sibling %d: context.Cause = %v, want boom", i, causes[i])
			}
			var ce *aio.CancelledError
			if !errors.As(sleepErr[i], &ce) || ce.Cause != boom {
				t.Errorf("sibling %d: Sleep = %v, want a *CancelledError caused by boom", i, sleepErr[i])
			}
		}
	})
	t.Run("their deferred cleanup has run when Gather returns", func(t *testing.T) {
		if !slices.Equal(cleaned, []time.Duration{2 * time.Second, 2 * time.Second}) {
			t.Errorf("cleanups finished at %v, want both at 2s", cleaned)
		}
		if returnedAt != 2*time.Second {
			t.Errorf("Gather returned at %v, want 2s (after the cleanups)", returnedAt)
		}
	})
}

func TestGatherOuterCancellationCancelsEveryTaskAndWaits(t *testing.T) {
	stop := errors.New("stop")
	runVirtualMain(t, func(ctx context.Context) error {
		var causes []error
		var cleaned int
		child := func(ctx context.Context) (int, error) {
			defer func() {
				aio.Sleep(aio.Shield(ctx), time.Second)
				cleaned++
			}()
			err := aio.Sleep(ctx, time.Hour)
			causes = append(causes, context.Cause(ctx))
			return 1, err
		}
		var returnedAt time.Duration
		caller, _ := aio.CreateTask(ctx, func(ctx context.Context) ([]int, error) {
			defer func() { returnedAt = loopTime(ctx) }()
			return aio.Gather(ctx, child, child, child)
		})
		aio.Sleep(ctx, time.Second)
		caller.Cancel(stop)
		_, err := caller.Await(ctx)

		var ce *aio.CancelledError
		if !errors.As(err, &ce) || ce.Cause != stop {
			t.Errorf("Gather = %v, want a *CancelledError whose Cause is the outer cause", err)
		}
		if !errors.Is(err, context.Canceled) {
			t.Errorf("errors.Is(%v, context.Canceled) = false", err)
		}
		if len(causes) != 3 || causes[0] != stop || causes[1] != stop || causes[2] != stop {
			t.Errorf("children saw causes %v, want stop three times", causes)
		}
		if cleaned != 3 || returnedAt != 2*time.Second {
			t.Errorf("Gather returned at %v with %d cleanups done, want 2s and 3", returnedAt, cleaned)
		}
		return nil
	})
}

func TestGatherTurnsAPanicIntoAPanicError(t *testing.T) {
	runVirtualMain(t, func(ctx context.Context) error {
		var siblingErr error
		_, err := aio.Gather(ctx,
			func(ctx context.Context) (int, error) {
				siblingErr = aio.Sleep(ctx, time.Hour)
				return 0, siblingErr
			},
			func(ctx context.Context) (int, error) { panic("kaboom") })
		var pe *aio.PanicError
		if !errors.As(err, &pe) || pe.Value != "kaboom" || len(pe.Stack) == 0 {
			t.Errorf("Gather = %v, want a *PanicError with the value and a stack", err)
		}
		if !errors.Is(siblingErr, aio.ErrCancelled) {
			t.Errorf("the sibling's Sleep = %v, want a cancellation", siblingErr)
		}
		return nil
	})
}

func TestGatherRejectsANilFunctionBeforeStartingAnything(t *testing.T) {
	runVirtualMain(t, func(ctx context.Context) error {
		ran := 0
		fn := func(context.Context) (int, error) { ran++; return 1, nil }
		if _, err := aio.Gather(ctx, fn, nil, fn); err == nil {
			t.Error("Gather with a nil function returned no error")
		}
		if _, err := aio.GatherAll(ctx, fn, nil); err == nil {
			t.Error("GatherAll with a nil function returned no error")
		}
		if err := aio.Sleep(ctx, time.Second); err != nil {
			return err
		}
		if ran != 0 {
			t.Errorf("%d functions ran, want none", ran)
		}
		return nil
	})
}

func TestGatherAllReturnsEveryOutcomeInOrder(t *testing.T) {
	boom := errors.New("boom")
	t.Run("errors are outcomes and one failure does not cancel the others", func(t *testing.T) {
		runVirtualMain(t, func(ctx context.Context) error {
			got, err := aio.GatherAll(ctx,
				sleepThen(3*time.Second, 1, nil),
				sleepThen(1*time.Second, 0, boom),
				sleepThen(2*time.Second, 3, nil))
			if err != nil || len(got) != 3 {
				t.Errorf("GatherAll = %v, %v; want 3 outcomes and no error", got, err)
				return nil
			}
			if got[0] != (aio.Result[int]{Value: 1}) || got[2] != (aio.Result[int]{Value: 3}) {
				t.Errorf("outcomes = %v, want the results of the tasks that did not fail", got)
			}
			if !errors.Is(got[1].Err, boom) {
				t.Errorf("outcome 1 = %v, want boom", got[1])
			}
			if now := loopTime(ctx); now != 3*time.Second {
				t.Errorf("GatherAll returned at %v, want 3s", now)
			}
			return nil
		})
	})
	t.Run("an outer cancellation returns the outcomes with the cancellation", func(t *testing.T) {
		stop := errors.New("stop")
		runVirtualMain(t, func(ctx context.Context) error {
			caller, _ := aio.CreateTask(ctx, func(ctx context.Context) ([]aio.Result[int], error) {
				return aio.GatherAll(ctx, sleepThen(time.Second, 7, nil), sleepThen(time.Hour, 8, nil))
			})
			aio.Sleep(ctx, 2*time.Second)
			caller.Cancel(stop)
			got, err := caller.Await(ctx)
			var ce *aio.CancelledError
			if !errors.As(err, &ce) || ce.Cause != stop {
				t.Errorf("GatherAll error = %v, want a cancellation caused by stop", err)
			}
			if len(got) != 2 || got[0] != (aio.Result[int]{Value: 7}) || !errors.Is(got[1].Err, aio.ErrCancelled) {
				t.Errorf("outcomes = %v, want [{7 <nil>} {0 cancelled}]", got)
			}
			return nil
		})
	})
	t.Run("results that arrive in the same step as the cancellation are kept", func(t *testing.T) {
		runVirtualMain(t, func(ctx context.Context) error {
			// The callback's timer is armed before the children's, so at 1s
			// it cancels them after their timers have woken them but
			// before they have run.
			var caller *aio.Task[[]aio.Result[int]]
			aio.CallLater(ctx, time.Second, func() { caller.Cancel(nil) })
			caller, _ = aio.CreateTask(ctx, func(ctx context.Context) ([]aio.Result[int], error) {
				return aio.GatherAll(ctx, sleepThen(time.Second, 1, nil), sleepThen(time.Second, 2, nil))
			})
			got, err := caller.Await(ctx)
			if !errors.Is(err, aio.ErrCancelled) {
				t.Errorf("GatherAll error = %v, want a cancellation", err)
			}
			want := []aio.Result[int]{{Value: 1}, {Value: 2}}
			if !slices.Equal(got, want) {
				t.Errorf("outcomes = %v, want %v: a result was lost to the cancellation", got, want)
			}
			return nil
		})
	})
}
