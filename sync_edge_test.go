package aio_test

// Edge cases of the synchronisation primitives that asyncio's
// test_locks.py and trio's test_sync.py pin down, each under the name of
// the rule it checks: a hand-over that races a cancellation, strict FIFO
// order, a Condition that must hold its lock again before a cancellation
// goes on, and the misuse a demanding user tries (a release without the
// lock, one too many, from a finished loop).

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

// seLockers starts n tasks named name0.. that acquire mu in that order,
// record their name in got, and return holding it; it returns once all of
// them wait.
func seLockers(t *testing.T, ctx context.Context, mu *aio.Lock, n int, got *[]string) []*aio.Task[struct{}] {
	t.Helper()
	tasks := make([]*aio.Task[struct{}], n)
	for i := range tasks {
		name := fmt.Sprint("t", i)
		tasks[i] = syGo(t, ctx, name, func(ctx context.Context) error {
			if err := mu.Acquire(ctx); err != nil {
				return err
			}
			*got = append(*got, name)
			return nil
		})
		aqUntil(t, ctx, name+" waits", func() bool { return mu.Stats().Waiters == i+1 })
	}
	return tasks
}

func TestALockReleasedToACancelledWaiterPassesToTheNext(t *testing.T) {
	// asyncio's test_cancel_release_race (issue 32734): with three
	// waiters, the first is cancelled and the lock released in the same
	// step. Exactly one task must get it, and it must be the second; the
	// third still waits.
	ktRun(t, func(ctx context.Context) error {
		var mu aio.Lock
		var got []string
		if err := mu.Acquire(ctx); err != nil {
			return err
		}
		tasks := seLockers(t, ctx, &mu, 3, &got)
		tasks[0].Cancel(nil)
		if err := mu.Release(ctx); err != nil {
			return err
		}
		if err := syAwaitErr(ctx, tasks[0]); !ktIsCancel(err) {
			t.Errorf("t0 = %v, want its cancellation", err)
		}
		if err := syAwaitErr(ctx, tasks[1]); err != nil {
			t.Errorf("t1 = %v", err)
		}
		st := mu.Stats()
		if !slices.Equal(got, []string{"t1"}) || st.Owner != aio.AnyTask(tasks[1]) || st.Waiters != 1 {
			t.Errorf("got %v, Stats %+v; want t1 alone to hold it and t2 waiting", got, st)
		}
		tasks[2].Cancel(nil)
		if err := syAwaitErr(ctx, tasks[2]); !ktIsCancel(err) {
			t.Errorf("t2 = %v, want its cancellation", err)
		}
		return nil
	})
}

func TestALockWaiterCancelledWithTheReleaseHandsItToATaskThatCameAfter(t *testing.T) {
	// asyncio's test_finished_waiter_cancelled: tc is created (not yet
	// waiting), then tb, which waits, is cancelled and the lock released
	// in the same step. tc queues behind tb in that step; tb must not
	// leave the lock unlocked with tc waiting.
	ktRun(t, func(ctx context.Context) error {
		var mu aio.Lock
		var got []string
		if err := mu.Acquire(ctx); err != nil {
			return err
		}
		tb := seLockers(t, ctx, &mu, 1, &got)[0]
		tc := syGo(t, ctx, "tc", func(ctx context.Context) error {
			if err := mu.Acquire(ctx); err != nil {
				return err
			}
			got = append(got, "tc")
			return nil
		})
		tb.Cancel(nil)
		if err := mu.Release(ctx); err != nil {
			return err
		}
		sySteps(t, ctx, 1)
		if err := syAwaitErr(ctx, tb); !ktIsCancel(err) {
			t.Errorf("tb = %v, want its cancellation", err)
		}
		if err := syAwaitErr(ctx, tc); err != nil {
			t.Errorf("tc = %v", err)
		}
		if st := mu.Stats(); !st.Locked || st.Owner != aio.AnyTask(tc) || !slices.Equal(got, []string{"tc"}) {
			t.Errorf("Stats %+v, got %v; want tc holding the lock", st, got)
		}
		return nil
	})
}

