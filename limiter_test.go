package aio_test

// CapacityLimiter, after trio's _tests/test_sync.py (test_CapacityLimiter,
// test_CapacityLimiter_change_total_tokens,
// test_CapacityLimiter_memleak_548).

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/aio-go/aio"
)

// syBorrowers returns the limiter's borrowers, formatted and sorted.
func syBorrowers(c *aio.CapacityLimiter) []string {
	var bs []string
	for _, b := range c.Stats().Borrowers {
		bs = append(bs, fmt.Sprint(b))
	}
	slices.Sort(bs)
	return bs
}

func TestCapacityLimiterLendsOneTokenPerBorrower(t *testing.T) {
	// trio's test_CapacityLimiter.
	ktRun(t, func(ctx context.Context) error {
		c := aio.NewCapacityLimiter(2)
		if c.TotalTokens() != 2 || c.BorrowedTokens() != 0 || c.AvailableTokens() != 2 {
			t.Errorf("a new limiter: %+v", c.Stats())
		}
		if err := c.Release(ctx); !errors.Is(err, aio.ErrNotHeld) {
			t.Errorf("Release without a token = %v, want ErrNotHeld", err)
		}
		if err := c.TryAcquire(ctx); err != nil {
			return err
		}
		if st := c.Stats(); st.BorrowedTokens != 1 || len(st.Borrowers) != 1 || st.Borrowers[0] != aio.CurrentTask(ctx) {
			t.Errorf("Stats after TryAcquire = %+v, want main borrowing", st)
		}
		// A task cannot borrow twice: it would wait for itself.
		if err := c.TryAcquire(ctx); !errors.Is(err, aio.ErrAlreadyHeld) {
			t.Errorf("second TryAcquire = %v, want ErrAlreadyHeld", err)
		}
		if err := c.Acquire(ctx); !errors.Is(err, aio.ErrAlreadyHeld) {
			t.Errorf("second Acquire = %v, want ErrAlreadyHeld", err)
		}
		if c.BorrowedTokens() != 1 {
			t.Errorf("a refused acquire borrowed: %d", c.BorrowedTokens())
		}
		// It can borrow on behalf of someone else, though.
		if err := c.AcquireOnBehalfOf(ctx, "someone"); err != nil {
			return err
		}
		if err := c.TryAcquireOnBehalfOf(ctx, "third party"); err != aio.ErrWouldBlock {
			t.Errorf("TryAcquireOnBehalfOf with no token left = %v, want ErrWouldBlock", err)
		}
		if err := c.Release(ctx); err != nil {
			return err
		}
		if got := syBorrowers(c); !slices.Equal(got, []string{"someone"}) {
			t.Errorf("borrowers = %v, want [someone]", got)
		}
		if err := c.ReleaseOnBehalfOf("someone"); err != nil {
			return err
		}
		if err := c.ReleaseOnBehalfOf("someone"); !errors.Is(err, aio.ErrNotHeld) {
			t.Errorf("second ReleaseOnBehalfOf = %v, want ErrNotHeld", err)
		}
		if c.BorrowedTokens() != 0 {
			t.Errorf("borrowed at the end: %d", c.BorrowedTokens())
		}
		return nil
	})
}

func TestCapacityLimiterReleaseHandsTheTokenToTheFirstWaiter(t *testing.T) {
	// trio's test_CapacityLimiter, "Fairness".
	ktRun(t, func(ctx context.Context) error {
		c := aio.NewCapacityLimiter(2)
		for _, b := range []string{"value 1", "value 2"} {
			if err := c.AcquireOnBehalfOf(ctx, b); err != nil {
				return err
			}
		}
		w := syGo(t, ctx, "w", func(ctx context.Context) error { return c.AcquireOnBehalfOf(ctx, "value 3") })
		sySteps(t, ctx, 1)
		if st := c.Stats(); st.Waiters != 1 {
			t.Errorf("Stats with a waiter = %+v", st)
		}
		if err := c.AcquireOnBehalfOf(ctx, "value 3"); !errors.Is(err, aio.ErrAlreadyHeld) {
			t.Errorf("acquiring for a borrower a task waits for = %v, want ErrAlreadyHeld", err)
		}
		if err := c.ReleaseOnBehalfOf("value 2"); err != nil {
			return err
		}
		if st := c.Stats(); st.BorrowedTokens != 2 || st.Waiters != 0 {
			t.Errorf("Stats right after the Release = %+v, want the token handed over", st)
		}
		if got := syBorrowers(c); !slices.Equal(got, []string{"value 1", "value 3"}) {
			t.Errorf("borrowers = %v", got)
		}
		if err := c.TryAcquire(ctx); err != aio.ErrWouldBlock {
			t.Errorf("TryAcquire past the waiter = %v, want ErrWouldBlock", err)
		}
		return syAwaitErr(ctx, w)
	})
}

