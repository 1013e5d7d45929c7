//aio:library

package aio

import (
	"context"
	"errors"
	"fmt"
)

// Queues between the tasks of a loop, asyncio's Queue, LifoQueue and
// PriorityQueue with asyncio 3.13's shutdown. The three types share the
// methods of qcore and differ in the order of Get (qfifo, qlifo, qheap
// in asyncqueue_order.go). Waiters are handed their item or their slot
// directly (see qwaiters.go): a cancelled getter never loses an item, a
// cancelled putter never inserts one, and the others keep their order.

// ErrQueueEmpty is TryGet's error when the queue holds no item, asyncio's
// QueueEmpty. An item handed to a waiting getter is not in the queue.
var ErrQueueEmpty = errors.New("aio: queue is empty")

// ErrQueueFull is TryPut's error when the queue holds MaxSize items, or
// when putters are waiting for room (they come first), asyncio's QueueFull.
var ErrQueueFull = errors.New("aio: queue is full")

// ErrQueueShutDown is the error of a put after Shutdown, and of a get after
// Shutdown once the queue is empty, asyncio's QueueShutDown.
var ErrQueueShutDown = errors.New("aio: queue is shut down")

var errTaskDoneTooMany = fmt.Errorf("%w: Queue.TaskDone called more times than there were items", ErrInvalidState)

// QueueStats is what a queue holds, for tests that check its invariants
// after each step, as CPython's tests look at _getters and _putters. A
// task blocked in Get or Put and then cancelled counts among the waiters
// until it resumes to leave: an item put meanwhile still goes to it, and
// it returns the item.
type QueueStats struct {
	Len        int  // items in the queue
	MaxSize    int  // the bound; 0 for an unbounded queue
	Getters    int  // tasks blocked in Get (if any, the queue is empty)
	Putters    int  // tasks blocked in Put (if any, the queue is full)
	Joiners    int  // tasks blocked in Join
	Unfinished int  // items put and not yet marked done by TaskDone
	ShutDown   bool // Shutdown was called
}

// qstore is the order of a queue: S is the storage, P its pointer with the
// methods.
type qstore[T, S any] interface {
	*S
	len() int
	push(v T)
	pop() T // the next item; len() > 0
	clear()
	setFloor(n int) // capacity not to shrink below
	ordered() bool  // false for a PriorityQueue without a less function
}

// qcore is what Queue, LifoQueue and PriorityQueue share: their methods.
type qcore[T, S any, P qstore[T, S]] struct {
	owner      qowner
	items      S
	max        int // 0: unbounded
	getters    qwaiters[T]
	putters    qwaiters[T]
	getLot     ParkingLot
	putLot     ParkingLot
	joinLot    ParkingLot
	unfinished int
	shutdown   bool
}

func (q *qcore[T, S, P]) init(maxsize int) {
	q.max = max(maxsize, 0)
	P(&q.items).setFloor(q.max)
}

// Put puts v in the queue, asyncio's Queue.put. If the queue is full, Put
// waits until a Get makes room; a task waiting in Get is handed v at once.
// Put on a queue that has room returns without a switch. After Shutdown it
// returns ErrQueueShutDown; on a zero PriorityQueue, an ErrInvalidState.
//
// Cancellation: if ctx is cancelled while Put waits, Put returns a
// *CancelledError and v is not in the queue; the putters that came after
// keep their places. A cancellation in the same step as the Get that moved
// v into the queue loses to it: Put returns nil, v is in the queue, and the
// next await sees the cancellation.
func (q *qcore[T, S, P]) Put(ctx context.Context, v T) error {
	if err := q.owner.enter(ctx); err != nil {
		return err
	}
	if err := q.offer(v); err != ErrQueueFull {
		return err
	}
	_, err := q.putters.park(ctx, &q.putLot, v)
	return err
}

// TryPut puts v in the queue without waiting, asyncio's put_nowait: it
// returns ErrQueueFull if the queue is full, ErrQueueShutDown after
// Shutdown.
func (q *qcore[T, S, P]) TryPut(v T) error {
	if err := q.owner.check("Queue.TryPut"); err != nil {
		return err
	}
	return q.offer(v)
}

func (q *qcore[T, S, P]) offer(v T) error {
	st := P(&q.items)
	switch {
	case q.shutdown:
		return ErrQueueShutDown
	case !st.ordered():
		return errZeroPriorityQueue
	case q.getters.len() > 0: // then the queue is empty
		q.getters.wake(v, nil)
	case q.max > 0 && st.len() >= q.max:
		return ErrQueueFull
	default:
		st.push(v)
	}
	q.unfinished++
	return nil
}

