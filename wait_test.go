package aio_test

// Wait and AsCompleted, after CPython's Lib/test/test_asyncio/test_tasks.py
// (test_wait, test_wait_first_completed, test_wait_really_done,
// test_wait_first_exception, test_wait_first_exception_in_wait,
// test_wait_with_exception, test_wait_with_timeout,
// test_wait_concurrent_complete, test_wait_errors, test_as_completed*).
// aio's Wait returns done and pending in the order given (asyncio returns
// sets), and AsCompleted yields the items themselves.

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

// newWaitTask starts fn as a task of the loop of ctx.
func newWaitTask[T any](t *testing.T, ctx context.Context, fn func(context.Context) (T, error)) *aio.Task[T] {
	task, err := aio.CreateTask(ctx, fn)
	if err != nil {
		t.Errorf("CreateTask: %v", err)
	}
	return task
}

// taskNames returns the names of tasks, to compare orders.
func taskNames[T aio.AnyTask](ts []T) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Name())
	}
	return out
}

// namedSleeper starts a task named name that sleeps d and returns err.
func namedSleeper(t *testing.T, ctx context.Context, name string, d time.Duration, err error) *aio.Task[int] {
	task, e := aio.CreateTask(ctx, sleepThen(d, 0, err), aio.WithName(name))
	if e != nil {
		t.Errorf("CreateTask: %v", e)
	}
	return task
}

func TestWaitReturnsWhenItsModeIsMetWithDoneAndPendingInTheOrderGiven(t *testing.T) {
	boom := errors.New("boom")
	cases := []struct {
		name        string
		mode        aio.WaitMode
		durations   []time.Duration // of tasks a, b, c
		errs        []error
		cancelAt    map[string]time.Duration // cancelled by the test at that time
		wantAt      time.Duration
		wantDone    []string
		wantPending []string
	}{
		{
			name:      "AllCompleted waits for every item, failed ones included",
			mode:      aio.AllCompleted,
			durations: []time.Duration{3 * time.Second, time.Second, 2 * time.Second},
			errs:      []error{nil, boom, nil},
			wantAt:    3 * time.Second, wantDone: []string{"a", "b", "c"},
		},
		{
			name:      "FirstCompleted returns when the first item is done",
			mode:      aio.FirstCompleted,
			durations: []time.Duration{3 * time.Second, time.Second, 2 * time.Second},
			errs:      []error{nil, nil, nil},
			wantAt:    time.Second, wantDone: []string{"b"}, wantPending: []string{"a", "c"},
		},
		{
			name:      "FirstCompleted counts a cancelled item as completed",
			mode:      aio.FirstCompleted,
			durations: []time.Duration{3 * time.Second, 2 * time.Second, 2 * time.Second},
			errs:      []error{nil, nil, nil},
			cancelAt:  map[string]time.Duration{"a": time.Second},
			wantAt:    time.Second, wantDone: []string{"a"}, wantPending: []string{"b", "c"},
		},
		{
			name:      "FirstCompleted puts every item done in the same step in done, in the order given",
			mode:      aio.FirstCompleted,
			durations: []time.Duration{3 * time.Second, time.Second, time.Second},
			errs:      []error{nil, nil, nil},
			wantAt:    time.Second, wantDone: []string{"b", "c"}, wantPending: []string{"a"},
		},
		{
			name:      "FirstException returns at the first failure",
			mode:      aio.FirstException,
			durations: []time.Duration{3 * time.Second, time.Second, 2 * time.Second},
			errs:      []error{nil, nil, boom},
			wantAt:    2 * time.Second, wantDone: []string{"b", "c"}, wantPending: []string{"a"},
		},
		{
			name:      "FirstException ignores cancelled items",
			mode:      aio.FirstException,
			durations: []time.Duration{3 * time.Second, 2 * time.Second, 4 * time.Second},
			errs:      []error{nil, boom, nil},
			cancelAt:  map[string]time.Duration{"c": time.Second},
			wantAt:    2 * time.Second, wantDone: []string{"b", "c"}, wantPending: []string{"a"},
		},
		{
			name:      "FirstException without a failure waits for every item",
			mode:      aio.FirstException,
			durations: []time.Duration{3 * time.Second, time.Second, 2 * time.Second},
			errs:      []error{nil, nil, nil},
			wantAt:    3 * time.Second, wantDone: []string{"a", "b", "c"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var done, pending []*aio.Task[int]
			var err error
			var at time.Duration
			runVirtualMain(t, func(ctx context.Context) error {
				var items []*aio.Task[int]
				for i, name := range []string{"a", "b", "c"} {
					task := namedSleeper(t, ctx, name, tc.durations[i], tc.errs[i])
					if d, ok := tc.cancelAt[name]; ok {
						aio.CallLater(ctx, d, func() { task.Cancel(nil) })
					}
					items = append(items, task)
				}
				done, pending, err = aio.Wait(ctx, items, tc.mode, 0)
				at = loopTime(ctx)
				for _, d := range done {
					d.Err() // retrieved: Run reports errors nobody read
				}
				for _, p := range pending {
					p.Cancel(nil)
				}
				return nil
			})
			if err != nil {
				t.Errorf("Wait error = %v, want nil", err)
			}
			if at != tc.wantAt {
				t.Errorf("Wait returned at %v, want %v", at, tc.wantAt)
			}
			if got := taskNames(done); !slices.Equal(got, tc.wantDone) {
				t.Errorf("done = %v, want %v", got, tc.wantDone)
			}
			if got := taskNames(pending); !slices.Equal(got, tc.wantPending) {
				t.Errorf("pending = %v, want %v", got, tc.wantPending)
			}
		})
	}
}

