//aio:library

package aio

import (
	"context"
	"errors"
	"sync/atomic"
	"unsafe"
)

// Coordination between tasks: Lock, Event, Condition, Semaphore,
// BoundedSemaphore, Barrier and CapacityLimiter, asyncio's and trio's
// synchronisation primitives, written on the kernel's exported names alone
// (ParkingLot, Future, CurrentTask, GetRunningLoop, Shield), as trio writes
// _sync.py on its _core. The rules they share:
//
//   - Nothing but a task waits. Every call that can block takes the task's
//     ctx first, parks the task in a ParkingLot (or awaits a Future), and
//     returns without a switch when it has nothing to wait for (a free lock,
//     a set event), as awaiting a done future does; such a call then does
//     not look at ctx's cancellation either.
//   - Handed over, never grabbed. What a waiter waits for (the lock, a
//     permit, a token, a notification) is given to it by the task that
//     frees it, before it is woken: a lock released while tasks wait stays
//     locked, with the first waiter as its owner. So nobody can take it in
//     between, the waiters are served in the order they came, and no count
//     has to be re-checked after a wake.
//   - A cancelled waiter holds nothing. A waiter cancelled before it is
//     handed anything leaves the lot and the others keep their order. One
//     cancelled in the same step as the hand-over (the kernel then delivers
//     the wake: Park returns nil) passes what it was handed to the next
//     waiter and returns the cancellation, asyncio's rule. So Acquire
//     returns nil exactly when the caller holds what it asked for, a
//     release is never used up by a cancelled waiter, and no sequence of
//     acquires, releases and cancellations leaves a waiter parked while
//     what it waits for is free. An Event's or a Barrier's waiter has
//     nothing to pass on: a Set, or the round filling, in the step of its
//     cancellation makes its Wait succeed (the kernel's rule).
//   - Ownership is the task's. A Lock and a Condition's lock belong to the
//     task that acquired them (as CurrentTask reports it), whatever context
//     it then passes, and a CapacityLimiter's token to its borrower (that
//     task, or the borrower it acquired on behalf of): releasing one the
//     caller does not hold is ErrNotHeld, acquiring one it holds is
//     ErrAlreadyHeld (asyncio's and trio's RuntimeError). Semaphore permits
//     belong to nobody.
//   - One loop, its thread. A primitive belongs to the loop of the first
//     task that calls one of its ctx-taking methods: a task of another loop
//     gets ErrWrongLoop, and a ctx used from another goroutine
//     ErrWrongTask, before anything of the primitive is read. The methods
//     that take no ctx (Event.Set and Clear, Semaphore.Release,
//     Barrier.Reset and Abort, CapacityLimiter.SetTotalTokens and
//     ReleaseOnBehalfOf) go through their ParkingLot (or Future), whose own
//     check panics when they are called from a goroutine that is not the
//     loop's thread, before anything changes; on a primitive no task has
//     parked in yet there is nothing to check against, as with a Future no
//     task has awaited, and such a call from another goroutine is a data
//     race.

// ErrNotHeld is the error of releasing, waiting on or notifying a lock, a
// condition or a capacity limiter's token that the calling task does not
// hold (asyncio's RuntimeError "Lock is not acquired"). Nothing is changed.
var ErrNotHeld = errors.New("aio: not held by the calling task")

// ErrAlreadyHeld is the error of acquiring a Lock, or a CapacityLimiter's
// token, that the caller (or borrower) holds already: waiting for it would
// wait for ever (trio's RuntimeError). Nothing is changed.
var ErrAlreadyHeld = errors.New("aio: already held by the calling task")

// ErrWouldBlock is the error of a TryAcquire, TrySend or TryReceive that
// would have had to wait (trio's WouldBlock). Nothing is changed.
var ErrWouldBlock = errors.New("aio: the operation would block")

// loopBinding is the loop a primitive belongs to: the loop of the first
// task that calls one of its ctx-taking methods.
type loopBinding struct {
	p atomic.Pointer[Loop]
}

// check returns the error of a ctx that is not the running task's
// (ErrNoTask, ErrWrongTask, ErrLoopClosed), or ErrWrongLoop for a task of
// another loop; only atomics are read before it has succeeded.
func (b *loopBinding) check(ctx context.Context) error {
	l, err := GetRunningLoop(ctx)
	if b.is(l, err) {
		return nil
	}
	return b.bind(l, err)
}

// is reports whether GetRunningLoop's l and err say that the caller is a
// task of the primitive's loop: the hot paths inline it, and call bind
// only when it is false.
func (b *loopBinding) is(l *Loop, err error) bool { return err == nil && b.p.Load() == l }

// bind makes l the primitive's loop if it has none yet, and returns err,
// or ErrWrongLoop if the primitive belongs to another loop.
func (b *loopBinding) bind(l *Loop, err error) error {
	if err != nil {
		return err
	}
	if !b.p.CompareAndSwap(nil, l) && b.p.Load() != l {
		return ErrWrongLoop
	}
	return nil
}

// cancelErr is the error of an await in the cancelled ctx.
func cancelErr(ctx context.Context) error {
	return &CancelledError{Cause: context.Cause(ctx)}
}

// checkThread panics, through the lot's own check, if the caller is not the
// thread of the loop the lot belongs to: Unpark(0) wakes nobody.
func checkThread(lot *ParkingLot) { lot.Unpark(0) }

// sameTask reports whether a and b are the same task: the same interface
// value word for word (a task is a pointer), without the call that == on
// interfaces makes.
func sameTask(a, b AnyTask) bool {
	return *(*ifaceWords)(unsafe.Pointer(&a)) == *(*ifaceWords)(unsafe.Pointer(&b))
}

// ifaceWords is the layout of an interface value: its type word and its
// data word.
type ifaceWords struct{ typ, data unsafe.Pointer }
