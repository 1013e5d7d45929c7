//aio:library

package aio

import (
	"cmp"
	"fmt"
)

// Queue is a first-in, first-out queue between the tasks of a loop,
// asyncio.Queue: Put adds an item, waiting while the queue is full, and Get
// takes the oldest, waiting while it is empty; TryPut and TryGet never
// wait; TaskDone and Join track the items' processing; Shutdown ends it.
//
// The zero Queue is an unbounded queue, ready to use; NewQueue makes a
// bounded one. A Queue must not be copied once used.
//
// A Queue belongs to the loop of the first task that calls a method of it
// with a context: a task of another loop gets ErrWrongLoop, and TryPut,
// TryGet and TaskDone called from a goroutine that is not that loop's
// thread return ErrWrongTask and change nothing (Shutdown panics). Once
// the loop's Run has returned, Put, Get and Join fail with ErrLoopClosed,
// and the methods without a context may be called from any goroutine, one
// at a time: nothing runs on the loop any more (Loop.CheckThread). A Put
// or Get that can go on at once (room, or an item) returns without a
// switch; neither allocates once the queue has grown to its working size.
type Queue[T any] struct {
	qcore[T, qfifo[T], *qfifo[T]]
}

// NewQueue returns a queue that holds at most maxsize items; maxsize <= 0
// means unbounded, as in asyncio.
func NewQueue[T any](maxsize int) *Queue[T] {
	q := new(Queue[T])
	q.init(maxsize)
	return q
}

// LifoQueue is a last-in, first-out queue, asyncio.LifoQueue: Get takes the
// newest item. Everything else is as for Queue; the zero LifoQueue is an
// unbounded one.
type LifoQueue[T any] struct {
	qcore[T, qlifo[T], *qlifo[T]]
}

// NewLifoQueue returns a LIFO queue that holds at most maxsize items;
// maxsize <= 0 means unbounded.
func NewLifoQueue[T any](maxsize int) *LifoQueue[T] {
	q := new(LifoQueue[T])
	q.init(maxsize)
	return q
}

// PriorityQueue is a queue whose Get takes the least item,
// asyncio.PriorityQueue: least by cmp.Less (NewPriorityQueue) or by a
// function of yours (NewPriorityQueueFunc). Items that are equal come out
// in no particular order, as from asyncio's heapq; to keep them first-in,
// first-out, compare a sequence number after the priority. Everything else
// is as for Queue.
//
// A zero PriorityQueue has no order: Put, TryPut, Get and TryGet return an
// error wrapping ErrInvalidState. Make one with NewPriorityQueue or
// NewPriorityQueueFunc.
type PriorityQueue[T any] struct {
	qcore[T, qheap[T], *qheap[T]]
}

// NewPriorityQueue returns a priority queue of ordered items, least first
// (by cmp.Less, so a NaN comes before any number), that holds at most
// maxsize items; maxsize <= 0 means unbounded.
func NewPriorityQueue[T cmp.Ordered](maxsize int) *PriorityQueue[T] {
	return NewPriorityQueueFunc(maxsize, cmp.Less[T])
}

// NewPriorityQueueFunc returns a priority queue whose Get takes an item a
// such that less(b, a) holds for no other item b; less must be a strict
// weak order, as for slices.SortFunc. A nil less panics.
func NewPriorityQueueFunc[T any](maxsize int, less func(a, b T) bool) *PriorityQueue[T] {
	if less == nil {
		panic("aio: NewPriorityQueueFunc with a nil less function")
	}
	q := new(PriorityQueue[T])
	q.items.less = less
	q.init(maxsize)
	return q
}

var errZeroPriorityQueue = fmt.Errorf("%w: the PriorityQueue was not made by NewPriorityQueue or NewPriorityQueueFunc", ErrInvalidState)

// qfifo is Queue's order.
type qfifo[T any] struct{ r qring[T] }

func (s *qfifo[T]) len() int       { return s.r.len() }
func (s *qfifo[T]) push(v T)       { s.r.pushBack(v) }
func (s *qfifo[T]) pop() T         { return s.r.popFront() }
func (s *qfifo[T]) clear()         { s.r.clear() }
func (s *qfifo[T]) setFloor(n int) { s.r.floor = n }
func (s *qfifo[T]) ordered() bool  { return true }

// qlifo is LifoQueue's order.
type qlifo[T any] struct{ r qring[T] }

func (s *qlifo[T]) len() int       { return s.r.len() }
func (s *qlifo[T]) push(v T)       { s.r.pushBack(v) }
func (s *qlifo[T]) pop() T         { return s.r.popBack() }
func (s *qlifo[T]) clear()         { s.r.clear() }
func (s *qlifo[T]) setFloor(n int) { s.r.floor = n }
func (s *qlifo[T]) ordered() bool  { return true }

// qheap is PriorityQueue's order: a binary min-heap on a slice.
type qheap[T any] struct {
	s     []T
	less  func(a, b T) bool
	floor int
}

func (h *qheap[T]) len() int       { return len(h.s) }
func (h *qheap[T]) setFloor(n int) { h.floor = n }
func (h *qheap[T]) ordered() bool  { return h.less != nil }

func (h *qheap[T]) push(v T) {
	h.s = append(h.s, v)
	for i := len(h.s) - 1; i > 0; {
		p := (i - 1) / 2
		if !h.less(h.s[i], h.s[p]) {
			break
		}
		h.s[i], h.s[p] = h.s[p], h.s[i]
		i = p
	}
}

func (h *qheap[T]) pop() T {
	var zero T
	n := len(h.s) - 1
	v := h.s[0]
	h.s[0] = h.s[n]
	h.s[n] = zero
	h.s = h.s[:n]
	for i := 0; ; {
		m, l, r := i, 2*i+1, 2*i+2
		if l < n && h.less(h.s[l], h.s[m]) {
			m = l
		}
		if r < n && h.less(h.s[r], h.s[m]) {
			m = r
		}
		if m == i {
			break
		}
		h.s[i], h.s[m] = h.s[m], h.s[i]
		i = m
	}
	if c := cap(h.s); c > qringKeep && c/2 >= h.floor && n <= c/4 {
		h.s = append(make([]T, 0, c/2), h.s...)
	}
	return v
}

func (h *qheap[T]) clear() {
	clear(h.s)
	h.s = h.s[:0]
}
