//aio:library

package aio

import "context"

// Lock is a mutual-exclusion lock for tasks, asyncio.Lock and trio.Lock:
// one task holds it at a time, and the others wait in the order they came.
// The zero Lock is unlocked and ready to use; it must not be copied once
// used.
//
// The lock belongs to the task that acquired it: only that task may
// release it (with any context of its own: a Shield's, a scope's), trio's
// rule. asyncio lets any task release a locked Lock; here a Release by
// another task, or of an unlocked Lock, is ErrNotHeld and changes nothing,
// so hand a lock to another task by releasing it and letting that task
// acquire it. In an async generator's body the task is the one that
// resumed the body now, as in trio: a lock the body took while one task
// drove it is not released by the next task that drives it.
//
// A Release while tasks wait hands the lock to the one that has waited
// longest, which holds it from that moment (trio's rule): the lock never
// looks free in between, nobody can take it past the waiters, and a
// cancellation in the same step never loses it nor gives it twice (see
// Acquire). A task that ends while it holds the lock leaves it locked, as
// in asyncio.
//
// Between two awaits no other task of the loop runs, so a Lock is needed
// only where a task keeps shared state inconsistent across an await.
type Lock struct {
	owner AnyTask // nil when unlocked
	lot   ParkingLot
	loop  loopBinding
}

// LockStats is what a Lock holds, for tests and debugging.
type LockStats struct {
	Locked  bool
	Owner   AnyTask // the holder, nil if unlocked
	Waiters int     // tasks waiting in Acquire
}

// Acquire waits until the calling task holds the lock, asyncio's
// `await lock.acquire()`. A free lock is taken at once, without a switch
// (and without looking at ctx's cancellation, as awaiting a done future
// does). It returns ErrAlreadyHeld if the caller holds the lock already,
// ErrWrongLoop if the lock belongs to another loop, and the errors of a ctx
// that is not the running task's (ErrNoTask, ErrWrongTask, ErrLoopClosed).
//
// Cancellation: if ctx is cancelled while the task waits, Acquire returns a
// *CancelledError and the caller does not hold the lock: the task leaves
// the queue and the other waiters keep their order. If the lock was handed
// to it in the same step (Release chose it before the cancellation was
// seen), it hands the lock on to the next waiter, or unlocks it, before it
// returns the cancellation: Acquire returns nil exactly when the caller
// holds the lock.
func (l *Lock) Acquire(ctx context.Context) error {
	// The loop's check is spelled out here and in Release: a call less
	// on the path that BenchmarkLockUncontended measures. The task comes
	// from the same look (RunningTask), not from a cache keyed by ctx: an
	// async generator body's context stays the same while the tasks that
	// resume the body change.
	me, lp, err := RunningTask(ctx)
	if !l.loop.is(lp, err) {
		if err := l.loop.bind(lp, err); err != nil {
			return err
		}
	}
	if l.owner == nil {
		l.owner = me
		return nil
	}
	return l.wait(ctx, me)
}

// wait is Acquire, by task me, of a lock that is held.
func (l *Lock) wait(ctx context.Context, me AnyTask) error {
	if sameTask(l.owner, me) {
		return ErrAlreadyHeld
	}
	if err := l.lot.Park(ctx); err != nil {
		return err // not handed over: a Release hands over and wakes at once
	}
	// Release made this task the owner before it woke it.
	if ctx.Err() != nil {
		l.handOff()
		return cancelErr(ctx)
	}
	return nil
}

// TryAcquire takes the lock if it is free, and returns ErrWouldBlock (and
// changes nothing) if another task holds it; see Acquire for the other
// errors. It never switches.
func (l *Lock) TryAcquire(ctx context.Context) error {
	me, err := l.caller(ctx)
	if err != nil {
		return err
	}
	switch {
	case l.owner == nil:
		l.owner = me
		return nil
	case sameTask(l.owner, me):
		return ErrAlreadyHeld
	}
	return ErrWouldBlock
}

// Release releases the lock held by the calling task, asyncio's
// lock.release(): if tasks wait, the one that has waited longest holds it
// now and is woken; otherwise the lock is unlocked. It never switches, and
// it does not look at ctx's cancellation: a task cancelled while it holds
// the lock releases it with the same ctx, no Shield needed. It returns
// ErrNotHeld, and changes nothing, if the lock is unlocked or held by
// another task; see Acquire for the other errors.
func (l *Lock) Release(ctx context.Context) error {
	me, lp, err := RunningTask(ctx)
	if !l.loop.is(lp, err) {
		if err := l.loop.bind(lp, err); err != nil {
			return err
		}
	}
	if !l.holds(me) {
		return ErrNotHeld
	}
	if l.lot.Len() == 0 {
		l.owner = nil
		return nil
	}
	l.handOff()
	return nil
}

// Do holds the lock for the span of fn, Go's `async with lock`: it
// acquires the lock, calls fn with ctx, and releases the lock when fn
// returns, fails or panics (the panic then goes on, with the lock
// released). It returns Acquire's error without calling fn, else fn's
// error, else Release's (ErrNotHeld if fn released the lock itself).
//
// Cancellation: as Acquire's; a cancellation while fn runs is fn's to
// report.
func (l *Lock) Do(ctx context.Context, fn func(ctx context.Context) error) (err error) {
	if err := l.Acquire(ctx); err != nil {
		return err
	}
	defer func() {
		if rerr := l.Release(ctx); err == nil {
			err = rerr
		}
	}()
	return fn(ctx)
}

// Locked reports whether a task holds the lock.
func (l *Lock) Locked() bool { return l.owner != nil }

// Stats returns what the lock holds.
func (l *Lock) Stats() LockStats {
	return LockStats{Locked: l.owner != nil, Owner: l.owner, Waiters: l.lot.Len()}
}

// caller returns the task of ctx, RunningTask's, once it has checked that
// the task is one of the lock's loop.
func (l *Lock) caller(ctx context.Context) (AnyTask, error) {
	me, lp, err := RunningTask(ctx)
	if !l.loop.is(lp, err) {
		if err := l.loop.bind(lp, err); err != nil {
			return nil, err
		}
	}
	return me, nil
}

// holds reports whether task me, the caller's (RunningTask), holds the
// lock.
func (l *Lock) holds(me AnyTask) bool { return me != nil && sameTask(l.owner, me) }

// handOff gives the lock to the task that has waited longest, which owns
// it from now on even if it was cancelled in this step, or unlocks it.
func (l *Lock) handOff() {
	l.owner = l.lot.First()
	if l.owner != nil {
		l.lot.Unpark(1)
	}
}