func TestWaitTimeoutReturnsTheSplitWithoutErrorOrCancelling(t *testing.T) {
	runVirtualMain(t, func(ctx context.Context) error {
		a := namedSleeper(t, ctx, "a", time.Second, nil)
		b := namedSleeper(t, ctx, "b", 2*time.Second, nil)
		done, pending, err := aio.Wait(ctx, []*aio.Task[int]{b, a}, aio.AllCompleted, 1500*time.Millisecond)
		if err != nil {
			t.Errorf("Wait error = %v, want nil: a timeout is not an error", err)
		}
		if now := loopTime(ctx); now != 1500*time.Millisecond {
			t.Errorf("Wait returned at %v, want 1.5s", now)
		}
		if !slices.Equal(taskNames(done), []string{"a"}) || !slices.Equal(taskNames(pending), []string{"b"}) {
			t.Errorf("done, pending = %v, %v; want [a], [b]", taskNames(done), taskNames(pending))
		}
		if _, err := b.Await(ctx); err != nil || b.Cancelled() {
			t.Errorf("the pending task ended with %v: Wait must not cancel it", err)
		}
		return nil
	})
}

func TestWaitReturnsAtOnceWhenTheItemsAreDone(t *testing.T) {
	runVirtualMain(t, func(ctx context.Context) error {
		f1, f2 := aio.NewFuture[int](), aio.NewFuture[int]()
		f1.SetResult(1)
		f2.SetError(errors.New("failed"))
		ran := false
		newWaitTask(t, ctx, func(context.Context) (int, error) { ran = true; return 0, nil })
		for _, mode := range []aio.WaitMode{aio.AllCompleted, aio.FirstCompleted, aio.FirstException} {
			done, pending, err := aio.Wait(ctx, []*aio.Future[int]{f1, f2}, mode, time.Hour)
			if err != nil || len(done) != 2 || len(pending) != 0 {
				t.Errorf("mode %v: Wait = %d done, %d pending, %v", mode, len(done), len(pending), err)
			}
		}
		if ran || loopTime(ctx) != 0 {
			t.Error("Wait on items that were done gave the loop away instead of returning at once")
		}
		return nil
	})
}

