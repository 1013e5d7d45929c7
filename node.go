package aio

import (
	"context"
	"sync/atomic"
	"time"
	"unsafe"
)

// Cancellation is a tree of nodes, trio's cancel scopes in Go's clothes.
// Every task and every scope (Timeout, Shield, a TaskGroup's body) is a node;
// a task's node hangs under the node of the context it was created with.
// Cancelling a node cancels its whole subtree, on the loop thread, and wakes
// each task in it that is parked, which then looks at the context of its own
// await: cancellation is level-triggered, so an await fails if and only if
// its context is cancelled (a shielded await keeps waiting). A node created
// under a cancelled node is born cancelled.
//
// Each node's context.Context (nodeCtx) is what users see. Making it a real
// context.WithCancelCause for every task would cost allocations and a lock on
// every spawn, and register each task in its parent's children map; instead
// the standard library's cancelCtx is made lazily, when someone asks for
// Done or the node is cancelled. Until then Err is one atomic load. The lazy
// cancelCtx hangs under context.WithoutCancel(parent): it is cancelled only
// by this tree, never by the standard library's propagation, so the tree is
// the one source of truth and context.Cause reports the cause given here.

// node is one scope of cancellation.
type node struct {
	// What an await reads comes first, in the first 48 bytes: a task's
	// node sits in its first cache line (see taskBase).
	loop      *Loop
	task      *taskBase // the task running in this node: itself, or a scope's owner
	ctx       nodeCtx
	shield    bool // ancestors' cancellation does not reach this node
	cancelled bool
	bridged   bool // a bridge in the loop's nodeBridges carries a foreign
	// parent context's cancellation into the tree
	scope bool // the node is a Scope's, which may have a deadline

	parent *node
	// Children, in creation order: first.prev is the last child, so the
	// list costs one pointer; a last child's next is nil.
	first *node
	prev  *node // siblings
	next  *node
}

// cause is why n was cancelled: the cause its context reports. Keeping it
// only in the materialized context saves a task 16 bytes.
func (n *node) cause() error {
	if in := n.ctx.inner.Load(); in != nil {
		return context.Cause(in.ctx)
	}
	return nil
}

// Context keys: a nodeCtx answers them itself, so that every context derived
// from a task's context leads back to the task and its node.
type ctxKey int

const (
	taskKey ctxKey = iota
	nodeKey
)

// nodeCtx is the context.Context of a node.
type nodeCtx struct {
	parent context.Context // values and deadline come from here
	inner  atomic.Pointer[innerCtx]
}

type innerCtx struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
}

// node returns the node this context is embedded in: computing it saves a
// pointer in every task, whose size decides its allocation class.
func (c *nodeCtx) node() *node {
	return (*node)(unsafe.Pointer(uintptr(unsafe.Pointer(c)) - unsafe.Offsetof(node{}.ctx)))
}

// materialize returns the node's standard cancelCtx, making it on first use.
// It may run on any goroutine (Done is called from anywhere).
func (c *nodeCtx) materialize() *innerCtx {
	if in := c.inner.Load(); in != nil {
		return in
	}
	ctx, cancel := context.WithCancelCause(context.WithoutCancel(c.parent))
	in := &innerCtx{ctx: ctx, cancel: cancel}
	if c.inner.CompareAndSwap(nil, in) {
		return in
	}
	cancel(nil)
	return c.inner.Load()
}

func (c *nodeCtx) Deadline() (time.Time, bool) {
	n := c.node()
	if n.shield {
		return time.Time{}, false
	}
	pd, ok := c.parent.Deadline()
	if !n.scope {
		return pd, ok
	}
	if d := (*Scope)(unsafe.Pointer(n)).deadline.Load(); d != noDeadline {
		own := n.loop.clock.epoch().Add(time.Duration(d))
		if !ok || own.Before(pd) {
			return own, true
		}
	}
	return pd, ok
}

func (c *nodeCtx) Done() <-chan struct{} { return c.materialize().ctx.Done() }

func (c *nodeCtx) Err() error {
	if in := c.inner.Load(); in != nil {
		return in.ctx.Err()
	}
	return nil
}

