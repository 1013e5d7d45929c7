package coro

import (
	"sync"
	"sync/atomic"

	"github.com/aio-go/aio/internal/goid"
)

// Lending a thread's identity.
//
// A thread, here, is what a running event loop calls the goroutine allowed
// to touch it now: one atomic slot (aio's Loop.curG) naming the goroutine of
// the task that runs. A generator body that such a task resumes runs on a
// goroutine of its own, yet it runs as part of the task: the task is blocked
// in the resume until the body yields. So the resume lends the slot to the
// body's goroutine for its span, and gives it back when the body yields or
// ends (ResumeFrom): the body's awaits pass the loop's checks, park the task
// (the runtime's coroutine switch is symmetric, so a body that switches the
// task's coroutine out hands control straight to the loop, and the loop's
// next resume of the task comes back to the body), and a Run nested in the
// body is refused.
//
// The slots of the running loops are in one copy-on-write list, read with a
// single atomic load: a resume that no loop is involved in pays that load
// and a compare per running loop; one from a task pays two atomic stores
// more.

// threads is the list of the running loops' slots.
var threads struct {
	mu   sync.Mutex // serializes writers
	list atomic.Pointer[[]*atomic.Uintptr]
}

// Threads counts the registered threads. A resumer reads it inline and
// calls ResumeFrom only when it is not 0; otherwise it writes Resumer and
// calls Next itself, as cheap as a resume was before lending. (A function
// here would not be inlined into package gen's generic code.) Read it;
// never write it.
var Threads atomic.Int32

// AddThread registers slot, the identity of a running loop's thread, and
// returns the function that removes it. While it is registered, a resume
// made from the goroutine that slot names lends slot to the body resumed.
func AddThread(slot *atomic.Uintptr) (remove func()) {
	threads.mu.Lock()
	defer threads.mu.Unlock()
	var old []*atomic.Uintptr
	if p := threads.list.Load(); p != nil {
		old = *p
	}
	list := append(append(make([]*atomic.Uintptr, 0, len(old)+1), old...), slot)
	threads.list.Store(&list)
	Threads.Store(int32(len(list)))
	return func() {
		threads.mu.Lock()
		defer threads.mu.Unlock()
		old := *threads.list.Load()
		list := make([]*atomic.Uintptr, 0, len(old))
		for _, s := range old {
			if s != slot {
				list = append(list, s)
			}
		}
		threads.list.Store(&list)
		Threads.Store(int32(len(list)))
	}
}

// threadOf returns the registered slot that names goroutine g, or nil.
func threadOf(g uintptr) *atomic.Uintptr {
	p := threads.list.Load()
	if p == nil || g == 0 {
		return nil
	}
	for _, s := range *p {
		if s.Load() == g {
			return s
		}
	}
	return nil
}

// ResumeFrom is Resume for a body of a shared pool, made by the calling
// goroutine: it records the caller as the Resumer, lends the caller's
// thread identity to the body for the span of the resume if the caller is a
// running loop's thread (see AddThread), and reports whether the body ended.
// A body that has not started yet takes the identity itself when it starts
// (loop).
func (c *Coro) ResumeFrom() (ended bool) {
	if slot := c.Lend(); slot != nil {
		c.Next()
		slot.Store(c.Resumer)
	} else {
		c.Next()
	}
	return c.Finished
}

// Lend is ResumeFrom without the switch, for a resumer that calls Next
// itself so that the switch is one call level nearer to it (every level
// around a switch costs a mispredicted return when the switch comes back):
// it records the caller as the Resumer and, if the caller is a running
// loop's thread, lends that identity to the body and returns the thread's
// slot. The caller then calls Next and, if slot is not nil, gives the
// identity back with slot.Store(c.Resumer): nothing else writes Resumer
// while the body runs.
func (c *Coro) Lend() (slot *atomic.Uintptr) {
	me := goid.G()
	c.Resumer = me
	if slot = threadOf(me); slot != nil && c.g != 0 {
		slot.Store(c.g)
	}
	return slot
}
