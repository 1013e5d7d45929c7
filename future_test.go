package aio_test

// Futures, after CPython's Lib/test/test_asyncio/test_futures.py
// (test_result, test_exception, test_cancel, test_future_cancel_message_getter,
// test_set_result_twice / InvalidStateError cases, test_callbacks_invoked_on_set_result,
// test_remove_done_callback order) and the waiter cases of test_tasks.py
// (test_cancel_wait_for_future, test_wait_for_* with several awaiters).

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

func TestFutureCompletesOnlyOnce(t *testing.T) {
	first := errors.New("first error")
	second := errors.New("second error")
	firstCause := errors.New("first cause")
	type op struct {
		name string
		do   func(f *aio.Future[int]) (ok bool, err error)
	}
	ops := []op{
		{"SetResult", func(f *aio.Future[int]) (bool, error) { err := f.SetResult(1); return err == nil, err }},
		{"SetError", func(f *aio.Future[int]) (bool, error) { err := f.SetError(first); return err == nil, err }},
		{"Cancel", func(f *aio.Future[int]) (bool, error) { return f.Cancel(firstCause), nil }},
	}
	seconds := []op{
		{"SetResult", func(f *aio.Future[int]) (bool, error) { err := f.SetResult(2); return err == nil, err }},
		{"SetError", func(f *aio.Future[int]) (bool, error) { err := f.SetError(second); return err == nil, err }},
		{"Cancel", func(f *aio.Future[int]) (bool, error) { return f.Cancel(errors.New("second cause")), nil }},
	}
	check := func(t *testing.T, f *aio.Future[int], firstOp string) {
		t.Helper()
		v, err := f.Result()
		switch firstOp {
		case "SetResult":
			if v != 1 || err != nil {
				t.Errorf("Result = %v, %v; want the first value 1, nil", v, err)
			}
		case "SetError":
			if err != first {
				t.Errorf("Result error = %v; want the first error", err)
			}
		case "Cancel":
			if cause, ok := ktCause(err); !ok || cause != firstCause || !f.Cancelled() {
				t.Errorf("Result error = %v (Cancelled=%v); want the first cancellation", err, f.Cancelled())
			}
		}
	}
	for _, a := range ops {
		for _, b := range seconds {
			t.Run(a.name+" then "+b.name+" keeps the first outcome", func(t *testing.T) {
				f := aio.NewFuture[int]()
				if ok, err := a.do(f); !ok {
					t.Fatalf("first %s failed: %v", a.name, err)
				}
				ok, err := b.do(f)
				if ok {
					t.Errorf("second %s succeeded on a done future", b.name)
				}
				if b.name != "Cancel" && !errors.Is(err, aio.ErrInvalidState) {
					t.Errorf("second %s = %v, want ErrInvalidState", b.name, err)
				}
				check(t, f, a.name)
			})
		}
	}
	t.Run("the first outcome is what a parked awaiter gets", func(t *testing.T) {
		ktRun(t, func(ctx context.Context) error {
			f := aio.NewFuture[int]()
			w, err := aio.CreateTask(ctx, f.Await)
			if err != nil {
				return err
			}
			if err := aio.Sleep(ctx, 0); err != nil {
				return err
			}
			f.SetResult(1)
			f.SetResult(2)
			f.SetError(second)
			if v, err := w.Await(ctx); v != 1 || err != nil {
				t.Errorf("awaiter got %v, %v; want 1, nil", v, err)
			}
			return nil
		})
	})
}

func TestFutureSetErrorNilIsAnError(t *testing.T) {
	f := aio.NewFuture[int]()
	if err := f.SetError(nil); err == nil {
		t.Fatal("SetError(nil) = nil, want an error")
	}
	if f.Done() {
		t.Fatal("SetError(nil) completed the future")
	}
	if err := f.SetResult(3); err != nil {
		t.Fatalf("SetResult after a refused SetError(nil) = %v, want nil", err)
	}
	if v, err := f.Result(); v != 3 || err != nil {
		t.Fatalf("Result = %v, %v; want 3, nil", v, err)
	}
}

func TestFutureResultBeforeDoneIsInvalidState(t *testing.T) {
	f := aio.NewFuture[string]()
	if v, err := f.Result(); v != "" || !errors.Is(err, aio.ErrInvalidState) {
		t.Fatalf("Result of a pending future = %q, %v; want \"\", ErrInvalidState", v, err)
	}
	if f.Done() || f.Cancelled() {
		t.Fatalf("pending future: Done=%v Cancelled=%v", f.Done(), f.Cancelled())
	}
	f.SetResult("x")
	if v, err := f.Result(); v != "x" || err != nil {
		t.Fatalf("Result once set = %q, %v", v, err)
	}
}