func (c *nodeCtx) Value(key any) any {
	switch key {
	case taskKey:
		return c.node().task
	case nodeKey:
		return c.node()
	}
	if in := c.inner.Load(); in != nil {
		return in.ctx.Value(key)
	}
	return c.parent.Value(key)
}

func (c *nodeCtx) String() string {
	if t := c.node().task; t != nil {
		return "aio.Context(task " + t.Name() + ")"
	}
	return "aio.Context"
}

// nodeOf returns the innermost node that ctx reaches, or nil (for a nil
// ctx too).
func nodeOf(ctx context.Context) *node {
	if c, ok := ctx.(*nodeCtx); ok {
		return c.node()
	}
	if ctx == nil {
		return nil
	}
	n, _ := ctx.Value(nodeKey).(*node)
	return n
}

// init links n under parent (which may be nil for a detached node) and
// inherits parent's cancellation; ctx is the context n derives from.
func (n *node) init(l *Loop, parent *node, ctx context.Context, task *taskBase) {
	n.loop, n.task = l, task
	n.ctx.parent = ctx
	if parent != nil {
		parent.addChild(n)
		if parent.cancelled && !n.shield {
			n.cancel(l, parent.cause())
		}
	}
	if _, ours := ctx.(*nodeCtx); !ours {
		// Checked here, not in bridgeForeign: a new task's stack is at its
		// deepest here, and bridgeForeign's frame would make it grow.
		n.bridgeForeign(ctx, parent)
	}
}

// bridgeForeign carries the cancellation of ctx, a context that is not a
// node's, into the tree when ctx can be cancelled by something the tree does
// not know about: an outside context, or a context.WithCancel derived from a
// task's context.
func (n *node) bridgeForeign(ctx context.Context, parent *node) {
	if n.cancelled || n.shield {
		return
	}
	done := ctx.Done()
	if done == nil || (parent != nil && done == parent.ctx.Done()) {
		return
	}
	l := n.loop
	if ctx.Err() != nil {
		n.cancel(l, context.Cause(ctx))
		return
	}
	if l.nodeBridges == nil {
		l.nodeBridges = make(map[*node]*bridge)
	}
	l.nodeBridges[n] = l.addBridge(ctx, func() { n.cancel(l, context.Cause(ctx)) })
	n.bridged = true
}

// unlink removes n from its parent, handing its remaining children (tasks
// that outlive the scope or task that created them) to the parent, so that
// an outer cancellation still reaches them.
func (n *node) unlink() {
	if n.bridged {
		l := n.loop
		l.removeBridge(l.nodeBridges[n])
		delete(l.nodeBridges, n)
		n.bridged = false
	}
	p := n.parent
	if p == nil {
		return
	}
	for c := n.first; c != nil; {
		next := c.next
		c.prev, c.next, c.parent = nil, nil, nil
		if !c.shield {
			p.addChild(c)
		}
		c = next
	}
	n.first = nil
	p.removeChild(n)
}

// addChild links c as p's last child.
func (p *node) addChild(c *node) {
	c.parent, c.next = p, nil
	if p.first == nil {
		p.first, c.prev = c, c
		return
	}
	last := p.first.prev
	last.next, c.prev = c, last
	p.first.prev = c
}

// removeChild unlinks c, one of p's children.
func (p *node) removeChild(c *node) {
	switch {
	case p.first == c:
		p.first = c.next
		if c.next != nil {
			c.next.prev = c.prev // the last child
		}
	case c.next == nil: // the last child, not the first
		c.prev.next = nil
		p.first.prev = c.prev
	default:
		c.prev.next = c.next
		c.next.prev = c.prev
	}
	c.parent, c.prev, c.next = nil, nil, nil
}

// cancel cancels n and its subtree with cause, and wakes the parked tasks in
// it. Cancelling a cancelled node does nothing: the first cause stays.
func (n *node) cancel(l *Loop, cause error) {
	if n.cancelled {
		return
	}
	if cause == nil {
		cause = context.Canceled
	}
	n.cancelled = true
	n.ctx.materialize().cancel(cause)
	if t := n.task; t != nil {
		t.cancelWake()
	}
	for c := n.first; c != nil; c = c.next {
		if !c.shield {
			c.cancel(l, cause)
		}
	}
}