func TestALockIsReleasedOnlyByTheTaskThatHoldsIt(t *testing.T) {
	// trio's rule (asyncio lets any task release a locked Lock): another
	// task's Release is ErrNotHeld and changes nothing, so the waiter is
	// still waiting; the holder's Release still hands the lock on.
	ktRun(t, func(ctx context.Context) error {
		var mu aio.Lock
		var got []string
		if err := mu.Acquire(ctx); err != nil {
			return err
		}
		waiter := seLockers(t, ctx, &mu, 1, &got)[0]
		intruder := syGo(t, ctx, "intruder", mu.Release)
		if err := syAwaitErr(ctx, intruder); !errors.Is(err, aio.ErrNotHeld) {
			t.Errorf("Release by a task that does not hold the lock = %v, want ErrNotHeld", err)
		}
		if st := mu.Stats(); st.Owner != aio.CurrentTask(ctx) || st.Waiters != 1 {
			t.Errorf("Stats after the refused Release = %+v, want main holding it and one waiter", st)
		}
		if err := mu.Release(ctx); err != nil {
			return err
		}
		if err := syAwaitErr(ctx, waiter); err != nil || len(got) != 1 {
			t.Errorf("the waiter = %v, got %v", err, got)
		}
		if err := mu.Release(ctx); !errors.Is(err, aio.ErrNotHeld) {
			t.Errorf("Release by its former holder = %v, want ErrNotHeld", err)
		}
		var free aio.Lock
		if err := free.Release(ctx); !errors.Is(err, aio.ErrNotHeld) {
			t.Errorf("Release of an unlocked Lock = %v, want ErrNotHeld", err)
		}
		return nil
	})
}

func TestALockIsReleasedInACancelledContext(t *testing.T) {
	// Cleanup after a cancellation must be able to give the lock back
	// without a Shield: Release never waits, so it ignores the
	// cancellation, and the lock goes to the waiter.
	ktRun(t, func(ctx context.Context) error {
		var mu aio.Lock
		var got []string
		holder := syGo(t, ctx, "holder", func(ctx context.Context) error {
			if err := mu.Acquire(ctx); err != nil {
				return err
			}
			err := aio.Sleep(ctx, time.Hour)
			if rerr := mu.Release(ctx); rerr != nil {
				t.Errorf("Release in the cancelled context = %v", rerr)
			}
			return err
		})
		sySteps(t, ctx, 1)
		waiter := seLockers(t, ctx, &mu, 1, &got)[0]
		holder.Cancel(nil)
		if err := syAwaitErr(ctx, holder); !ktIsCancel(err) {
			t.Errorf("holder = %v, want its cancellation", err)
		}
		if err := syAwaitErr(ctx, waiter); err != nil || mu.Stats().Owner != aio.AnyTask(waiter) {
			t.Errorf("waiter = %v, owner %v; want it to hold the lock", err, mu.Stats().Owner)
		}
		return nil
	})
}

