package aio

import (
	"context"
	"errors"
)

// Structure across yields (PEP 789).
//
// A yield hands control to the code that drives the generator, outside
// the body. If the body opened a cancel scope (Timeout, CancelScope,
// MoveOnAfter, Shield) or a TaskGroup and yields inside it, the scope goes
// on while that outside code runs: its deadline fires into whatever the
// driver awaits next, its tasks run on, and the cancellation lands on the
// wrong code — the confusing failures that Python has had since 2017. So an
// async generator's Yield is given the context the body awaits with there,
// and refuses to yield inside a scope of the body's own: the body's
// context, or any context derived from it with values only, names the
// driver's scope; a scope the body opened names one of its own.

// ErrYieldInScope is the error of an AsyncYielder.Yield made inside a cancel
// scope or TaskGroup that the generator's body opened: nothing is yielded.
// Move the yield out of the scope, or collect the values and yield them
// after it closes.
var ErrYieldInScope = errors.New("aio: async generator yielded inside a cancel scope or task group its body opened (PEP 789); yield outside it")

// checkYieldScope reports ErrYieldInScope if ctx is inside a scope below
// the driver's, driver being the body's context.
func checkYieldScope(ctx, driver context.Context) error {
	if ctx == nil || driver == nil {
		return nil
	}
	n, d := nodeOf(ctx), nodeOf(driver)
	if n == nil || d == nil || n == d {
		return nil
	}
	return ErrYieldInScope
}