func TestWaitReturnsACancelledErrorWhenCtxIsCancelled(t *testing.T) {
	stop := errors.New("stop")
	runVirtualMain(t, func(ctx context.Context) error {
		item := namedSleeper(t, ctx, "item", time.Hour, nil)
		waiter := newWaitTask(t, ctx, func(ctx context.Context) (int, error) {
			_, pending, err := aio.Wait(ctx, []*aio.Task[int]{item}, aio.AllCompleted, 0)
			return len(pending), err
		})
		aio.Sleep(ctx, time.Second)
		waiter.Cancel(stop)
		n, err := waiter.Await(ctx)
		var ce *aio.CancelledError
		if !errors.As(err, &ce) || ce.Cause != stop {
			t.Errorf("Wait error = %v, want a *CancelledError caused by stop", err)
		}
		if n != 1 {
			t.Errorf("Wait returned %d pending, want the split as it stands (1)", n)
		}
		if item.Done() {
			t.Error("cancelling the waiter cancelled the item")
		}
		item.Cancel(nil)

		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, _, err := aio.Wait(cctx, []*aio.Task[int]{item}, aio.AllCompleted, 0); !errors.Is(err, aio.ErrCancelled) {
			t.Errorf("Wait with a cancelled ctx = %v, want a cancellation", err)
		}
		return nil
	})
}

func TestWaitRejectsAnEmptyListAndANegativeTimeout(t *testing.T) {
	runVirtualMain(t, func(ctx context.Context) error {
		if _, _, err := aio.Wait(ctx, []*aio.Task[int]{}, aio.AllCompleted, 0); err == nil {
			t.Error("Wait of no items returned no error")
		}
		f := aio.NewFuture[int]()
		if _, _, err := aio.Wait(ctx, []*aio.Future[int]{f}, aio.AllCompleted, -time.Second); err == nil {
			t.Error("Wait with a negative timeout returned no error")
		}
		return nil
	})
}

func TestWaitAcceptsFuturesTasksAndAMixOfThem(t *testing.T) {
	runVirtualMain(t, func(ctx context.Context) error {
		f := aio.NewFuture[string]()
		aio.CallLater(ctx, time.Second, func() { f.SetResult("set") })
		done, _, err := aio.Wait(ctx, []*aio.Future[string]{f}, aio.AllCompleted, 0)
		if err != nil || len(done) != 1 || done[0] != f {
			t.Errorf("Wait on futures = %v, %v", done, err)
		}
		if v, _ := done[0].Result(); v != "set" {
			t.Errorf("future result = %q", v)
		}

		task := namedSleeper(t, ctx, "task", time.Second, nil)
		tdone, _, err := aio.Wait(ctx, []*aio.Task[int]{task}, aio.AllCompleted, 0)
		if err != nil || len(tdone) != 1 || tdone[0] != task {
			t.Errorf("Wait on tasks = %v, %v", tdone, err)
		}

		g := aio.NewFuture[bool]()
		other := namedSleeper(t, ctx, "other", time.Second, nil)
		mixed := []aio.Completion{g, other}
		mdone, mpending, err := aio.Wait(ctx, mixed, aio.FirstCompleted, 0)
		if err != nil || len(mdone) != 1 || mdone[0] != aio.Completion(other) || len(mpending) != 1 {
			t.Errorf("Wait on a mix = %v, %v, %v", mdone, mpending, err)
		}
		return nil
	})
}