func TestAConditionWaitCancelledWhileTheLockIsContestedReturnsHoldingIt(t *testing.T) {
	// asyncio's test_wait_cancel_contested and test_cancelled_error_re_aquire:
	// the waiter is notified, then cancelled while main still holds the
	// lock. Its Wait returns the cancellation, with the cause given to
	// Cancel, and only once it holds the lock again.
	ktRun(t, func(ctx context.Context) error {
		var c aio.Condition
		cause := errors.New("foo")
		var heldAtReturn bool
		waiter := syGo(t, ctx, "waiter", func(ctx context.Context) error {
			return c.Do(ctx, func(ctx context.Context) error {
				err := c.Wait(ctx)
				heldAtReturn = c.Stats().Lock.Owner == aio.CurrentTask(ctx)
				return err
			})
		})
		aqUntil(t, ctx, "the waiter waits", func() bool { return c.Stats().Waiters == 1 })
		if err := c.Acquire(ctx); err != nil {
			return err
		}
		if err := c.Notify(ctx, 1); err != nil {
			return err
		}
		sySteps(t, ctx, 1) // the waiter now waits for the lock
		if st := c.Stats(); st.Waiters != 0 || st.Lock.Waiters != 1 {
			t.Fatalf("Stats after the notification = %+v, want the waiter waiting for the lock", st)
		}
		waiter.Cancel(cause)
		sySteps(t, ctx, 1)
		if waiter.Done() {
			t.Error("the cancelled Wait returned while main still held the lock")
		}
		if err := c.Release(ctx); err != nil {
			return err
		}
		err := syAwaitErr(ctx, waiter)
		if got, ok := ktCause(err); !ktIsCancel(err) || !ok || got != cause {
			t.Errorf("waiter = %v, want its cancellation with cause %v", err, cause)
		}
		if !heldAtReturn {
			t.Error("the cancelled Wait returned without the lock")
		}
		if st := c.Stats(); st.Lock.Locked || st.Waiters != 0 {
			t.Errorf("Stats at the end = %+v, want the lock free (Do released it)", st)
		}
		return nil
	})
}

func TestAConditionWaiterCancelledWhileRetakingTheLockPassesTheNotificationOn(t *testing.T) {
	// asyncio's test_cancelled_wakeup_relock: one item, two consumers,
	// one notification; the notified consumer is cancelled while it waits
	// for the lock. The other must be notified instead, or the item
	// stays unconsumed.
	ktRun(t, func(ctx context.Context) error {
		var c aio.Condition
		state := 0
		consumer := func(ctx context.Context) error {
			return c.Do(ctx, func(ctx context.Context) error {
				for {
					if err := c.WaitFor(ctx, func() bool { return state != 0 }); err != nil {
						return err
					}
					if state < 0 {
						return nil
					}
					state--
				}
			})
		}
		c0 := syGo(t, ctx, "c0", consumer)
		c1 := syGo(t, ctx, "c1", consumer)
		aqUntil(t, ctx, "both consumers wait", func() bool { return c.Stats().Waiters == 2 })
		err := c.Do(ctx, func(ctx context.Context) error {
			state++
			if err := c.Notify(ctx, 1); err != nil {
				return err
			}
			sySteps(t, ctx, 1) // c0 now waits for the lock
			c0.Cancel(nil)
			err := aio.MoveOnAfter(ctx, time.Second, func(ctx context.Context, _ *aio.Scope) error {
				return c.WaitFor(ctx, func() bool { return state == 0 })
			})
			if err != nil {
				return err
			}
			if state != 0 {
				t.Errorf("state = %d after a second: the notification was lost with c0", state)
			}
			state = -1
			return c.NotifyAll(ctx)
		})
		if err != nil {
			return err
		}
		if err := syAwaitErr(ctx, c0); !ktIsCancel(err) {
			t.Errorf("c0 = %v, want its cancellation", err)
		}
		return syAwaitErr(ctx, c1)
	})
}

func TestASemaphoreReleasedWhileItsFirstWaitersAreCancelledWakesTheFirstLiveOne(t *testing.T) {
	// asyncio's test_acquire_cancel_before_awoken and test_acquire_hang:
	// t0 and t1 are cancelled, then a permit released, in one step. The
	// permit goes through them to t2; t3 still waits; no permit is lost
	// or made.
	ktRun(t, func(ctx context.Context) error {
		sem := aio.NewSemaphore(0)
		tasks := sySemAcquirers(t, ctx, sem, 4)
		tasks[0].Cancel(nil)
		tasks[1].Cancel(nil)
		sem.Release()
		for _, task := range tasks[:2] {
			if err := syAwaitErr(ctx, task); !ktIsCancel(err) {
				t.Errorf("%s = %v, want its cancellation", task.Name(), err)
			}
		}
		if err := syAwaitErr(ctx, tasks[2]); err != nil {
			t.Errorf("%s = %v", tasks[2].Name(), err)
		}
		sySteps(t, ctx, 2)
		if st := sem.Stats(); tasks[3].Done() || st.Value != 0 || st.Waiters != 1 {
			t.Errorf("Stats %+v, last waiter done %v; want it still waiting and no permit free", st, tasks[3].Done())
		}
		sem.Release()
		return syAwaitErr(ctx, tasks[3])
	})
}

