package gen

import (
	"iter"

	"github.com/aio-go/aio/internal/coro"
)

// All returns an iterator over the values the generator yields, for use with
// range: each step is a Next. The loop ends when the body returns; Result
// then reports how it ended, the body's error included (Python's for loop
// would raise it; range cannot, so check Result as you would bufio.Scanner's
// Err). A break, a return or a panic in the loop body closes the generator,
// so the body's cleanup runs at once; an error from that Close (a body that
// fails in its cleanup) is what Result reports, and a body that ignores the
// close is left to the finalizer. A panic in the generator's body comes out
// of the loop with the same value. All can be called more than once; a later
// loop continues where the earlier one stopped, and a loop over a finished
// generator does nothing.
func (g *Generator[Y, S, R]) All() iter.Seq[Y] {
	return func(yield func(Y) bool) {
		for {
			v, err := g.Next()
			if err != nil {
				return
			}
			if !g.yieldTo(yield, v) {
				return
			}
		}
	}
}

// yieldTo runs the loop body, closing the generator if the body stops the
// loop or panics.
func (g *Generator[Y, S, R]) yieldTo(yield func(Y) bool, v Y) (more bool) {
	defer func() {
		if !more {
			g.Close()
		}
	}()
	return yield(v)
}

// DrainPool ends the goroutines that finished generators left idle for
// reuse. It is safe at any time: generators that are running or suspended
// keep theirs, and later generators start new ones as needed. Call it before
// a goroutine leak check, or to give back the memory of a burst.
func DrainPool() { coro.Default.Drain() }