func TestCapacityLimiterTokensCanChangeWhileBorrowed(t *testing.T) {
	// trio's test_CapacityLimiter_change_total_tokens.
	ktRun(t, func(ctx context.Context) error {
		c := aio.NewCapacityLimiter(2)
		if err := c.SetTotalTokens(0); !errors.Is(err, aio.ErrTotalTokens) {
			t.Errorf("SetTotalTokens(0) = %v, want ErrTotalTokens", err)
		}
		if c.TotalTokens() != 2 {
			t.Errorf("a refused SetTotalTokens changed it to %d", c.TotalTokens())
		}
		var tasks []*aio.Task[struct{}]
		for i := range 5 {
			tasks = append(tasks, syGo(t, ctx, fmt.Sprint(i), func(ctx context.Context) error {
				return c.AcquireOnBehalfOf(ctx, i)
			}))
			sySteps(t, ctx, 1)
		}
		if got := syBorrowers(c); !slices.Equal(got, []string{"0", "1"}) || c.Stats().Waiters != 3 {
			t.Errorf("borrowers = %v, %+v", got, c.Stats())
		}
		if err := c.SetTotalTokens(c.TotalTokens() + 2); err != nil {
			return err
		}
		if got := syBorrowers(c); !slices.Equal(got, []string{"0", "1", "2", "3"}) || c.Stats().Waiters != 1 {
			t.Errorf("after growing: borrowers = %v, %+v", got, c.Stats())
		}
		if err := c.SetTotalTokens(c.TotalTokens() - 3); err != nil {
			return err
		}
		if c.BorrowedTokens() != 4 || c.TotalTokens() != 1 || c.AvailableTokens() != 0 {
			t.Errorf("after shrinking: %+v", c.Stats())
		}
		for _, b := range []int{0, 1, 2} {
			if err := c.ReleaseOnBehalfOf(b); err != nil {
				return err
			}
		}
		if got := syBorrowers(c); !slices.Equal(got, []string{"3"}) || c.Stats().Waiters != 1 {
			t.Errorf("borrowers = %v, %+v; want [3] and 4 waiting", got, c.Stats())
		}
		if err := c.ReleaseOnBehalfOf(3); err != nil {
			return err
		}
		if got := syBorrowers(c); !slices.Equal(got, []string{"4"}) || c.Stats().Waiters != 0 {
			t.Errorf("borrowers = %v, %+v; want [4]", got, c.Stats())
		}
		for _, task := range tasks {
			if err := syAwaitErr(ctx, task); err != nil {
				t.Errorf("waiter %s = %v", task.Name(), err)
			}
		}
		return nil
	})
}

func TestCapacityLimiterCancelledWaiterLeavesNothingBehind(t *testing.T) {
	// trio's test_CapacityLimiter_memleak_548: the borrower of a cancelled
	// wait is forgotten, so it can ask again.
	ktRun(t, func(ctx context.Context) error {
		c := aio.NewCapacityLimiter(1)
		if err := c.Acquire(ctx); err != nil {
			return err
		}
		w := syGo(t, ctx, "w", func(ctx context.Context) error { return c.AcquireOnBehalfOf(ctx, "job") })
		sySteps(t, ctx, 1)
		w.Cancel(nil)
		if err := syAwaitErr(ctx, w); !ktIsCancel(err) {
			t.Errorf("the cancelled waiter = %v", err)
		}
		if st := c.Stats(); st.Waiters != 0 || st.BorrowedTokens != 1 {
			t.Errorf("Stats = %+v", st)
		}
		if err := c.Release(ctx); err != nil {
			return err
		}
		if err := c.TryAcquireOnBehalfOf(ctx, "job"); err != nil {
			t.Errorf("the borrower of a cancelled wait asks again: %v", err)
		}
		return nil
	})
}

func TestCapacityLimiterWaiterCancelledInTheStepOfTheReleaseHandsItOn(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		c := aio.NewCapacityLimiter(1)
		if err := c.Acquire(ctx); err != nil {
			return err
		}
		b := syGo(t, ctx, "b", c.Acquire)
		sySteps(t, ctx, 1)
		d := syGo(t, ctx, "d", c.Acquire)
		sySteps(t, ctx, 1)
		if err := c.Release(ctx); err != nil {
			return err
		}
		b.Cancel(nil)
		if err := syAwaitErr(ctx, b); !ktIsCancel(err) {
			t.Errorf("b = %v, want its cancellation", err)
		}
		if err := syAwaitErr(ctx, d); err != nil {
			t.Errorf("d = %v", err)
		}
		if st := c.Stats(); st.BorrowedTokens != 1 || len(st.Borrowers) != 1 || st.Borrowers[0] != aio.AnyTask(d) {
			t.Errorf("Stats = %+v, want d holding the token", st)
		}
		return nil
	})
}

func TestZeroCapacityLimiterWaitsForItsFirstTokens(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var c aio.CapacityLimiter
		if err := c.TryAcquire(ctx); err != aio.ErrWouldBlock {
			t.Errorf("TryAcquire of a zero limiter = %v, want ErrWouldBlock", err)
		}
		w := syGo(t, ctx, "w", func(ctx context.Context) error {
			return c.Do(ctx, func(context.Context) error { return nil })
		})
		sySteps(t, ctx, 2)
		if w.Done() {
			t.Error("a zero limiter lent a token")
		}
		if err := c.SetTotalTokens(1); err != nil {
			return err
		}
		return syAwaitErr(ctx, w)
	})
}

func TestCapacityLimiterTokenIsGivenBackFromACallback(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		c := aio.NewCapacityLimiter(1)
		if err := c.AcquireOnBehalfOf(ctx, "job 1"); err != nil {
			return err
		}
		if _, err := aio.CallSoon(ctx, func() {
			if err := c.ReleaseOnBehalfOf("job 1"); err != nil {
				t.Errorf("ReleaseOnBehalfOf in a callback = %v", err)
			}
		}); err != nil {
			return err
		}
		return c.AcquireOnBehalfOf(ctx, "job 2")
	})
}

func TestNewCapacityLimiterWithoutTokensPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("NewCapacityLimiter(0) did not panic")
		}
	}()
	aio.NewCapacityLimiter(0)
}
