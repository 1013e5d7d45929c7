package aio

import "context"

// Bridges carry the cancellation of a context the cancellation tree does not
// know into the loop: an outside context (WithContext, an HTTP request's), or
// a context.WithCancel derived from a task's context and cancelled by the
// user. context.AfterFunc posts the cancellation to the loop's inbox, so
// nothing polls. But AfterFunc runs its function on a goroutine of its own:
// a cancel() called on the loop thread reaches the inbox a moment later, and
// a virtual clock must not jump past it meanwhile. So the loop also keeps
// its bridges in a list, in the order they were made, and looks at their
// contexts before it waits or jumps: a cancelled one fires at once, on the
// loop, and deterministically.

// bridge is one registered context.AfterFunc.
type bridge struct {
	ctx        context.Context
	fire       func() // on the loop thread, once
	stop       func() bool
	prev, next *bridge
	linked     bool
}

// addBridge arranges for fire to run on the loop when ctx is cancelled.
func (l *Loop) addBridge(ctx context.Context, fire func()) *bridge {
	b := &bridge{ctx: ctx, fire: fire, linked: true}
	b.prev = l.bridgeTail
	if l.bridgeTail == nil {
		l.bridgeHead = b
	} else {
		l.bridgeTail.next = b
	}
	l.bridgeTail = b
	l.bridges++
	b.stop = context.AfterFunc(ctx, func() {
		l.inbox.post(func() { l.fireBridge(b) })
	})
	return b
}

// removeBridge unregisters b; removing it twice does nothing.
func (l *Loop) removeBridge(b *bridge) {
	if !b.linked {
		return
	}
	b.linked = false
	b.stop()
	if b.prev == nil {
		l.bridgeHead = b.next
	} else {
		b.prev.next = b.next
	}
	if b.next == nil {
		l.bridgeTail = b.prev
	} else {
		b.next.prev = b.prev
	}
	b.prev, b.next = nil, nil
	l.bridges--
}

func (l *Loop) fireBridge(b *bridge) {
	if b.linked {
		l.removeBridge(b)
		b.fire()
	}
}

// pollBridges fires the bridges whose context is cancelled already, and
// reports whether there were any.
func (l *Loop) pollBridges() bool {
	fired := false
	for b := l.bridgeHead; b != nil; {
		next := b.next
		if b.ctx.Err() != nil {
			l.fireBridge(b)
			fired = true
		}
		b = next
	}
	return fired
}
