//aio:library

package aio

import (
	"context"
	"errors"
)

// CapacityLimiter limits how many tasks do something at once, trio's
// CapacityLimiter: a pool of tokens that tasks borrow and give back, like a
// Semaphore, with three differences. Each borrower holds at most one token
// (a task that asks again gets ErrAlreadyHeld, instead of deadlocking on
// itself), and only it can give it back; the number of tokens can change
// while tokens are out (SetTotalTokens); and it tells who holds them
// (Stats). What HTTP clients and job schedulers use for their limits.
//
// A task borrows for itself (Acquire, Release) or on behalf of another
// borrower, any comparable value (AcquireOnBehalfOf, ReleaseOnBehalfOf):
// a job's ID, say, whose token is given back by whoever finishes the job.
// Tokens are handed over as a Lock is: a Release while tasks wait gives the
// token to the one that has waited longest.
//
// NewCapacityLimiter sets the number of tokens; the zero CapacityLimiter
// has none until SetTotalTokens gives it some. SetTotalTokens and
// ReleaseOnBehalfOf take no context: from a goroutine that is not the
// loop's thread they panic, and change nothing, once a task has waited on
// the limiter; before, such a call is a data race.
type CapacityLimiter struct {
	total     int
	borrowed  int
	borrowers map[any]bool    // true: holds a token; false: a task waits for one for it
	waiting   map[AnyTask]any // each waiting task's borrower
	lot       ParkingLot
	loop      loopBinding
}

// CapacityLimiterStats is what a CapacityLimiter holds, trio's
// CapacityLimiterStatistics.
type CapacityLimiterStats struct {
	BorrowedTokens int
	TotalTokens    int
	Borrowers      []any // those holding a token, in no particular order
	Waiters        int   // tasks waiting for a token
}

// ErrTotalTokens is the error of SetTotalTokens with fewer than one token.
var ErrTotalTokens = errors.New("aio: a CapacityLimiter needs at least one token")

// NewCapacityLimiter returns a limiter with total tokens. It panics if
// total < 1.
func NewCapacityLimiter(total int) *CapacityLimiter {
	if total < 1 {
		panic(ErrTotalTokens.Error())
	}
	return &CapacityLimiter{total: total}
}

// Acquire borrows a token for the calling task, waiting in the order the
// tasks came until one is free, trio's `await limiter.acquire()`. A free
// token is taken at once, without a switch (and without looking at ctx's
// cancellation). It returns ErrAlreadyHeld if the task holds a token
// already, ErrWrongLoop if the limiter belongs to another loop, and the
// errors of a ctx that is not the running task's (ErrNoTask, ErrWrongTask,
// ErrLoopClosed).
//
// Cancellation: if ctx is cancelled while the task waits, Acquire returns a
// *CancelledError and no token is borrowed: the task leaves the queue and
// the other waiters keep their order. If a token was handed to it in the
// same step, it gives the token on before it returns the cancellation:
// Acquire returns nil exactly when a token is borrowed.
func (c *CapacityLimiter) Acquire(ctx context.Context) error {
	if err := c.loop.check(ctx); err != nil {
		return err
	}
	return c.acquire(ctx, CurrentTask(ctx))
}

// AcquireOnBehalfOf borrows a token for borrower, as Acquire does for the
// calling task: the calling task waits for it, and returns ErrAlreadyHeld
// if borrower holds or waits for a token already. borrower is a map key:
// one that is not comparable (a slice, a map, a func) panics, as it would
// in a map.
//
// Cancellation: as Acquire's.
func (c *CapacityLimiter) AcquireOnBehalfOf(ctx context.Context, borrower any) error {
	if err := c.loop.check(ctx); err != nil {
		return err
	}
	return c.acquire(ctx, borrower)
}

// TryAcquire borrows a token for the calling task if one is free and no
// task waits for one (those come first), and returns ErrWouldBlock
// otherwise; see Acquire for the other errors.
func (c *CapacityLimiter) TryAcquire(ctx context.Context) error {
	if err := c.loop.check(ctx); err != nil {
		return err
	}
	return c.tryAcquire(CurrentTask(ctx))
}

// TryAcquireOnBehalfOf borrows a token for borrower if one is free; see
// TryAcquire and AcquireOnBehalfOf.
func (c *CapacityLimiter) TryAcquireOnBehalfOf(ctx context.Context, borrower any) error {
	if err := c.loop.check(ctx); err != nil {
		return err
	}
	return c.tryAcquire(borrower)
}

