package aio_test

// Barrier, after CPython's Lib/test/test_asyncio/test_locks.py
// (BarrierTests: test_barrier, test_barrier_parties, test_wait_more_than_parties,
// test_filling_one_task_cancel / test_filling_tasks_cancel_one,
// test_reset_barrier, test_reset_barrier_while_tasks_waiting,
// test_abort_barrier, test_abort_and_reset_barrier).

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/aio-go/aio"
)

// syBarrierWaiters starts n tasks that wait on b, one a step.
func syBarrierWaiters(t *testing.T, ctx context.Context, b *aio.Barrier, n int) []*aio.Task[int] {
	t.Helper()
	var tasks []*aio.Task[int]
	for i := range n {
		task, err := aio.CreateTask(ctx, b.Wait, aio.WithName(string(rune('a'+i))))
		if err != nil {
			t.Fatal(err)
		}
		tasks = append(tasks, task)
		sySteps(t, ctx, 1)
	}
	return tasks
}

// syPlaces awaits the tasks and returns their places.
func syPlaces(t *testing.T, ctx context.Context, tasks []*aio.Task[int]) []int {
	t.Helper()
	var places []int
	for _, task := range tasks {
		i, err := task.Await(ctx)
		if err != nil {
			t.Errorf("waiter %s = %v", task.Name(), err)
		}
		places = append(places, i)
	}
	return places
}

func TestBarrierWaitReturnsEachTasksPlace(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		b := aio.NewBarrier(3)
		tasks := syBarrierWaiters(t, ctx, b, 2)
		if st := b.Stats(); st.Parties != 3 || st.Waiting != 2 || st.Broken {
			t.Errorf("Stats with two waiting = %+v", st)
		}
		// The last to arrive returns at once, without a switch.
		steps, counter := ktStepCounter(t, ctx)
		defer counter.Cancel(nil)
		sySteps(t, ctx, 1)
		before := *steps
		i, err := b.Wait(ctx)
		if i != 2 || err != nil || *steps != before {
			t.Errorf("the last Wait = %d, %v, switched %d times; want 2, nil and no switch", i, err, *steps-before)
		}
		if want := []int{0, 1}; !slices.Equal(syPlaces(t, ctx, tasks), want) {
			t.Errorf("the others' places are not %v", want)
		}
		if b.Waiting() != 0 {
			t.Errorf("Waiting after the round = %d", b.Waiting())
		}
		return nil
	})
}

func TestBarrierIsReusableRoundAfterRound(t *testing.T) {
	// asyncio's test_wait_more_than_parties: more tasks than parties make
	// more rounds; a round that passed does not hold back the next.
	ktRun(t, func(ctx context.Context) error {
		b := aio.NewBarrier(2)
		var tasks []*aio.Task[int]
		for i := range 6 {
			task, err := aio.CreateTask(ctx, b.Wait, aio.WithName(string(rune('a'+i))))
			if err != nil {
				return err
			}
			tasks = append(tasks, task)
		}
		places := syPlaces(t, ctx, tasks)
		slices.Sort(places)
		if want := []int{0, 0, 0, 1, 1, 1}; !slices.Equal(places, want) {
			t.Errorf("places = %v, want %v", places, want)
		}
		return nil
	})
}

func TestBarrierWaiterCancelledLeavesTheRoundAndThePlacesCloseUp(t *testing.T) {
	// asyncio's test_filling_tasks_cancel_one.
	ktRun(t, func(ctx context.Context) error {
		b := aio.NewBarrier(3)
		tasks := syBarrierWaiters(t, ctx, b, 2)
		tasks[0].Cancel(nil)
		if _, err := tasks[0].Await(ctx); !ktIsCancel(err) {
			t.Errorf("the cancelled waiter = %v, want its cancellation", err)
		}
		if st := b.Stats(); st.Waiting != 1 || st.Broken {
			t.Errorf("Stats after a waiter left = %+v, want 1 waiting, not broken", st)
		}
		more := syBarrierWaiters(t, ctx, b, 1)
		if b.Waiting() != 2 {
			t.Errorf("the round passed with %d of 3", b.Waiting())
		}
		i, err := b.Wait(ctx)
		if i != 2 || err != nil {
			t.Errorf("the last Wait = %d, %v", i, err)
		}
		if want := []int{0, 1}; !slices.Equal(syPlaces(t, ctx, append(tasks[1:], more...)), want) {
			t.Errorf("the places did not close up to %v", want)
		}
		return nil
	})
}