func TestASemaphorePermitHandedToAWaiterCancelledInTheSameStepIsNotLost(t *testing.T) {
	// asyncio's test_acquire_no_hang: the holder's release hands the
	// permit to the waiter, which is cancelled in that step. The permit
	// must come back, so that a later Acquire does not hang.
	ktRun(t, func(ctx context.Context) error {
		sem := aio.NewSemaphore(1)
		var waiter *aio.Task[struct{}]
		holder := syGo(t, ctx, "holder", func(ctx context.Context) error {
			if err := sem.Do(ctx, func(ctx context.Context) error { return aio.Sleep(ctx, 0) }); err != nil {
				return err
			}
			waiter.Cancel(nil)
			return nil
		})
		waiter = syGo(t, ctx, "waiter", func(ctx context.Context) error {
			return sem.Do(ctx, func(context.Context) error {
				t.Error("the cancelled waiter ran its function")
				return nil
			})
		})
		if err := syAwaitErr(ctx, holder); err != nil {
			return err
		}
		if err := syAwaitErr(ctx, waiter); !ktIsCancel(err) {
			t.Errorf("waiter = %v, want its cancellation", err)
		}
		if sem.Value() != 1 {
			t.Errorf("Value = %d, want the permit back", sem.Value())
		}
		return aio.Timeout(ctx, time.Second, func(ctx context.Context, _ *aio.Scope) error { return sem.Acquire(ctx) })
	})
}

func TestASemaphoreServesItsWaitersInArrivalOrderRoundAfterRound(t *testing.T) {
	// asyncio's test_acquire_fifo_order (3.11): a task that releases and
	// acquires again queues behind those already waiting.
	ktRun(t, func(ctx context.Context) error {
		sem := aio.NewSemaphore(1)
		var got []string
		err := aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			for _, tag := range []string{"c1", "c2", "c3"} {
				tg.Go(func(ctx context.Context) error {
					for round := 1; round <= 2; round++ {
						if err := sem.Acquire(ctx); err != nil {
							return err
						}
						got = append(got, fmt.Sprintf("%s_%d", tag, round))
						if err := aio.Sleep(ctx, 10*time.Millisecond); err != nil {
							return err
						}
						sem.Release()
					}
					return nil
				})
			}
			return nil
		})
		if want := []string{"c1_1", "c2_1", "c3_1", "c1_2", "c2_2", "c3_2"}; !slices.Equal(got, want) {
			t.Errorf("order %v, want %v", got, want)
		}
		return err
	})
}

func TestABoundedSemaphoreRefusesAReleaseAboveItsBound(t *testing.T) {
	// asyncio's BoundedSemaphore test_release_not_acquired, and the zero
	// value, whose bound is 0: every Release is refused.
	ktRun(t, func(ctx context.Context) error {
		sem := aio.NewBoundedSemaphore(2)
		if err := sem.Release(); !errors.Is(err, aio.ErrTooManyReleases) || sem.Value() != 2 {
			t.Errorf("Release of an unacquired BoundedSemaphore = %v, Value %d; want ErrTooManyReleases, 2", err, sem.Value())
		}
		if err := sem.Acquire(ctx); err != nil {
			return err
		}
		if err := sem.Release(); err != nil {
			t.Errorf("Release after an Acquire = %v", err)
		}
		if err := sem.Release(); !errors.Is(err, aio.ErrTooManyReleases) || sem.Value() != 2 {
			t.Errorf("a second Release = %v, Value %d; want ErrTooManyReleases, 2", err, sem.Value())
		}
		var zero aio.BoundedSemaphore
		if err := zero.Release(); !errors.Is(err, aio.ErrTooManyReleases) {
			t.Errorf("Release of a zero BoundedSemaphore = %v, want ErrTooManyReleases", err)
		}
		if err := zero.TryAcquire(ctx); !errors.Is(err, aio.ErrWouldBlock) {
			t.Errorf("TryAcquire of a zero BoundedSemaphore = %v, want ErrWouldBlock", err)
		}
		return nil
	})
}

