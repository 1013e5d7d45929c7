//aio:library

package aio

import "context"

// Condition is a condition variable for tasks, asyncio.Condition and
// trio.Condition: tasks holding its lock wait until another task, holding
// the lock too, notifies them. NewCondition builds one on a Lock of yours;
// the zero Condition uses a lock of its own. It must not be copied once
// used.
//
// The condition's Acquire, TryAcquire, Release, Do and Locked are its
// lock's. Wait, WaitFor, Notify and NotifyAll need the lock held by the
// calling task (ErrNotHeld otherwise), so that a notification cannot
// slip between a waiter's check of the state and its wait.
//
// A notification is never lost to a cancelled waiter: a waiter cancelled
// after it was notified (before it could take the lock back) passes the
// notification on to the next waiter, as asyncio does since 3.13, and a
// spurious wake-up is what a condition's waiters must expect anyway (they
// re-check the state; WaitFor does it for them).
//
// Notify wakes waiters, which then take the lock back as any task does
// (behind the tasks waiting for the lock already), rather than moving them
// to the lock's ParkingLot with Repark (trio's way): a waiter that was
// moved and is then cancelled cannot tell that it had been notified, so it
// could not pass the notification on.
type Condition struct {
	l   *Lock // nil: own
	own Lock
	lot ParkingLot
}

// ConditionStats is what a Condition holds.
type ConditionStats struct {
	Waiters int       // tasks waiting in Wait for a notification
	Lock    LockStats // its lock's, whose waiters include notified tasks taking it back
}

// NewCondition returns a condition on lock, or on a lock of its own if
// lock is nil.
func NewCondition(lock *Lock) *Condition { return &Condition{l: lock} }

func (c *Condition) lock() *Lock {
	if c.l != nil {
		return c.l
	}
	return &c.own
}

// Acquire acquires the condition's lock; see Lock.Acquire.
func (c *Condition) Acquire(ctx context.Context) error { return c.lock().Acquire(ctx) }

// TryAcquire takes the condition's lock if it is free; see Lock.TryAcquire.
func (c *Condition) TryAcquire(ctx context.Context) error { return c.lock().TryAcquire(ctx) }

// Release releases the condition's lock; see Lock.Release.
func (c *Condition) Release(ctx context.Context) error { return c.lock().Release(ctx) }

// Do holds the condition's lock for the span of fn; see Lock.Do.
func (c *Condition) Do(ctx context.Context, fn func(ctx context.Context) error) error {
	return c.lock().Do(ctx, fn)
}

// Locked reports whether a task holds the condition's lock.
func (c *Condition) Locked() bool { return c.lock().Locked() }

// Wait releases the lock, waits until a Notify or NotifyAll wakes the
// task, and takes the lock back before it returns, asyncio's
// `await cond.wait()`. It returns ErrNotHeld, without waiting, if the
// caller does not hold the lock; see Lock.Acquire for the other errors. A
// waiter may be woken without the state it waits for having changed
// (another task got there first, or a cancelled waiter passed its
// notification on): check the state again, or use WaitFor.
//
// Cancellation: whenever ctx is cancelled, Wait returns a *CancelledError
// with the lock held again by the caller, asyncio's rule: it takes the
// lock back under a shield, waiting for it if another task holds it. In a
// ctx cancelled already it returns at once, without releasing the lock. A
// waiter cancelled after it was notified passes the notification on to
// the next waiter before it returns.
func (c *Condition) Wait(ctx context.Context) error {
	l := c.lock()
	me, err := l.caller(ctx)
	if err != nil {
		return err
	}
	if !l.holds(me) {
		return ErrNotHeld
	}
	if ctx.Err() != nil {
		return cancelErr(ctx)
	}
	l.handOff()
	err = c.lot.Park(ctx)
	notified := err == nil
	if notified && ctx.Err() != nil {
		err = cancelErr(ctx) // notified, but cancelled before it could act on it
	}
	if err == nil {
		if err = l.Acquire(ctx); err == nil {
			return nil
		}
	}
	if notified {
		c.lot.Unpark(1)
	}
	// A shielded wait for the lock fails only if the loop is unwinding
	// the task; the cancellation is the error to report all the same.
	_ = l.Acquire(Shield(ctx))
	return err
}

// WaitFor waits until pred returns true, asyncio's cond.wait_for: it calls
// pred, holding the lock, and Wait until it returns true. If pred is true
// at once it returns nil, whether the lock is held or not; otherwise it
// needs the lock held, as Wait does.
//
// Cancellation: as Wait's; pred is not called again after a cancellation.
func (c *Condition) WaitFor(ctx context.Context, pred func() bool) error {
	for !pred() {
		if err := c.Wait(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Notify wakes up to n of the tasks waiting in Wait, those that have waited
// longest; each then takes the lock back once the caller releases it. It
// returns ErrNotHeld, and wakes nobody, if the caller does not hold the
// lock; see Lock.Acquire for the other errors. It never switches.
func (c *Condition) Notify(ctx context.Context, n int) error {
	l := c.lock()
	me, err := l.caller(ctx)
	if err != nil {
		return err
	}
	if !l.holds(me) {
		return ErrNotHeld
	}
	c.lot.Unpark(n)
	return nil
}

// NotifyAll wakes every task waiting in Wait; see Notify.
func (c *Condition) NotifyAll(ctx context.Context) error { return c.Notify(ctx, c.lot.Len()) }

// Stats returns what the condition holds.
func (c *Condition) Stats() ConditionStats {
	return ConditionStats{Waiters: c.lot.Len(), Lock: c.lock().Stats()}
}