func TestAsCompletedYieldsInCompletionOrder(t *testing.T) {
	t.Run("items done already come first in the order given, then the others as they finish", func(t *testing.T) {
		var order []string
		var times []time.Duration
		runVirtualMain(t, func(ctx context.Context) error {
			x := namedSleeper(t, ctx, "x", 0, nil)
			y := namedSleeper(t, ctx, "y", 0, nil)
			aio.Wait(ctx, []*aio.Task[int]{x, y}, aio.AllCompleted, 0)
			items := []*aio.Task[int]{
				namedSleeper(t, ctx, "3s", 3*time.Second, nil),
				y,
				namedSleeper(t, ctx, "1s", time.Second, nil),
				x,
				namedSleeper(t, ctx, "2s", 2*time.Second, errors.New("failed")),
			}
			for task, err := range aio.AsCompleted(ctx, items...) {
				if err != nil {
					t.Errorf("AsCompleted yielded %v", err)
					break
				}
				task.Err() // retrieved: Run reports errors nobody read
				order = append(order, task.Name())
				times = append(times, loopTime(ctx))
			}
			return nil
		})
		if want := []string{"y", "x", "1s", "2s", "3s"}; !slices.Equal(order, want) {
			t.Errorf("order = %v, want %v", order, want)
		}
		if want := []time.Duration{0, 0, time.Second, 2 * time.Second, 3 * time.Second}; !slices.Equal(times, want) {
			t.Errorf("times = %v, want %v", times, want)
		}
	})
	t.Run("the loop body may await other things while items finish", func(t *testing.T) {
		// asyncio's `for f in as_completed(fs): r = await f; await use(r)`:
		// a completion must not wake the body's own await early.
		var sleptUntil []time.Duration
		var futErr error
		runVirtualMain(t, func(ctx context.Context) error {
			items := []*aio.Task[int]{
				namedSleeper(t, ctx, "1s", time.Second, nil),
				namedSleeper(t, ctx, "2s", 2*time.Second, nil),
				namedSleeper(t, ctx, "3s", 3*time.Second, nil),
			}
			for range aio.AsCompleted(ctx, items...) {
				aio.Sleep(ctx, 5*time.Second)
				sleptUntil = append(sleptUntil, loopTime(ctx))
			}
			more := []*aio.Task[int]{namedSleeper(t, ctx, "a", time.Second, nil), namedSleeper(t, ctx, "b", 2*time.Second, nil)}
			for range aio.AsCompleted(ctx, more...) {
				f := aio.NewFuture[int]()
				aio.CallLater(ctx, 5*time.Second, func() { f.SetResult(1) })
				_, futErr = f.Await(ctx)
				break
			}
			return nil
		})
		if want := []time.Duration{6 * time.Second, 11 * time.Second, 16 * time.Second}; !slices.Equal(sleptUntil, want) {
			t.Errorf("the body's 5s sleeps ended at %v, want %v", sleptUntil, want)
		}
		if futErr != nil {
			t.Errorf("the body's Future.Await = %v, want its result: woken before the future was set", futErr)
		}
	})
}

func TestAsCompletedBreakStopsWaiting(t *testing.T) {
	var yields int
	var sleptUntil time.Duration
	runVirtualMain(t, func(ctx context.Context) error {
		slow := namedSleeper(t, ctx, "slow", 2*time.Second, nil)
		items := []*aio.Task[int]{namedSleeper(t, ctx, "fast", time.Second, nil), slow}
		for range aio.AsCompleted(ctx, items...) {
			yields++
			break
		}
		// The slow item finishes during this sleep: it must not wake it.
		aio.Sleep(ctx, 10*time.Second)
		sleptUntil = loopTime(ctx)
		if !slow.Done() || slow.Cancelled() {
			t.Error("breaking out of AsCompleted cancelled an item")
		}
		return nil
	})
	if yields != 1 {
		t.Errorf("%d yields, want 1", yields)
	}
	if sleptUntil != 11*time.Second {
		t.Errorf("the sleep after the break ended at %v, want 11s", sleptUntil)
	}
}

func TestAsCompletedYieldsACancellationAndStopsWhenCtxIsCancelled(t *testing.T) {
	stop := errors.New("stop")
	var got []string
	var errs []error
	runVirtualMain(t, func(ctx context.Context) error {
		a := namedSleeper(t, ctx, "a", time.Second, nil)
		b := namedSleeper(t, ctx, "b", 2*time.Second, nil)
		c := namedSleeper(t, ctx, "c", 3*time.Second, nil)
		iterating := newWaitTask(t, ctx, func(ctx context.Context) (int, error) {
			for task, err := range aio.AsCompleted(ctx, a, b, c) {
				if task != nil {
					got = append(got, task.Name())
				}
				errs = append(errs, err)
			}
			return 0, nil
		})
		aio.CallLater(ctx, 1500*time.Millisecond, func() { iterating.Cancel(stop) })
		iterating.Await(ctx)
		if b.Cancelled() || c.Cancelled() {
			t.Error("the cancellation of the iterating task reached the items")
		}
		b.Cancel(nil)
		c.Cancel(nil)
		return nil
	})
	if !slices.Equal(got, []string{"a"}) || len(errs) != 2 || errs[0] != nil {
		t.Fatalf("yields = %v with errors %v, want a then one cancellation", got, errs)
	}
	var ce *aio.CancelledError
	if !errors.As(errs[1], &ce) || ce.Cause != stop {
		t.Errorf("the last yield's error = %v, want a *CancelledError caused by stop", errs[1])
	}
}
