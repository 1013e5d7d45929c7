package aio_test

// Condition, after CPython's Lib/test/test_asyncio/test_locks.py
// (ConditionTests: test_wait, test_wait_cancel, test_wait_cancel_contested,
// test_wait_cancel_after_notify, test_wait_unacquired, test_wait_for,
// test_wait_for_unacquired, test_notify, test_notify_all,
// test_notify_unacquired, test_explicit_lock, test_timeout_in_block,
// test_cancelled_error_wakeup, test_cancelled_error_re_aquire,
// test_cancelled_wakeup) and trio's test_sync.py (test_Condition).

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

// syCondWaiters starts n tasks that take the condition's lock, wait once,
// record their number in woke and release; each waits before the next
// starts.
func syCondWaiters(t *testing.T, ctx context.Context, c *aio.Condition, n int, woke *[]int) []*aio.Task[struct{}] {
	t.Helper()
	var tasks []*aio.Task[struct{}]
	for i := range n {
		tasks = append(tasks, syGo(t, ctx, string(rune('0'+i)), func(ctx context.Context) error {
			return c.Do(ctx, func(ctx context.Context) error {
				err := c.Wait(ctx)
				if st := c.Stats().Lock; st.Owner != aio.CurrentTask(ctx) {
					t.Errorf("waiter %d: Wait returned %v without the lock (%+v)", i, err, st)
				}
				if err == nil {
					*woke = append(*woke, i)
				}
				return err
			})
		}))
		sySteps(t, ctx, 1)
	}
	return tasks
}

func TestConditionWaitAndNotifyWithoutTheLockAreErrNotHeld(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var c aio.Condition // the zero Condition has a lock of its own
		if err := c.Wait(ctx); !errors.Is(err, aio.ErrNotHeld) {
			t.Errorf("Wait without the lock = %v, want ErrNotHeld", err)
		}
		if err := c.WaitFor(ctx, func() bool { return false }); !errors.Is(err, aio.ErrNotHeld) {
			t.Errorf("WaitFor of a false predicate without the lock = %v, want ErrNotHeld", err)
		}
		if err := c.Notify(ctx, 1); !errors.Is(err, aio.ErrNotHeld) {
			t.Errorf("Notify without the lock = %v, want ErrNotHeld", err)
		}
		if err := c.NotifyAll(ctx); !errors.Is(err, aio.ErrNotHeld) {
			t.Errorf("NotifyAll without the lock = %v, want ErrNotHeld", err)
		}
		// asyncio's test_wait_for_unacquired: a predicate true at once
		// needs no lock.
		if err := c.WaitFor(ctx, func() bool { return true }); err != nil {
			t.Errorf("WaitFor of a true predicate without the lock = %v", err)
		}
		if c.Locked() {
			t.Error("a refused call took the lock")
		}
		return nil
	})
}

func TestConditionNotifyWakesTheLongestWaitingWhoRetakeTheLockInTurn(t *testing.T) {
	// asyncio's test_wait and test_notify, trio's test_Condition.
	ktRun(t, func(ctx context.Context) error {
		var c aio.Condition
		var woke []int
		tasks := syCondWaiters(t, ctx, &c, 3, &woke)
		if st := c.Stats(); st.Waiters != 3 || st.Lock.Locked {
			t.Errorf("Stats with three waiters = %+v, want them waiting and the lock free", st)
		}
		if err := c.Acquire(ctx); err != nil {
			return err
		}
		if err := c.Notify(ctx, 1); err != nil {
			return err
		}
		sySteps(t, ctx, 1)
		// Woken, 0 waits for the lock main holds.
		if st := c.Stats(); len(woke) != 0 || st.Waiters != 2 || st.Lock.Waiters != 1 {
			t.Errorf("after Notify(1): woke %v, Stats %+v; want 0 waiting for the lock", woke, st)
		}
		if err := c.Release(ctx); err != nil {
			return err
		}
		sySteps(t, ctx, 1)
		if want := []int{0}; !slices.Equal(woke, want) {
			t.Errorf("woke %v, want %v", woke, want)
		}
		err := c.Do(ctx, func(ctx context.Context) error { return c.Notify(ctx, 2) })
		if err != nil {
			return err
		}
		for _, task := range tasks {
			if err := syAwaitErr(ctx, task); err != nil {
				t.Errorf("waiter %s = %v", task.Name(), err)
			}
		}
		if want := []int{0, 1, 2}; !slices.Equal(woke, want) {
			t.Errorf("woke %v, want %v", woke, want)
		}
		return nil
	})
}

