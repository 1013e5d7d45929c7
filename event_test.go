package aio_test

// Event, after CPython's Lib/test/test_asyncio/test_locks.py (EventTests:
// test_wait, test_wait_on_set, test_wait_cancel, test_clear,
// test_clear_with_waiters) and trio's test_sync.py (test_Event).

import (
	"context"
	"slices"
	"testing"

	"github.com/aio-go/aio"
)

func TestEventSetWakesEveryWaiter(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var ev aio.Event // the zero Event works
		if ev.IsSet() {
			t.Error("a zero Event is set")
		}
		var woke []int
		waiter := func(i int) func(ctx context.Context) error {
			return func(ctx context.Context) error {
				if err := ev.Wait(ctx); err != nil {
					return err
				}
				woke = append(woke, i)
				return nil
			}
		}
		t1 := syGo(t, ctx, "1", waiter(1))
		t2 := syGo(t, ctx, "2", waiter(2))
		sySteps(t, ctx, 1)
		if st := ev.Stats(); st.Waiters != 2 || st.Set {
			t.Errorf("Stats with two waiters = %+v", st)
		}
		// Created before the Set, t3 runs first and finds the event set;
		// t1 and t2 were woken by the Set and come after (asyncio's
		// order: [3, 1, 2]).
		t3 := syGo(t, ctx, "3", waiter(3))
		ev.Set()
		for _, task := range []*aio.Task[struct{}]{t1, t2, t3} {
			if err := syAwaitErr(ctx, task); err != nil {
				t.Errorf("waiter %s = %v", task.Name(), err)
			}
		}
		if want := []int{3, 1, 2}; !slices.Equal(woke, want) {
			t.Errorf("woke in the order %v, want %v", woke, want)
		}
		if st := ev.Stats(); st.Waiters != 0 || !st.Set || !ev.IsSet() {
			t.Errorf("Stats after Set = %+v", st)
		}
		return nil
	})
}

func TestEventWaitOnASetEventReturnsWithoutASwitch(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var ev aio.Event
		ev.Set()
		ev.Set() // setting a set event does nothing
		steps, counter := ktStepCounter(t, ctx)
		defer counter.Cancel(nil)
		sySteps(t, ctx, 1)
		before := *steps
		if err := ev.Wait(ctx); err != nil {
			return err
		}
		if *steps != before {
			t.Errorf("Wait on a set event switched: the counter moved by %d", *steps-before)
		}
		return nil
	})
}

func TestEventWaiterCancelledLeavesNoWaiter(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var ev aio.Event
		w := syGo(t, ctx, "w", ev.Wait)
		sySteps(t, ctx, 1)
		w.Cancel(nil)
		if err := syAwaitErr(ctx, w); !ktIsCancel(err) {
			t.Errorf("the cancelled waiter = %v, want its cancellation", err)
		}
		if st := ev.Stats(); st.Waiters != 0 || st.Set {
			t.Errorf("Stats = %+v, want no waiter and the event clear", st)
		}
		return nil
	})
}

func TestEventSetAndCancelInOneStepDeliverTheSet(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var ev aio.Event
		w := syGo(t, ctx, "w", ev.Wait)
		sySteps(t, ctx, 1)
		w.Cancel(nil)
		ev.Set()
		if err := syAwaitErr(ctx, w); err != nil {
			t.Errorf("a waiter cancelled in the step of the Set = %v, want nil", err)
		}
		return nil
	})
}

func TestEventClearLeavesWokenWaitersWoken(t *testing.T) {
	// asyncio's test_clear_with_waiters.
	ktRun(t, func(ctx context.Context) error {
		var ev aio.Event
		woke := false
		w := syGo(t, ctx, "w", func(ctx context.Context) error {
			if err := ev.Wait(ctx); err != nil {
				return err
			}
			woke = true
			return nil
		})
		sySteps(t, ctx, 1)
		ev.Set()
		ev.Clear()
		if ev.IsSet() {
			t.Error("the event is set after Clear")
		}
		ev.Set()
		ev.Set()
		ev.Clear()
		if err := syAwaitErr(ctx, w); err != nil || !woke {
			t.Errorf("the waiter = %v, woke: %v; want woken by the first Set", err, woke)
		}
		// A Wait after the Clear waits for the next Set.
		w2 := syGo(t, ctx, "w2", ev.Wait)
		sySteps(t, ctx, 2)
		if w2.Done() || ev.Stats().Waiters != 1 {
			t.Errorf("a Wait on a cleared event returned: done=%v", w2.Done())
		}
		ev.Set()
		return syAwaitErr(ctx, w2)
	})
}
