//aio:library

package aio

import (
	"context"
	"errors"
)

// Semaphore is a counter of permits for tasks, asyncio.Semaphore and
// trio.Semaphore: Acquire takes a permit, waiting in the order the tasks
// came while there is none, and Release gives one back. NewSemaphore sets
// the number of permits; the zero Semaphore has none (a Release adds one).
// It must not be copied once used.
//
// Permits are not owned: any task, or a callback of the loop, may release
// one. A Release while tasks wait hands its permit to the one that has
// waited longest, without going through the count, so no task can take it
// past the waiters and a cancelled waiter never uses it up (see Acquire).
// Release takes no context: from a goroutine that is not the loop's
// thread it panics, and changes nothing, once a task has waited on the
// semaphore; before, such a call is a data race.
type Semaphore struct {
	s semaphore
}

// SemaphoreStats is what a Semaphore holds.
type SemaphoreStats struct {
	Value   int // permits free
	Waiters int // tasks waiting in Acquire
}

// NewSemaphore returns a semaphore with n permits. It panics if n < 0.
func NewSemaphore(n int) *Semaphore {
	if n < 0 {
		panic("aio: NewSemaphore with a negative number of permits")
	}
	return &Semaphore{s: semaphore{value: n}}
}

// Acquire takes a permit, waiting until one is free, asyncio's
// `await sem.acquire()`. A free permit is taken at once, without a switch
// (and without looking at ctx's cancellation). It returns ErrWrongLoop if
// the semaphore belongs to another loop, and the errors of a ctx that is
// not the running task's (ErrNoTask, ErrWrongTask, ErrLoopClosed).
//
// Cancellation: if ctx is cancelled while the task waits, Acquire returns a
// *CancelledError and the caller holds no permit: the task leaves the
// queue, the other waiters keep their order, and the count is unchanged.
// If a Release handed it a permit in the same step, it gives the permit
// on to the next waiter (or back to the count) before it returns the
// cancellation: Acquire returns nil exactly when the caller holds a permit.
func (s *Semaphore) Acquire(ctx context.Context) error { return s.s.acquire(ctx) }

// TryAcquire takes a permit if one is free, and returns ErrWouldBlock (and
// changes nothing) otherwise; see Acquire for the other errors.
func (s *Semaphore) TryAcquire(ctx context.Context) error { return s.s.tryAcquire(ctx) }

// Release gives a permit back, asyncio's sem.release(): to the task that
// has waited longest if any waits, else to the count. It never switches.
func (s *Semaphore) Release() { s.s.release() }

// Do holds a permit for the span of fn, `async with sem`: it acquires a
// permit, calls fn with ctx, and releases the permit when fn returns,
// fails or panics (the panic then goes on). It returns Acquire's error
// without calling fn, else fn's.
//
// Cancellation: as Acquire's.
func (s *Semaphore) Do(ctx context.Context, fn func(ctx context.Context) error) error {
	if err := s.s.acquire(ctx); err != nil {
		return err
	}
	defer s.s.release()
	return fn(ctx)
}

// Locked reports whether Acquire would wait: no permit is free.
func (s *Semaphore) Locked() bool { return s.s.value == 0 }

// Value returns the number of free permits.
func (s *Semaphore) Value() int { return s.s.value }

// Stats returns what the semaphore holds.
func (s *Semaphore) Stats() SemaphoreStats {
	return SemaphoreStats{Value: s.s.value, Waiters: s.s.lot.Len()}
}

// ErrTooManyReleases is the error of releasing a BoundedSemaphore more
// times than it was acquired (asyncio's ValueError "BoundedSemaphore
// released too many times"). Nothing is changed.
var ErrTooManyReleases = errors.New("aio: BoundedSemaphore released too many times")