func TestConditionNotifyAllWakesEveryWaiter(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		lock := new(aio.Lock)
		c := aio.NewCondition(lock) // asyncio's test_explicit_lock
		var woke []int
		tasks := syCondWaiters(t, ctx, c, 3, &woke)
		if err := c.Do(ctx, c.NotifyAll); err != nil {
			return err
		}
		for _, task := range tasks {
			if err := syAwaitErr(ctx, task); err != nil {
				t.Errorf("waiter %s = %v", task.Name(), err)
			}
		}
		if want := []int{0, 1, 2}; !slices.Equal(woke, want) {
			t.Errorf("woke %v, want %v", woke, want)
		}
		if lock.Locked() || c.Stats().Waiters != 0 {
			t.Errorf("at the end: %+v", c.Stats())
		}
		return nil
	})
}

func TestConditionWaitForReturnsOnceThePredicateHolds(t *testing.T) {
	// asyncio's test_wait_for.
	ktRun(t, func(ctx context.Context) error {
		var c aio.Condition
		ready, calls := false, 0
		w := syGo(t, ctx, "w", func(ctx context.Context) error {
			return c.Do(ctx, func(ctx context.Context) error {
				return c.WaitFor(ctx, func() bool {
					calls++
					if !c.Locked() {
						t.Error("the predicate runs without the lock")
					}
					return ready
				})
			})
		})
		sySteps(t, ctx, 1)
		if err := c.Do(ctx, func(ctx context.Context) error { return c.Notify(ctx, 1) }); err != nil {
			return err
		}
		sySteps(t, ctx, 2)
		if w.Done() || calls != 2 {
			t.Errorf("after a Notify with a false predicate: done=%v, calls=%d; want waiting again after 2 calls", w.Done(), calls)
		}
		if err := c.Do(ctx, func(ctx context.Context) error { ready = true; return c.Notify(ctx, 1) }); err != nil {
			return err
		}
		if err := syAwaitErr(ctx, w); err != nil {
			t.Errorf("WaitFor = %v", err)
		}
		return nil
	})
}

func TestConditionWaitCancelledRetakesTheLock(t *testing.T) {
	t.Run("cancelled while it waits for a notification", func(t *testing.T) {
		// asyncio's test_wait_cancel.
		ktRun(t, func(ctx context.Context) error {
			var c aio.Condition
			var woke []int
			tasks := syCondWaiters(t, ctx, &c, 1, &woke)
			tasks[0].Cancel(nil)
			if err := syAwaitErr(ctx, tasks[0]); !ktIsCancel(err) {
				t.Errorf("the cancelled waiter = %v, want its cancellation", err)
			}
			if st := c.Stats(); st.Waiters != 0 || st.Lock.Locked {
				t.Errorf("Stats = %+v, want nothing left", st)
			}
			return nil
		})
	})
	t.Run("cancelled while another task holds the lock", func(t *testing.T) {
		// asyncio's test_wait_cancel_contested: it waits for the lock,
		// under a shield, before it returns the cancellation.
		ktRun(t, func(ctx context.Context) error {
			var c aio.Condition
			var woke []int
			tasks := syCondWaiters(t, ctx, &c, 1, &woke)
			if err := c.Acquire(ctx); err != nil {
				return err
			}
			tasks[0].Cancel(nil)
			sySteps(t, ctx, 3)
			if tasks[0].Done() {
				t.Error("the cancelled waiter returned while main held the lock")
			}
			if st := c.Stats(); st.Waiters != 0 || st.Lock.Waiters != 1 {
				t.Errorf("Stats = %+v, want the waiter waiting for the lock", st)
			}
			if err := c.Release(ctx); err != nil {
				return err
			}
			if err := syAwaitErr(ctx, tasks[0]); !ktIsCancel(err) {
				t.Errorf("the cancelled waiter = %v, want its cancellation", err)
			}
			return nil
		})
	})
	t.Run("in a context cancelled already it keeps the lock", func(t *testing.T) {
		// trio's test_Condition: "After being cancelled still hold the
		// lock".
		ktRun(t, func(ctx context.Context) error {
			var c aio.Condition
			err := aio.CancelScope(ctx, func(ctx context.Context, s *aio.Scope) error {
				return c.Do(ctx, func(ctx context.Context) error {
					s.Cancel(nil)
					err := c.Wait(ctx)
					if c.Stats().Lock.Owner != aio.CurrentTask(ctx) {
						t.Error("Wait in a cancelled context let go of the lock")
					}
					return err
				})
			})
			if err != nil {
				t.Errorf("the scope = %v", err)
			}
			return nil
		})
	})
	t.Run("by a timeout", func(t *testing.T) {
		// asyncio's test_timeout_in_block.
		ktRun(t, func(ctx context.Context) error {
			var c aio.Condition
			err := c.Do(ctx, func(ctx context.Context) error {
				err := aio.Timeout(ctx, time.Second, func(ctx context.Context, _ *aio.Scope) error {
					return c.Wait(ctx)
				})
				if c.Stats().Lock.Owner != aio.CurrentTask(ctx) {
					t.Error("Wait under a timeout returned without the lock")
				}
				return err
			})
			if !errors.Is(err, aio.ErrTimeout) {
				t.Errorf("Do = %v, want ErrTimeout", err)
			}
			return nil
		})
	})
}