func TestAnEventWaiterCancelledLeavesAndTheNextSetWakesTheOthers(t *testing.T) {
	// asyncio's test_wait_cancel, with other waiters around it.
	ktRun(t, func(ctx context.Context) error {
		var ev aio.Event
		tasks := make([]*aio.Task[struct{}], 3)
		for i := range tasks {
			tasks[i] = syGo(t, ctx, fmt.Sprint("w", i), ev.Wait)
		}
		aqUntil(t, ctx, "the waiters wait", func() bool { return ev.Stats().Waiters == 3 })
		tasks[1].Cancel(nil)
		if err := syAwaitErr(ctx, tasks[1]); !ktIsCancel(err) {
			t.Errorf("w1 = %v, want its cancellation", err)
		}
		if st := ev.Stats(); st.Waiters != 2 || st.Set {
			t.Errorf("Stats after w1 left = %+v, want 2 waiters", st)
		}
		ev.Set()
		for _, i := range []int{0, 2} {
			if err := syAwaitErr(ctx, tasks[i]); err != nil {
				t.Errorf("w%d = %v", i, err)
			}
		}
		return nil
	})
}

func TestABarrierPartyCancelledWhileWaitingLeavesItUnbroken(t *testing.T) {
	// asyncio's test_filling_tasks_cancel_one: in asyncio as here, a
	// party cancelled in Wait leaves the round (threading.Barrier breaks
	// on a timeout; asyncio.Barrier does not). The round then fills with
	// a new arrival, and the barrier is reused.
	ktRun(t, func(ctx context.Context) error {
		b := aio.NewBarrier(3)
		first := syBarrierWaiters(t, ctx, b, 2)
		first[0].Cancel(nil)
		if _, err := first[0].Await(ctx); !ktIsCancel(err) {
			t.Errorf("the cancelled party = %v, want its cancellation", err)
		}
		if b.Broken() || b.Waiting() != 1 {
			t.Fatalf("Stats after the cancellation = %+v, want 1 waiting, not broken", b.Stats())
		}
		rest := syBarrierWaiters(t, ctx, b, 2)
		if got := syPlaces(t, ctx, append(first[1:], rest...)); !slices.Equal(got, []int{0, 1, 2}) {
			t.Errorf("places %v, want [0 1 2]", got)
		}
		again := syBarrierWaiters(t, ctx, b, 2)
		if i, err := b.Wait(ctx); i != 2 || err != nil {
			t.Errorf("the next round's last Wait = %d, %v", i, err)
		}
		syPlaces(t, ctx, again)
		if st := b.Stats(); st.Broken || st.Waiting != 0 {
			t.Errorf("Stats at the end = %+v", st)
		}
		return nil
	})
}