// BoundedSemaphore is a Semaphore that refuses to hold more permits than it
// started with, asyncio.BoundedSemaphore (trio's Semaphore with a
// max_value): a Release that would exceed the bound is an error, which
// catches a release without its acquire. The zero BoundedSemaphore (and
// NewBoundedSemaphore(0)) has a bound of 0: every Release is an error, so
// an Acquire of it waits for ever (until its ctx is cancelled).
type BoundedSemaphore struct {
	s     semaphore
	bound int
}

// BoundedSemaphoreStats is what a BoundedSemaphore holds.
type BoundedSemaphoreStats struct {
	Value   int // permits free
	Bound   int // permits it started with, and holds at most
	Waiters int // tasks waiting in Acquire
}

// NewBoundedSemaphore returns a bounded semaphore with n permits, which is
// also its bound. It panics if n < 0.
func NewBoundedSemaphore(n int) *BoundedSemaphore {
	if n < 0 {
		panic("aio: NewBoundedSemaphore with a negative number of permits")
	}
	return &BoundedSemaphore{s: semaphore{value: n}, bound: n}
}

// Acquire takes a permit; see Semaphore.Acquire, whose Cancellation rules
// it follows.
func (s *BoundedSemaphore) Acquire(ctx context.Context) error { return s.s.acquire(ctx) }

// TryAcquire takes a permit if one is free; see Semaphore.TryAcquire.
func (s *BoundedSemaphore) TryAcquire(ctx context.Context) error { return s.s.tryAcquire(ctx) }

// Release gives a permit back, as Semaphore.Release does, and returns
// ErrTooManyReleases, changing nothing, if every permit is free already.
// From a goroutine that is not the loop's thread it panics, as
// Semaphore.Release does, whether or not a permit is out: the goroutine
// is checked before the count is read.
func (s *BoundedSemaphore) Release() error {
	checkThread(&s.s.lot)
	if s.s.value >= s.bound {
		return ErrTooManyReleases
	}
	s.s.release()
	return nil
}

// Do holds a permit for the span of fn; see Semaphore.Do. It returns
// Acquire's error without calling fn, else fn's error, else Release's.
func (s *BoundedSemaphore) Do(ctx context.Context, fn func(ctx context.Context) error) (err error) {
	if err := s.s.acquire(ctx); err != nil {
		return err
	}
	defer func() {
		if rerr := s.Release(); err == nil {
			err = rerr
		}
	}()
	return fn(ctx)
}

// Locked reports whether Acquire would wait: no permit is free.
func (s *BoundedSemaphore) Locked() bool { return s.s.value == 0 }

// Value returns the number of free permits.
func (s *BoundedSemaphore) Value() int { return s.s.value }

// Stats returns what the semaphore holds.
func (s *BoundedSemaphore) Stats() BoundedSemaphoreStats {
	return BoundedSemaphoreStats{Value: s.s.value, Bound: s.bound, Waiters: s.s.lot.Len()}
}

// semaphore is what both semaphores are. Invariant: a task waits only while
// value is 0, because a release with waiters hands its permit over instead
// of counting it.
type semaphore struct {
	value int
	lot   ParkingLot
	loop  loopBinding
}

func (s *semaphore) acquire(ctx context.Context) error {
	if err := s.loop.check(ctx); err != nil {
		return err
	}
	if s.value > 0 {
		s.value--
		return nil
	}
	if err := s.lot.Park(ctx); err != nil {
		return err // not handed a permit: a release hands over and wakes at once
	}
	if ctx.Err() != nil {
		s.release() // handed a permit in the step it was cancelled: pass it on
		return cancelErr(ctx)
	}
	return nil
}

func (s *semaphore) tryAcquire(ctx context.Context) error {
	if err := s.loop.check(ctx); err != nil {
		return err
	}
	if s.value == 0 {
		return ErrWouldBlock
	}
	s.value--
	return nil
}

// release hands a permit to the first waiter, or counts it; Unpark checks
// the calling goroutine before anything changes.
func (s *semaphore) release() {
	if s.lot.Unpark(1) == 0 {
		s.value++
	}
}