func TestConditionWaiterCancelledAfterItWasNotifiedPassesTheNotificationOn(t *testing.T) {
	// asyncio's test_wait_cancel_after_notify and test_cancelled_error_wakeup
	// (gh-112202): the notified waiter is cancelled before it can act on
	// the notification. It retakes the lock and returns the cancellation,
	// and the next waiter gets the notification, which would otherwise be
	// lost: nobody would wake it.
	for _, when := range []string{
		"in the step of the Notify",
		"while it waits for the lock",
		"in the step the lock is handed to it",
	} {
		t.Run(when, func(t *testing.T) {
			ktRun(t, func(ctx context.Context) error {
				var c aio.Condition
				var woke []int
				tasks := syCondWaiters(t, ctx, &c, 2, &woke)
				if err := c.Acquire(ctx); err != nil {
					return err
				}
				if err := c.Notify(ctx, 1); err != nil {
					return err
				}
				switch when {
				case "in the step of the Notify":
					tasks[0].Cancel(nil)
				case "while it waits for the lock":
					sySteps(t, ctx, 1)
					if st := c.Stats(); st.Lock.Waiters != 1 {
						t.Errorf("setup: %+v, want the notified waiter waiting for the lock", st)
					}
					tasks[0].Cancel(nil)
				case "in the step the lock is handed to it":
					sySteps(t, ctx, 1)
				}
				if err := c.Release(ctx); err != nil {
					return err
				}
				if when == "in the step the lock is handed to it" {
					tasks[0].Cancel(nil)
				}
				if err := syAwaitErr(ctx, tasks[0]); !ktIsCancel(err) {
					t.Errorf("the cancelled waiter = %v, want its cancellation", err)
				}
				if err := syAwaitErr(ctx, tasks[1]); err != nil {
					t.Errorf("the next waiter = %v", err)
				}
				if want := []int{1}; !slices.Equal(woke, want) {
					t.Errorf("woke %v, want %v: the notification passed on", woke, want)
				}
				if st := c.Stats(); st.Waiters != 0 || st.Lock.Locked {
					t.Errorf("Stats at the end = %+v", st)
				}
				return nil
			})
		})
	}
}

func TestConditionWaiterCancelledBeforeItWasNotifiedDoesNotTakeTheNotification(t *testing.T) {
	// The waiter was cancelled and left before the Notify: the Notify is
	// the next waiter's, and only one waiter wakes.
	ktRun(t, func(ctx context.Context) error {
		var c aio.Condition
		var woke []int
		tasks := syCondWaiters(t, ctx, &c, 3, &woke)
		tasks[0].Cancel(nil)
		if err := syAwaitErr(ctx, tasks[0]); !ktIsCancel(err) {
			t.Errorf("the cancelled waiter = %v", err)
		}
		if err := c.Do(ctx, func(ctx context.Context) error { return c.Notify(ctx, 1) }); err != nil {
			return err
		}
		if err := syAwaitErr(ctx, tasks[1]); err != nil {
			t.Errorf("waiter 1 = %v", err)
		}
		if st := c.Stats(); !slices.Equal(woke, []int{1}) || st.Waiters != 1 {
			t.Errorf("woke %v, Stats %+v; want only 1 woken and 2 still waiting", woke, st)
		}
		tasks[2].Cancel(nil)
		return nil
	})
}
