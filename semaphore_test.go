package aio_test

// Semaphore and BoundedSemaphore, after CPython's
// Lib/test/test_asyncio/test_locks.py (SemaphoreTests: test_acquire,
// test_acquire_cancel, test_acquire_cancel_before_awoken,
// test_acquire_hang, test_acquire_no_hang, test_release_not_acquired,
// test_release_no_waiters, test_acquire_fifo_order_2) and trio's
// test_sync.py (test_Semaphore, test_Semaphore_bounded).

import (
	"context"
	"errors"
	"testing"

	"github.com/aio-go/aio"
)

// sySemAcquirers starts n tasks that acquire a permit of sem, in order,
// and keep it.
func sySemAcquirers(t *testing.T, ctx context.Context, sem *aio.Semaphore, n int) []*aio.Task[struct{}] {
	t.Helper()
	var tasks []*aio.Task[struct{}]
	for i := range n {
		tasks = append(tasks, syGo(t, ctx, string(rune('1'+i)), sem.Acquire))
	}
	sySteps(t, ctx, 1)
	return tasks
}

func TestSemaphoreCountsPermits(t *testing.T) {
	// trio's test_Semaphore.
	ktRun(t, func(ctx context.Context) error {
		s := aio.NewSemaphore(1)
		s.Release()
		if s.Value() != 2 || s.Locked() {
			t.Errorf("Value after a Release = %d", s.Value())
		}
		if err := s.TryAcquire(ctx); err != nil {
			t.Errorf("TryAcquire = %v", err)
		}
		if err := s.Acquire(ctx); err != nil {
			t.Errorf("Acquire = %v", err)
		}
		if st := s.Stats(); st.Value != 0 || st.Waiters != 0 || !s.Locked() {
			t.Errorf("Stats = %+v, want no permit left", st)
		}
		if err := s.TryAcquire(ctx); err != aio.ErrWouldBlock {
			t.Errorf("TryAcquire with no permit = %v, want ErrWouldBlock", err)
		}
		var zero aio.Semaphore // the zero Semaphore has no permit
		if err := zero.TryAcquire(ctx); err != aio.ErrWouldBlock {
			t.Errorf("TryAcquire of a zero Semaphore = %v, want ErrWouldBlock", err)
		}
		zero.Release()
		if err := zero.TryAcquire(ctx); err != nil {
			t.Errorf("TryAcquire after a Release of a zero Semaphore = %v", err)
		}
		return nil
	})
}

func TestSemaphoreReleaseHandsThePermitToTheFirstWaiter(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		s := aio.NewSemaphore(0)
		tasks := sySemAcquirers(t, ctx, s, 2)
		s.Release()
		// Fairness: the permit is the first waiter's, not the count's.
		if st := s.Stats(); st.Value != 0 || st.Waiters != 1 {
			t.Errorf("Stats right after Release = %+v, want 0 free and 1 waiting", st)
		}
		if err := s.TryAcquire(ctx); err != aio.ErrWouldBlock {
			t.Errorf("TryAcquire past the waiter = %v, want ErrWouldBlock", err)
		}
		if err := syAwaitErr(ctx, tasks[0]); err != nil {
			t.Errorf("first waiter = %v", err)
		}
		if tasks[1].Done() {
			t.Error("the second waiter got a permit that was not released")
		}
		s.Release()
		return syAwaitErr(ctx, tasks[1])
	})
}

func TestSemaphoreCancelledWaitersDoNotUseUpARelease(t *testing.T) {
	// asyncio's test_acquire_cancel_before_awoken: 1 and 2 are cancelled
	// in the step of the Release, before they could run. The permit must
	// reach 3, and 4 must still wait.
	ktRun(t, func(ctx context.Context) error {
		s := aio.NewSemaphore(0)
		tasks := sySemAcquirers(t, ctx, s, 4)
		tasks[0].Cancel(nil)
		tasks[1].Cancel(nil)
		s.Release()
		sySteps(t, ctx, 3)
		for _, task := range tasks[:2] {
			if err := syAwaitErr(ctx, task); !ktIsCancel(err) {
				t.Errorf("cancelled waiter %s = %v, want its cancellation", task.Name(), err)
			}
		}
		if !tasks[2].Done() || tasks[3].Done() {
			t.Errorf("after the Release: 3 done=%v, 4 done=%v; want only 3", tasks[2].Done(), tasks[3].Done())
		}
		if st := s.Stats(); st.Value != 0 || st.Waiters != 1 {
			t.Errorf("Stats = %+v, want 0 free and task 4 waiting", st)
		}
		s.Release()
		return syAwaitErr(ctx, tasks[3])
	})
}

