package aio

import (
	"context"

	"github.com/aio-go/aio/gen"
)

// YieldFromAsync runs body, the body of an inner async generator that
// nothing else refers to, inline in this one: Python's
//
//	async for v in inner():
//	    yield v
//
// for an async generator function inner, or PEP 380's `yield from` had
// async generators one. body yields through y, so its values reach this
// generator's caller in this generator's own round trip, and ASend, AThrow
// and AClose of this generator reach body at its Yield, as gen.YieldFromFunc
// forwards them (a sent value reaches body where the `async for` form drops
// it). body runs with ctx, this body's context; it needs no coroutine of its
// own, so a recursive async generator (a tree walk) costs one coroutine
// however deep it recurses.
//
// It returns body's error: nil when body returns nil (a body that returns
// ErrStopAsyncIteration gets *RaisedStopAsyncIteration), and the exit
// (gen.ErrGeneratorExit) when this generator was closed while body ran and
// body returned. A nil body panics.
func YieldFromAsync[Y, S any](ctx context.Context, y *AsyncYielder[Y, S], body func(ctx context.Context, y *AsyncYielder[Y, S]) error) error {
	if body == nil {
		panic("aio: YieldFromAsync of a nil body")
	}
	_, err := gen.YieldFromFunc(y.y, func(*gen.Yielder[Y, S]) (struct{}, error) {
		return struct{}{}, stopIsABug(body(ctx, y))
	})
	return err
}
