package aio_test

// Lock, after CPython's Lib/test/test_asyncio/test_locks.py (LockTests:
// test_acquire, test_acquire_cancel, test_cancel_race,
// test_cancel_release_race, test_release_not_acquired,
// test_release_no_waiters, test_context_manager) and trio's
// test_sync.py (test_Lock_and_StrictFIFOLock: re-acquire and foreign
// release are errors, statistics name the owner).

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

func TestLockAcquireOfAFreeLockTakesItWithoutASwitch(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var mu aio.Lock // the zero Lock works
		steps, counter := ktStepCounter(t, ctx)
		defer counter.Cancel(nil)
		sySteps(t, ctx, 1)
		before := *steps
		if err := mu.Acquire(ctx); err != nil {
			return err
		}
		if *steps != before {
			t.Errorf("Acquire of a free lock switched: the counter moved by %d", *steps-before)
		}
		if st := mu.Stats(); !st.Locked || st.Owner != aio.CurrentTask(ctx) || st.Waiters != 0 || !mu.Locked() {
			t.Errorf("Stats after Acquire = %+v, want locked by main", st)
		}
		if err := mu.Release(ctx); err != nil {
			return err
		}
		if st := mu.Stats(); st.Locked || st.Owner != nil || mu.Locked() {
			t.Errorf("Stats after Release = %+v, want unlocked", st)
		}
		return nil
	})
}

func TestLockReleaseHandsItToTheFirstWaiterBeforeItRuns(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var mu aio.Lock
		if err := mu.Acquire(ctx); err != nil {
			return err
		}
		got := false
		waiter := syGo(t, ctx, "waiter", func(ctx context.Context) error {
			if err := mu.Acquire(ctx); err != nil {
				return err
			}
			got = true
			return mu.Release(ctx)
		})
		sySteps(t, ctx, 1)
		if st := mu.Stats(); st.Waiters != 1 {
			t.Errorf("Stats with a waiter = %+v", st)
		}
		if err := mu.Release(ctx); err != nil {
			return err
		}
		// The waiter owns the lock now, though it has not run yet.
		if st := mu.Stats(); !st.Locked || st.Owner != aio.AnyTask(waiter) || st.Waiters != 0 {
			t.Errorf("Stats right after Release = %+v, want locked by the waiter", st)
		}
		if err := mu.TryAcquire(ctx); err != aio.ErrWouldBlock {
			t.Errorf("TryAcquire of a lock handed to a waiter = %v, want ErrWouldBlock", err)
		}
		if err := mu.Release(ctx); err != aio.ErrNotHeld {
			t.Errorf("Release by the former owner = %v, want ErrNotHeld", err)
		}
		if err := syAwaitErr(ctx, waiter); err != nil || !got {
			t.Errorf("waiter = %v, got the lock: %v", err, got)
		}
		if mu.Locked() {
			t.Error("the lock is still held after every task released it")
		}
		return nil
	})
}

// syLockRace sets up main holding mu, and b and c waiting in that order;
// each records in got when its Acquire succeeds, and releases.
func syLockRace(t *testing.T, ctx context.Context, mu *aio.Lock, got *[]string) (b, c *aio.Task[struct{}]) {
	t.Helper()
	if err := mu.Acquire(ctx); err != nil {
		t.Fatal(err)
	}
	lockit := func(name string) *aio.Task[struct{}] {
		return syGo(t, ctx, name, func(ctx context.Context) error {
			if err := mu.Acquire(ctx); err != nil {
				if mu.Stats().Owner == aio.CurrentTask(ctx) {
					t.Errorf("%s's Acquire failed with %v, but it owns the lock", name, err)
				}
				return err
			}
			*got = append(*got, name)
			if len(*got) > 1 && mu.Stats().Owner != aio.CurrentTask(ctx) {
				t.Errorf("%s got the lock, but the owner is %v", name, mu.Stats().Owner)
			}
			return mu.Release(ctx)
		})
	}
	b = lockit("b")
	sySteps(t, ctx, 1)
	c = lockit("c")
	sySteps(t, ctx, 1)
	if st := mu.Stats(); st.Waiters != 2 {
		t.Fatalf("setup: %+v, want 2 waiters", st)
	}
	return b, c
}