func TestSemaphoreNoSequenceOfCancelsAndReleasesHangs(t *testing.T) {
	t.Run("a waiter cancelled in the step of the release", func(t *testing.T) {
		// asyncio's test_acquire_hang.
		ktRun(t, func(ctx context.Context) error {
			s := aio.NewSemaphore(0)
			tasks := sySemAcquirers(t, ctx, s, 2)
			tasks[0].Cancel(nil)
			s.Release()
			if err := syAwaitErr(ctx, tasks[1]); err != nil {
				t.Errorf("the second waiter = %v", err)
			}
			if !s.Locked() {
				t.Errorf("the permit went to the count: Value=%d", s.Value())
			}
			return nil
		})
	})
	t.Run("the waiter a release was handed to cancelled by the releaser", func(t *testing.T) {
		// asyncio's test_acquire_no_hang: c1 releases its permit to c2,
		// then cancels c2 before c2 ran. c2 must not enter, and the
		// permit must come back.
		ktRun(t, func(ctx context.Context) error {
			s := aio.NewSemaphore(1)
			var c2 *aio.Task[struct{}]
			c1 := syGo(t, ctx, "c1", func(ctx context.Context) error {
				if err := s.Do(ctx, func(ctx context.Context) error { return aio.Sleep(ctx, 0) }); err != nil {
					return err
				}
				c2.Cancel(nil)
				return nil
			})
			c2 = syGo(t, ctx, "c2", func(ctx context.Context) error {
				return s.Do(ctx, func(context.Context) error {
					t.Error("c2 entered with a cancelled context")
					return nil
				})
			})
			if err := syAwaitErr(ctx, c1); err != nil {
				t.Errorf("c1 = %v", err)
			}
			if err := syAwaitErr(ctx, c2); !ktIsCancel(err) {
				t.Errorf("c2 = %v, want its cancellation", err)
			}
			if err := s.TryAcquire(ctx); err != nil {
				t.Errorf("the permit did not come back: TryAcquire = %v", err)
			}
			return nil
		})
	})
}

func TestSemaphoreWaiterCancelledBeforeTheReleaseLeavesTheQueue(t *testing.T) {
	// asyncio's test_acquire_cancel.
	ktRun(t, func(ctx context.Context) error {
		s := aio.NewSemaphore(0)
		tasks := sySemAcquirers(t, ctx, s, 1)
		tasks[0].Cancel(nil)
		if err := syAwaitErr(ctx, tasks[0]); !ktIsCancel(err) {
			t.Errorf("cancelled waiter = %v", err)
		}
		if st := s.Stats(); st.Waiters != 0 || st.Value != 0 {
			t.Errorf("Stats = %+v, want nothing", st)
		}
		s.Release()
		if s.Value() != 1 {
			t.Errorf("Value after a Release with no waiter = %d, want 1", s.Value())
		}
		return nil
	})
}

func TestBoundedSemaphoreReleaseAboveItsBoundIsAnError(t *testing.T) {
	// asyncio's test_release_not_acquired, trio's test_Semaphore_bounded.
	ktRun(t, func(ctx context.Context) error {
		bs := aio.NewBoundedSemaphore(1)
		if err := bs.Release(); !errors.Is(err, aio.ErrTooManyReleases) {
			t.Errorf("Release of a full BoundedSemaphore = %v, want ErrTooManyReleases", err)
		}
		if st := bs.Stats(); st.Value != 1 || st.Bound != 1 {
			t.Errorf("a refused Release changed it: %+v", st)
		}
		if err := bs.Acquire(ctx); err != nil {
			return err
		}
		waiter := syGo(t, ctx, "waiter", bs.Acquire)
		sySteps(t, ctx, 1)
		if err := bs.Release(); err != nil { // to the waiter
			t.Errorf("Release with a waiter = %v", err)
		}
		if err := bs.Release(); err != nil { // the waiter's, to the count
			t.Errorf("Release of the waiter's permit = %v", err)
		}
		if err := bs.Release(); !errors.Is(err, aio.ErrTooManyReleases) {
			t.Errorf("a third Release = %v, want ErrTooManyReleases", err)
		}
		if err := syAwaitErr(ctx, waiter); err != nil {
			t.Errorf("waiter = %v", err)
		}
		var zero aio.BoundedSemaphore
		if err := zero.Release(); !errors.Is(err, aio.ErrTooManyReleases) {
			t.Errorf("Release of a zero BoundedSemaphore = %v, want ErrTooManyReleases", err)
		}
		return nil
	})
}

func TestBoundedSemaphoreDoReportsAnExtraReleaseInside(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		bs := aio.NewBoundedSemaphore(2)
		err := bs.Do(ctx, func(context.Context) error { return bs.Release() })
		if !errors.Is(err, aio.ErrTooManyReleases) {
			t.Errorf("Do whose fn released = %v, want ErrTooManyReleases", err)
		}
		if bs.Value() != 2 {
			t.Errorf("Value = %d, want 2", bs.Value())
		}
		return nil
	})
}

func TestNewSemaphoreWithANegativeNumberPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"NewSemaphore":        func() { aio.NewSemaphore(-1) },
		"NewBoundedSemaphore": func() { aio.NewBoundedSemaphore(-1) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s(-1) did not panic", name)
				}
			}()
			f()
		}()
	}
}