func TestAwaitingADoneFutureDoesNotSwitch(t *testing.T) {
	boom := errors.New("boom")
	cases := []struct {
		name    string
		set     func(f *aio.Future[int])
		wantV   int
		wantErr func(error) bool
	}{
		{"a future with a result", func(f *aio.Future[int]) { f.SetResult(6) }, 6, func(err error) bool { return err == nil }},
		{"a future with an error", func(f *aio.Future[int]) { f.SetError(boom) }, 0, func(err error) bool { return err == boom }},
		{"a cancelled future", func(f *aio.Future[int]) { f.Cancel(nil) }, 0, ktIsCancel},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ktRun(t, func(ctx context.Context) error {
				f := aio.NewFuture[int]()
				c.set(f)
				steps, counter := ktStepCounter(t, ctx)
				defer counter.Cancel(nil)
				if err := aio.Sleep(ctx, 0); err != nil {
					return err
				}
				before := *steps
				for range 3 {
					if v, err := f.Await(ctx); v != c.wantV || !c.wantErr(err) {
						t.Errorf("Await = %v, %v", v, err)
					}
				}
				if *steps != before {
					t.Errorf("the counter ran %d steps during Await of a done future; want none", *steps-before)
				}
				return nil
			})
		})
	}
}

func TestFutureWakesItsWaitersInFIFOOrder(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		f := aio.NewFuture[int]()
		var woke []int
		var tasks []*aio.Task[int]
		for i := range 8 {
			task, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
				v, err := f.Await(ctx)
				woke = append(woke, i)
				return v + i, err
			})
			if err != nil {
				return err
			}
			tasks = append(tasks, task)
		}
		if err := aio.Sleep(ctx, 0); err != nil {
			return err
		}
		if len(woke) != 0 {
			t.Errorf("waiters returned before the future was set: %v", woke)
		}
		f.SetResult(100)
		for i, task := range tasks {
			if v, err := task.Await(ctx); v != 100+i || err != nil {
				t.Errorf("waiter %d got %v, %v; want %v, nil", i, v, err, 100+i)
			}
		}
		if want := []int{0, 1, 2, 3, 4, 5, 6, 7}; !slices.Equal(woke, want) {
			t.Errorf("waiters woke in order %v, want %v", woke, want)
		}
		return nil
	})
}

func TestFutureWaiterCancelledWhileWaitingLeavesTheFuturePending(t *testing.T) {
	for _, victim := range []int{0, 1, 2} {
		name := []string{"the first waiter", "a middle waiter", "the last waiter"}[victim]
		t.Run("cancelling "+name+" leaves the others waiting in order", func(t *testing.T) {
			ktRun(t, func(ctx context.Context) error {
				f := aio.NewFuture[int]()
				var woke []int
				var tasks []*aio.Task[int]
				for i := range 3 {
					task, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
						v, err := f.Await(ctx)
						woke = append(woke, i)
						return v, err
					})
					if err != nil {
						return err
					}
					tasks = append(tasks, task)
				}
				if err := aio.Sleep(ctx, time.Second); err != nil {
					return err
				}
				cause := errors.New("not you")
				tasks[victim].Cancel(cause)
				_, err := tasks[victim].Await(ctx)
				if c, ok := ktCause(err); !ok || c != cause {
					t.Errorf("cancelled waiter got %v, want a *CancelledError with the cause", err)
				}
				if f.Done() || f.Cancelled() {
					t.Errorf("the future after a waiter's cancellation: Done=%v Cancelled=%v, want pending", f.Done(), f.Cancelled())
				}
				if err := f.SetResult(5); err != nil {
					t.Errorf("SetResult = %v", err)
				}
				var want []int
				for i, task := range tasks {
					if i == victim {
						continue
					}
					want = append(want, i)
					if v, err := task.Await(ctx); v != 5 || err != nil {
						t.Errorf("waiter %d got %v, %v; want 5, nil", i, v, err)
					}
				}
				want = append([]int{victim}, want...)
				if !slices.Equal(woke, want) {
					t.Errorf("waiters returned in order %v, want %v", woke, want)
				}
				return nil
			})
		})
	}
}