func TestLockWaiterCancelledInTheStepOfTheReleaseHandsItOn(t *testing.T) {
	// asyncio's test_cancel_race and test_cancel_release_race: the waiter
	// the lock goes to is cancelled in the same step. A lock that wakes
	// the waiter without handing it over loses the wake (c waits for
	// ever); one that lets the wake win over the cancellation lets b in
	// with a cancelled context.
	for _, order := range []string{"cancel, then release", "release, then cancel"} {
		t.Run(order, func(t *testing.T) {
			ktRun(t, func(ctx context.Context) error {
				var mu aio.Lock
				var got []string
				b, c := syLockRace(t, ctx, &mu, &got)
				if order == "cancel, then release" {
					b.Cancel(nil)
				}
				if err := mu.Release(ctx); err != nil {
					return err
				}
				if order == "release, then cancel" {
					b.Cancel(nil)
				}
				if err := syAwaitErr(ctx, b); !ktIsCancel(err) {
					t.Errorf("b = %v, want its cancellation", err)
				}
				if err := syAwaitErr(ctx, c); err != nil {
					t.Errorf("c = %v", err)
				}
				if len(got) != 1 || got[0] != "c" {
					t.Errorf("the lock went to %v, want [c]", got)
				}
				if st := mu.Stats(); st.Locked || st.Waiters != 0 {
					t.Errorf("Stats at the end = %+v, want unlocked", st)
				}
				return nil
			})
		})
	}
}

func TestLockWaiterCancelledBeforeTheReleaseLeavesTheQueue(t *testing.T) {
	// asyncio's test_acquire_cancel.
	ktRun(t, func(ctx context.Context) error {
		var mu aio.Lock
		var got []string
		b, c := syLockRace(t, ctx, &mu, &got)
		b.Cancel(nil)
		if err := syAwaitErr(ctx, b); !ktIsCancel(err) {
			t.Errorf("b = %v, want its cancellation", err)
		}
		if st := mu.Stats(); st.Waiters != 1 || st.Owner != aio.CurrentTask(ctx) {
			t.Errorf("Stats after b left = %+v, want main holding and c waiting", st)
		}
		if err := mu.Release(ctx); err != nil {
			return err
		}
		if st := mu.Stats(); st.Owner != aio.AnyTask(c) {
			t.Errorf("Release went to %v, want c", st.Owner)
		}
		if err := syAwaitErr(ctx, c); err != nil {
			t.Errorf("c = %v", err)
		}
		if len(got) != 1 || got[0] != "c" {
			t.Errorf("the lock went to %v, want [c]", got)
		}
		return nil
	})
}

func TestLockAllWaitersCancelledLeaveItUnlocked(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var mu aio.Lock
		var got []string
		b, c := syLockRace(t, ctx, &mu, &got)
		b.Cancel(nil)
		c.Cancel(nil)
		if err := mu.Release(ctx); err != nil {
			return err
		}
		for _, task := range []*aio.Task[struct{}]{b, c} {
			if err := syAwaitErr(ctx, task); !ktIsCancel(err) {
				t.Errorf("%s = %v, want its cancellation", task.Name(), err)
			}
		}
		if st := mu.Stats(); st.Locked || st.Waiters != 0 || len(got) != 0 {
			t.Errorf("Stats = %+v, got %v; want unlocked, and nobody got it", st, got)
		}
		return mu.TryAcquire(ctx)
	})
}

func TestLockReleaseOfALockTheCallerDoesNotHoldIsErrNotHeld(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var mu aio.Lock
		if err := mu.Release(ctx); !errors.Is(err, aio.ErrNotHeld) {
			t.Errorf("Release of an unlocked lock = %v, want ErrNotHeld", err)
		}
		holder := syGo(t, ctx, "holder", func(ctx context.Context) error {
			if err := mu.Acquire(ctx); err != nil {
				return err
			}
			return aio.Sleep(ctx, time.Second)
		})
		sySteps(t, ctx, 1)
		if err := mu.Release(ctx); !errors.Is(err, aio.ErrNotHeld) {
			t.Errorf("Release of a lock another task holds = %v, want ErrNotHeld", err)
		}
		if st := mu.Stats(); st.Owner != aio.AnyTask(holder) {
			t.Errorf("a refused Release changed the owner to %v", st.Owner)
		}
		return syAwaitErr(ctx, holder)
	})
}

func TestLockAcquireByItsOwnerIsErrAlreadyHeld(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var mu aio.Lock
		if err := mu.Acquire(ctx); err != nil {
			return err
		}
		if err := mu.Acquire(ctx); !errors.Is(err, aio.ErrAlreadyHeld) {
			t.Errorf("second Acquire = %v, want ErrAlreadyHeld", err)
		}
		if err := mu.TryAcquire(ctx); !errors.Is(err, aio.ErrAlreadyHeld) {
			t.Errorf("TryAcquire by the owner = %v, want ErrAlreadyHeld", err)
		}
		// Another context of the same task is the same owner.
		if err := mu.Acquire(aio.Shield(ctx)); !errors.Is(err, aio.ErrAlreadyHeld) {
			t.Errorf("Acquire with a Shield of the owner's ctx = %v, want ErrAlreadyHeld", err)
		}
		return mu.Release(ctx)
	})
}

