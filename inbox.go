package aio

import (
	"sync"
	"sync/atomic"
)

// inbox carries work from other goroutines to the loop. A burst of posts
// costs one wake-up: only the post that finds the inbox empty signals.
type inbox struct {
	loop   *Loop
	mu     sync.Mutex
	fns    []runnable
	spare  []runnable
	closed bool
	wake   chan struct{}
	// n mirrors len(fns), so that the loop looks at an empty inbox with
	// one atomic load instead of a lock.
	n atomic.Int32
	// sleeping is set while the loop waits in its reactor (epoll_wait),
	// which the wake channel cannot interrupt: the post that finds it set
	// clears it and calls ring, which the reactor set before it first
	// slept.
	sleeping atomic.Bool
	ring     func()
}

// An inbox entry is a runnable: the kernel's own (an executor job's
// completion), a plain function, or a user's callback. A func converts to
// the interface without allocating, so a post costs no allocation.
type (
	plainFunc    func()
	callbackFunc func()
)

func (f plainFunc) run(*Loop)      { f() }
func (f callbackFunc) run(l *Loop) { l.callback(f) }

// post queues fn for the loop; it reports false once the inbox is closed.
func (b *inbox) post(fn func()) bool { return b.add(plainFunc(fn)) }

// postRunnable queues r.run for the loop; see post.
func (b *inbox) postRunnable(r runnable) bool { return b.add(r) }

func (b *inbox) add(p runnable) bool {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return false
	}
	b.fns = append(b.fns, p)
	first := len(b.fns) == 1
	b.n.Store(int32(len(b.fns)))
	b.mu.Unlock()
	if first {
		select {
		case b.wake <- struct{}{}:
		default:
		}
		if b.sleeping.Load() && b.sleeping.CompareAndSwap(true, false) {
			b.ring()
		}
	}
	return true
}

func (b *inbox) empty() bool { return b.n.Load() == 0 }

func (b *inbox) drain() {
	if b.empty() {
		return
	}
	b.mu.Lock()
	fns := b.fns
	b.fns, b.spare = b.spare[:0], nil
	b.n.Store(0)
	b.mu.Unlock()
	for i, p := range fns {
		fns[i] = nil
		p.run(b.loop)
	}
	b.mu.Lock()
	if b.spare == nil {
		b.spare = fns[:0]
	}
	b.mu.Unlock()
}

// close refuses later posts: from then on, a post reports false at the
// call. What was posted before stays in the inbox for the loop to run, so
// an accepted post is never dropped (see Loop.shutdown). Called on the
// loop's thread.
func (b *inbox) close() {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
}

// isClosed reports whether close was called. Only the loop's thread, which
// is the one that closes, may call it without the lock.
func (b *inbox) isClosed() bool { return b.closed }
