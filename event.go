//aio:library

package aio

import "context"

// Event is a flag that tasks wait for, asyncio.Event and trio.Event: Set
// raises it and wakes every waiter, Clear lowers it again (asyncio's; trio's
// events cannot be cleared). The zero Event is clear and ready to use; it
// must not be copied once used.
//
// Set and Clear take no context: call them from the loop's thread (a task
// or a callback of the loop). From another goroutine they panic, and
// change nothing, once a task has waited on the event (the check of its
// ParkingLot); on an event no task has waited on yet, such a call is a
// data race, as setting a Future no task has awaited is. From another
// goroutine, go through Loop.CallSoonThreadsafe.
type Event struct {
	set  bool
	lot  ParkingLot
	loop loopBinding
}

// EventStats is what an Event holds.
type EventStats struct {
	Set     bool
	Waiters int // tasks waiting in Wait
}

// Wait waits until the event is set, asyncio's `await event.wait()`. On a
// set event it returns nil at once, without a switch (and without looking
// at ctx's cancellation, as awaiting a done future does). It returns
// ErrWrongLoop if the event belongs to another loop, and the errors of a
// ctx that is not the running task's (ErrNoTask, ErrWrongTask,
// ErrLoopClosed).
//
// Cancellation: if ctx is cancelled while the task waits, Wait returns a
// *CancelledError and the task no longer waits; the event is unchanged. A
// Set in the same step as the cancellation wins: Wait returns nil, and the
// next await in ctx sees the cancellation.
func (e *Event) Wait(ctx context.Context) error {
	if err := e.loop.check(ctx); err != nil {
		return err
	}
	if e.set {
		return nil
	}
	return e.lot.Park(ctx)
}

// Set sets the event and wakes every task waiting for it: each one's Wait
// returns nil, even if the event is cleared again before it runs. Setting a
// set event does nothing.
func (e *Event) Set() {
	e.lot.UnparkAll() // first: from a wrong goroutine, it panics
	e.set = true
}

// Clear clears the event: later calls to Wait wait until the next Set.
// The tasks that a Set woke already return nil all the same.
func (e *Event) Clear() {
	checkThread(&e.lot)
	e.set = false
}

// IsSet reports whether the event is set.
func (e *Event) IsSet() bool { return e.set }

// Stats returns what the event holds.
func (e *Event) Stats() EventStats { return EventStats{Set: e.set, Waiters: e.lot.Len()} }