// Release gives back the calling task's token, to the task that has waited
// longest if any waits. It returns ErrNotHeld, changing nothing, if the
// task holds no token; see Acquire for the other errors. It never
// switches.
func (c *CapacityLimiter) Release(ctx context.Context) error {
	if err := c.loop.check(ctx); err != nil {
		return err
	}
	return c.release(CurrentTask(ctx))
}

// ReleaseOnBehalfOf gives back borrower's token, as Release does; it
// returns ErrNotHeld if borrower holds none. It may be called from any
// task or callback of the limiter's loop.
func (c *CapacityLimiter) ReleaseOnBehalfOf(borrower any) error {
	checkThread(&c.lot)
	return c.release(borrower)
}

// Do holds a token for the calling task for the span of fn, trio's
// `async with limiter`: it acquires, calls fn with ctx, and releases when
// fn returns, fails or panics (the panic then goes on). It returns
// Acquire's error without calling fn, else fn's error, else Release's.
//
// Cancellation: as Acquire's.
func (c *CapacityLimiter) Do(ctx context.Context, fn func(ctx context.Context) error) (err error) {
	if err := c.Acquire(ctx); err != nil {
		return err
	}
	defer func() {
		if rerr := c.Release(ctx); err == nil {
			err = rerr
		}
	}()
	return fn(ctx)
}

// SetTotalTokens changes the number of tokens, trio's total_tokens setter:
// if it grows, waiting tasks get the new tokens at once, in the order they
// came; if it shrinks below the tokens borrowed, nobody loses one, and new
// borrowers wait until enough are given back. It returns ErrTotalTokens,
// changing nothing, if n < 1.
func (c *CapacityLimiter) SetTotalTokens(n int) error {
	checkThread(&c.lot)
	if n < 1 {
		return ErrTotalTokens
	}
	c.total = n
	c.handOut()
	return nil
}

// TotalTokens returns the number of tokens.
func (c *CapacityLimiter) TotalTokens() int { return c.total }

// BorrowedTokens returns the number of tokens borrowed.
func (c *CapacityLimiter) BorrowedTokens() int { return c.borrowed }

// AvailableTokens returns the number of tokens free: TotalTokens minus
// BorrowedTokens, or 0 while more are borrowed than there are.
func (c *CapacityLimiter) AvailableTokens() int { return max(c.total-c.borrowed, 0) }

// Stats returns what the limiter holds.
func (c *CapacityLimiter) Stats() CapacityLimiterStats {
	s := CapacityLimiterStats{BorrowedTokens: c.borrowed, TotalTokens: c.total, Waiters: c.lot.Len()}
	for b, holds := range c.borrowers {
		if holds {
			s.Borrowers = append(s.Borrowers, b)
		}
	}
	return s
}

func (c *CapacityLimiter) acquire(ctx context.Context, b any) error {
	if err := c.tryAcquire(b); err != ErrWouldBlock {
		return err
	}
	me := CurrentTask(ctx)
	if c.waiting == nil {
		c.waiting = make(map[AnyTask]any)
	}
	if c.borrowers == nil {
		c.borrowers = make(map[any]bool)
	}
	c.borrowers[b] = false
	c.waiting[me] = b
	if err := c.lot.Park(ctx); err != nil {
		// Not handed a token: handOut does it and wakes at once.
		delete(c.waiting, me)
		delete(c.borrowers, b)
		return err
	}
	if ctx.Err() != nil {
		c.release(b) // handed a token in the step it was cancelled: pass it on
		return cancelErr(ctx)
	}
	return nil
}

func (c *CapacityLimiter) tryAcquire(b any) error {
	if _, ok := c.borrowers[b]; ok {
		return ErrAlreadyHeld
	}
	if c.borrowed >= c.total || c.lot.Len() > 0 {
		return ErrWouldBlock
	}
	if c.borrowers == nil {
		c.borrowers = make(map[any]bool)
	}
	c.borrowers[b] = true
	c.borrowed++
	return nil
}

func (c *CapacityLimiter) release(b any) error {
	if !c.borrowers[b] {
		return ErrNotHeld
	}
	delete(c.borrowers, b)
	c.borrowed--
	c.handOut()
	return nil
}

// handOut gives the free tokens to the tasks that have waited longest,
// before it wakes them: each holds its token from now on, even if it was
// cancelled in this step.
func (c *CapacityLimiter) handOut() {
	for c.borrowed < c.total {
		t := c.lot.First()
		if t == nil {
			return
		}
		b := c.waiting[t]
		delete(c.waiting, t)
		c.borrowers[b] = true
		c.borrowed++
		c.lot.Unpark(1)
	}
}