// Get removes and returns the next item (the oldest for a Queue, the newest
// for a LifoQueue, the least for a PriorityQueue), asyncio's Queue.get. If
// the queue is empty, Get waits until a Put hands it one. Get on a queue
// that holds an item returns without a switch. After Shutdown, Get drains
// what is left and then returns ErrQueueShutDown; after Shutdown(true) the
// queue is empty, so at once. A Get blocked when Shutdown is called returns
// ErrQueueShutDown.
//
// Cancellation: if ctx is cancelled while Get waits, Get returns a
// *CancelledError and no item was taken: the next item goes to the next
// getter in line. A cancellation in the same step as the Put that handed
// Get its item loses to it: Get returns the item, and the next await sees
// the cancellation.
func (q *qcore[T, S, P]) Get(ctx context.Context) (T, error) {
	if err := q.owner.enter(ctx); err != nil {
		var zero T
		return zero, err
	}
	if v, err := q.take(); err != ErrQueueEmpty {
		return v, err
	}
	var zero T
	return q.getters.park(ctx, &q.getLot, zero)
}

// TryGet removes and returns the next item without waiting, asyncio's
// get_nowait: it returns ErrQueueEmpty if the queue holds none (items handed
// to waiting getters are theirs), ErrQueueShutDown once the queue is shut
// down and empty.
func (q *qcore[T, S, P]) TryGet() (T, error) {
	if err := q.owner.check("Queue.TryGet"); err != nil {
		var zero T
		return zero, err
	}
	return q.take()
}

func (q *qcore[T, S, P]) take() (T, error) {
	var zero T
	st := P(&q.items)
	switch {
	case st.len() > 0:
		v := st.pop()
		if q.putters.len() > 0 { // the queue was full: the first putter's item takes the room
			st.push(q.putters.wake(zero, nil))
			q.unfinished++
		}
		return v, nil
	case q.shutdown:
		return zero, ErrQueueShutDown
	case !st.ordered():
		return zero, errZeroPriorityQueue
	}
	return zero, ErrQueueEmpty
}

// TaskDone tells the queue that an item taken from it has been processed,
// asyncio's task_done: when every item put has been marked done, Join
// returns. Calling it more times than items were put is an error wrapping
// ErrInvalidState (asyncio's ValueError), and changes nothing.
func (q *qcore[T, S, P]) TaskDone() error {
	if err := q.owner.check("Queue.TaskDone"); err != nil {
		return err
	}
	if q.unfinished <= 0 {
		return errTaskDoneTooMany
	}
	q.unfinished--
	if q.unfinished == 0 {
		q.joinLot.UnparkAll()
	}
	return nil
}

// Join waits until every item put in the queue has been marked done with
// TaskDone, asyncio's Queue.join; with none unfinished it returns at once,
// without a switch. Shutdown(true) drops the items still in the queue from
// the count, which ends the wait unless items taken earlier are still
// being processed.
//
// Cancellation: if ctx is cancelled while Join waits, Join returns a
// *CancelledError and the queue is left as it was.
func (q *qcore[T, S, P]) Join(ctx context.Context) error {
	if err := q.owner.enter(ctx); err != nil {
		return err
	}
	if q.unfinished == 0 {
		return nil
	}
	return q.joinLot.Park(ctx)
}

// Shutdown shuts the queue down, asyncio 3.13's Queue.shutdown: Put and
// TryPut fail with ErrQueueShutDown from now on, and so do Get and TryGet
// once the queue is empty. Every task blocked in Put or Get returns
// ErrQueueShutDown (a blocked putter's item is not put). If immediate is
// true, the items in the queue are dropped too, so gets fail at once, and
// they no longer count as unfinished: Join returns if no item taken before
// awaits its TaskDone. Calling Shutdown again is allowed (an immediate one
// after a plain one drops the items left). From a goroutine that is not the
// queue's loop thread, Shutdown panics and changes nothing.
func (q *qcore[T, S, P]) Shutdown(immediate bool) {
	q.owner.mustCheck("Queue.Shutdown")
	q.shutdown = true
	if immediate {
		st := P(&q.items)
		q.unfinished = max(q.unfinished-st.len(), 0)
		st.clear()
		if q.unfinished == 0 {
			q.joinLot.UnparkAll()
		}
	}
	q.getters.wakeAll(nil, ErrQueueShutDown)
	q.putters.wakeAll(nil, ErrQueueShutDown)
}

// Len returns the number of items in the queue, asyncio's qsize.
func (q *qcore[T, S, P]) Len() int { return P(&q.items).len() }

// MaxSize returns the queue's bound, 0 if it is unbounded.
func (q *qcore[T, S, P]) MaxSize() int { return q.max }

// Empty reports whether the queue holds no item.
func (q *qcore[T, S, P]) Empty() bool { return q.Len() == 0 }

// Full reports whether the queue holds MaxSize items; an unbounded queue
// is never full.
func (q *qcore[T, S, P]) Full() bool { return q.max > 0 && q.Len() >= q.max }

// Stats returns what the queue holds.
func (q *qcore[T, S, P]) Stats() QueueStats {
	return QueueStats{
		Len:        q.Len(),
		MaxSize:    q.max,
		Getters:    q.getters.len(),
		Putters:    q.putters.len(),
		Joiners:    q.joinLot.Len(),
		Unfinished: q.unfinished,
		ShutDown:   q.shutdown,
	}
}