func TestABarrierResetBreaksOnlyTheRoundFillingNow(t *testing.T) {
	// Each round has its own outcome. Here the last arrival, L, passes
	// without a switch and comes back for the next round before the
	// others of its round have resumed; then the barrier is reset. The
	// round that passed keeps its places (asyncio's draining state breaks
	// the tasks not yet resumed: test_reset_barrier_when_tasks_half_draining),
	// and L, in the round filling now, is broken (asyncio holds an early
	// arrival back while it drains, so its reset finds nobody to break:
	// test_reset_barrier_while_tasks_draining).
	ktRun(t, func(ctx context.Context) error {
		b := aio.NewBarrier(3)
		first := syBarrierWaiters(t, ctx, b, 2)
		var places []int
		last := syGo(t, ctx, "L", func(ctx context.Context) error {
			i, err := b.Wait(ctx)
			if err != nil {
				return err
			}
			places = append(places, i)
			_, err = b.Wait(ctx)
			return err
		})
		sySteps(t, ctx, 1)
		if first[0].Done() || first[1].Done() || b.Waiting() != 1 {
			t.Fatalf("setup: the round's tasks done %v %v, %d waiting; want L alone back, the others not resumed",
				first[0].Done(), first[1].Done(), b.Waiting())
		}
		b.Reset()
		if got := syPlaces(t, ctx, first); !slices.Equal(got, []int{0, 1}) {
			t.Errorf("places of the round that passed = %v, want [0 1]", got)
		}
		if err := syAwaitErr(ctx, last); !errors.Is(err, aio.ErrBrokenBarrier) || !slices.Equal(places, []int{2}) {
			t.Errorf("L = %v after places %v, want ErrBrokenBarrier after [2]", err, places)
		}
		if st := b.Stats(); st.Broken || st.Waiting != 0 {
			t.Errorf("Stats after the Reset = %+v, want empty and unbroken", st)
		}
		return nil
	})
}

func TestSyncPrimitivesRefuseAContextAfterItsLoopClosed(t *testing.T) {
	// Use after Run returned: the ctx-taking methods say ErrLoopClosed and
	// change nothing; the ctx-less ones may be called from any goroutine,
	// as nothing runs on the loop any more.
	var (
		taskCtx context.Context
		mu      aio.Lock
		sem     = aio.NewSemaphore(0)
		ev      aio.Event
	)
	ktRun(t, func(ctx context.Context) error {
		taskCtx = ctx
		return mu.Acquire(ctx)
	})
	if err := mu.Release(taskCtx); !errors.Is(err, aio.ErrLoopClosed) || !mu.Locked() {
		t.Errorf("Release after Run returned = %v, locked %v; want ErrLoopClosed, still locked", err, mu.Locked())
	}
	if err := sem.Acquire(taskCtx); !errors.Is(err, aio.ErrLoopClosed) {
		t.Errorf("Semaphore.Acquire after Run returned = %v, want ErrLoopClosed", err)
	}
	sem.Release()
	ev.Set()
	if sem.Value() != 1 || !ev.IsSet() {
		t.Errorf("Release and Set after Run returned: Value %d, set %v", sem.Value(), ev.IsSet())
	}
}

func TestABoundedSemaphoreReleasedFromAnotherGoroutinePanicsEvenAtItsBound(t *testing.T) {
	// The misuse rule of the ctx-less methods: once a task has waited on
	// the semaphore, a Release from a goroutine that is not the loop's
	// thread panics and changes nothing. At the bound too: the goroutine
	// is checked before the count is read, rather than the misuse being
	// reported as ErrTooManyReleases.
	ktRun(t, func(ctx context.Context) error {
		sem := aio.NewBoundedSemaphore(1)
		if err := sem.Acquire(ctx); err != nil {
			return err
		}
		waiter := syGo(t, ctx, "waiter", func(ctx context.Context) error { return sem.Do(ctx, func(context.Context) error { return nil }) })
		sySteps(t, ctx, 1)
		if err := sem.Release(); err != nil {
			return err
		}
		if err := syAwaitErr(ctx, waiter); err != nil {
			return err
		}
		before := sem.Stats()
		if before.Value != before.Bound {
			t.Fatalf("setup: %+v, want every permit free", before)
		}
		_, err := aio.ToThread(ctx, func(context.Context) (int, error) {
			wlPanics(t, "ParkingLot.Unpark", func() { _ = sem.Release() })
			return 0, nil
		})
		if after := sem.Stats(); after != before {
			t.Errorf("the refused Release changed %+v to %+v", before, after)
		}
		return err
	})
}