func TestFutureDoneCallbacksRunInOrderAndAtOnceWhenDone(t *testing.T) {
	f := aio.NewFuture[int]()
	var log []string
	for _, name := range []string{"a", "b", "c"} {
		f.AddDoneCallback(func(g *aio.Future[int]) {
			if g != f || !g.Done() {
				t.Errorf("callback %s got %p done=%v, want the done future", name, g, g.Done())
			}
			log = append(log, name)
		})
	}
	if len(log) != 0 {
		t.Fatalf("callbacks ran on a pending future: %q", log)
	}
	f.SetResult(1)
	if want := []string{"a", "b", "c"}; !slices.Equal(log, want) {
		t.Fatalf("callbacks ran as %q, want %q (synchronously, in order)", log, want)
	}
	f.SetResult(2) // refused: the callbacks do not run again
	if len(log) != 3 {
		t.Fatalf("callbacks ran again on a refused SetResult: %q", log)
	}
	f.AddDoneCallback(func(*aio.Future[int]) { log = append(log, "late") })
	if log[len(log)-1] != "late" {
		t.Fatal("a callback added to a done future did not run at once")
	}
}

func TestFutureCancelGivesAwaitersACancelledErrorWithTheCause(t *testing.T) {
	cause := errors.New("superseded")
	cases := []struct {
		name      string
		cause     error
		wantCause error
	}{
		{"with a cause", cause, cause},
		{"with a nil cause", nil, context.Canceled},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ktRun(t, func(ctx context.Context) error {
				f := aio.NewFuture[int]()
				var tasks []*aio.Task[int]
				for range 2 {
					task, err := aio.CreateTask(ctx, f.Await)
					if err != nil {
						return err
					}
					tasks = append(tasks, task)
				}
				if err := aio.Sleep(ctx, 0); err != nil {
					return err
				}
				if !f.Cancel(c.cause) {
					t.Error("Cancel of a pending future = false")
				}
				if f.Cancel(errors.New("again")) {
					t.Error("second Cancel = true")
				}
				if !f.Cancelled() || !f.Done() {
					t.Errorf("Cancelled=%v Done=%v, want true, true", f.Cancelled(), f.Done())
				}
				for i, task := range tasks {
					_, err := task.Await(ctx)
					got, ok := ktCause(err)
					if !ok || got != c.wantCause || !ktIsCancel(err) {
						t.Errorf("awaiter %d got %v (cause %v), want a cancellation with cause %v", i, err, got, c.wantCause)
					}
				}
				// The awaiters' own contexts are not cancelled: they go on.
				if err := aio.Sleep(ctx, time.Second); err != nil {
					t.Errorf("Sleep after awaiting a cancelled future = %v", err)
				}
				return nil
			})
		})
	}
}

func TestZeroValueFutureWorks(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var f aio.Future[string]
		if f.Done() {
			t.Error("the zero Future is done")
		}
		if _, err := f.Result(); !errors.Is(err, aio.ErrInvalidState) {
			t.Errorf("Result of the zero Future = %v, want ErrInvalidState", err)
		}
		w, err := aio.CreateTask(ctx, f.Await)
		if err != nil {
			return err
		}
		var called bool
		f.AddDoneCallback(func(*aio.Future[string]) { called = true })
		if err := aio.Sleep(ctx, time.Second); err != nil {
			return err
		}
		if err := f.SetResult("ok"); err != nil {
			t.Errorf("SetResult = %v", err)
		}
		if v, err := w.Await(ctx); v != "ok" || err != nil {
			t.Errorf("awaiter of the zero Future got %q, %v", v, err)
		}
		if !called {
			t.Error("the done callback of the zero Future did not run")
		}
		return nil
	})
}

func TestAwaitAcceptsAnyAwaitable(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		f := aio.NewFuture[int]()
		f.SetResult(1)
		task, err := aio.CreateTask(ctx, ktSleeper(time.Second, 2))
		if err != nil {
			return err
		}
		for name, a := range map[string]aio.Awaitable[int]{"a future": f, "a task": task, "a type of one's own": ktAwaitable(3)} {
			if v, err := aio.Await(ctx, a); v == 0 || err != nil {
				t.Errorf("Await(%s) = %v, %v", name, v, err)
			}
		}
		if _, err := aio.Await[int](ctx, nil); err == nil {
			t.Error("Await(nil) = nil error, want an error")
		}
		return nil
	})
}

type ktAwaitable int

func (a ktAwaitable) Await(ctx context.Context) (int, error) {
	if err := aio.Sleep(ctx, time.Millisecond); err != nil {
		return 0, err
	}
	return int(a), nil
}