func TestBarrierWaiterCancelledInTheStepTheRoundFillsPasses(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		b := aio.NewBarrier(3)
		tasks := syBarrierWaiters(t, ctx, b, 2)
		tasks[0].Cancel(nil)
		if i, err := b.Wait(ctx); i != 2 || err != nil {
			t.Errorf("the last Wait = %d, %v", i, err)
		}
		if want := []int{0, 1}; !slices.Equal(syPlaces(t, ctx, tasks), want) {
			t.Errorf("places are not %v: the round passed with the cancelled waiter in it", want)
		}
		return nil
	})
}

func TestBarrierAbortBreaksItForTheWaitersAndLaterCalls(t *testing.T) {
	// asyncio's test_abort_barrier and test_abort_and_reset_barrier.
	ktRun(t, func(ctx context.Context) error {
		b := aio.NewBarrier(3)
		tasks := syBarrierWaiters(t, ctx, b, 2)
		b.Abort()
		for _, task := range tasks {
			if _, err := task.Await(ctx); !errors.Is(err, aio.ErrBrokenBarrier) {
				t.Errorf("waiter %s = %v, want ErrBrokenBarrier", task.Name(), err)
			}
		}
		if _, err := b.Wait(ctx); !errors.Is(err, aio.ErrBrokenBarrier) || !b.Broken() {
			t.Errorf("Wait on an aborted barrier = %v, want ErrBrokenBarrier", err)
		}
		b.Reset()
		if st := b.Stats(); st.Broken || st.Waiting != 0 {
			t.Errorf("Stats after Reset = %+v", st)
		}
		tasks = syBarrierWaiters(t, ctx, b, 2)
		if i, err := b.Wait(ctx); i != 2 || err != nil {
			t.Errorf("the last Wait after Reset = %d, %v", i, err)
		}
		syPlaces(t, ctx, tasks)
		return nil
	})
}

func TestBarrierResetBreaksTheWaitersAndStartsAnEmptyRound(t *testing.T) {
	// asyncio's test_reset_barrier_while_tasks_waiting.
	ktRun(t, func(ctx context.Context) error {
		b := aio.NewBarrier(2)
		tasks := syBarrierWaiters(t, ctx, b, 1)
		b.Reset()
		if b.Broken() {
			t.Error("Reset broke the barrier")
		}
		// A task that arrives before the reset waiter has run is in the
		// new round, not in the one that was reset.
		next := syBarrierWaiters(t, ctx, b, 1)
		if _, err := tasks[0].Await(ctx); !errors.Is(err, aio.ErrBrokenBarrier) {
			t.Errorf("the reset waiter = %v, want ErrBrokenBarrier", err)
		}
		if i, err := b.Wait(ctx); i != 1 || err != nil {
			t.Errorf("Wait in the new round = %d, %v", i, err)
		}
		if want := []int{0}; !slices.Equal(syPlaces(t, ctx, next), want) {
			t.Errorf("the new round's first place is not %v", want)
		}
		return nil
	})
}

func TestZeroBarrierIsInvalidState(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var b aio.Barrier
		if _, err := b.Wait(ctx); !errors.Is(err, aio.ErrInvalidState) {
			t.Errorf("Wait on a zero Barrier = %v, want ErrInvalidState", err)
		}
		b.Reset() // nothing to reset, nothing fails
		b.Abort()
		return nil
	})
	defer func() {
		if recover() == nil {
			t.Error("NewBarrier(0) did not panic")
		}
	}()
	aio.NewBarrier(0)
}

func TestBarrierOfOnePartyNeverWaits(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		b := aio.NewBarrier(1)
		for range 3 {
			if i, err := b.Wait(ctx); i != 0 || err != nil {
				t.Errorf("Wait = %d, %v; want 0, nil", i, err)
			}
		}
		return nil
	})
}