func TestLockIsReleasedByItsOwnerWithAnyOfItsContexts(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var mu aio.Lock
		if err := mu.Acquire(ctx); err != nil {
			return err
		}
		if err := mu.Release(aio.Shield(ctx)); err != nil {
			t.Errorf("Release with a Shield of the acquiring ctx = %v", err)
		}
		err := aio.Timeout(ctx, time.Second, func(sctx context.Context, _ *aio.Scope) error {
			if err := mu.Acquire(sctx); err != nil {
				return err
			}
			return nil
		})
		if err != nil {
			return err
		}
		if err := mu.Release(ctx); err != nil {
			t.Errorf("Release with the task's ctx of a lock acquired in a scope = %v", err)
		}
		return nil
	})
}

func TestLockDoReleasesOnReturnErrorAndPanic(t *testing.T) {
	boom := errors.New("boom")
	for _, tc := range []struct {
		name string
		fn   func(context.Context) error
		want error
	}{
		{"fn returns nil", func(context.Context) error { return nil }, nil},
		{"fn fails", func(context.Context) error { return boom }, boom},
		{"fn panics", func(context.Context) error { panic(boom) }, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ktRun(t, func(ctx context.Context) error {
				var mu aio.Lock
				waiter := syGo(t, ctx, "waiter", func(ctx context.Context) error {
					sySteps(t, ctx, 1) // main is inside Do
					return mu.Do(ctx, func(context.Context) error { return nil })
				})
				var err error
				panicked := func() (r any) {
					defer func() { r = recover() }()
					err = mu.Do(ctx, func(ctx context.Context) error {
						if !mu.Locked() {
							t.Error("fn runs without the lock")
						}
						sySteps(t, ctx, 2) // the waiter queues up
						return tc.fn(ctx)
					})
					return nil
				}()
				if tc.name == "fn panics" {
					if panicked != boom {
						t.Errorf("Do's panic = %v, want fn's", panicked)
					}
				} else if err != tc.want {
					t.Errorf("Do = %v, want %v", err, tc.want)
				}
				if st := mu.Stats(); st.Owner != aio.AnyTask(waiter) {
					t.Errorf("after Do the lock is %+v, want it handed to the waiter", st)
				}
				return syAwaitErr(ctx, waiter)
			})
		})
	}
	t.Run("fn releases the lock itself", func(t *testing.T) {
		ktRun(t, func(ctx context.Context) error {
			var mu aio.Lock
			err := mu.Do(ctx, func(ctx context.Context) error { return mu.Release(ctx) })
			if !errors.Is(err, aio.ErrNotHeld) {
				t.Errorf("Do = %v, want Release's ErrNotHeld", err)
			}
			return nil
		})
	})
}

func TestLockAcquireOfAHeldLockInACancelledContextFailsAtOnce(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var mu aio.Lock
		holder := syGo(t, ctx, "holder", func(ctx context.Context) error {
			return mu.Do(ctx, func(ctx context.Context) error { return aio.Sleep(ctx, time.Second) })
		})
		sySteps(t, ctx, 1)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := mu.Acquire(cctx); !ktIsCancel(err) {
			t.Errorf("Acquire in a cancelled ctx = %v, want a cancellation", err)
		}
		if st := mu.Stats(); st.Waiters != 0 || st.Owner != aio.AnyTask(holder) {
			t.Errorf("Stats = %+v, want the holder's and no waiter", st)
		}
		return syAwaitErr(ctx, holder)
	})
}

func TestLockWaiterTimesOutWithoutTheLock(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var mu aio.Lock
		holder := syGo(t, ctx, "holder", func(ctx context.Context) error {
			return mu.Do(ctx, func(ctx context.Context) error { return aio.Sleep(ctx, 2*time.Second) })
		})
		sySteps(t, ctx, 1)
		err := aio.Timeout(ctx, time.Second, func(ctx context.Context, _ *aio.Scope) error {
			return mu.Acquire(ctx)
		})
		if !errors.Is(err, aio.ErrTimeout) {
			t.Errorf("Acquire under a 1s timeout = %v, want ErrTimeout", err)
		}
		if st := mu.Stats(); st.Owner != aio.AnyTask(holder) || st.Waiters != 0 {
			t.Errorf("Stats = %+v, want the holder's and no waiter", st)
		}
		return syAwaitErr(ctx, holder)
	})
}
