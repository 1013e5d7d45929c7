package main

// The talk's part "Generator-based framework": two functions that sleep one
// after the other, then the same functions as generators that yield how long
// they want to sleep, and a loop, run, that sleeps for all of them at once.
// Every framework of the talk (asyncio, trio, curio, tornado) works this way.
//
// The generators yield a time.Duration where the slides yield seconds, and
// receive any, so that what run sends them is nil, Python's None.

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aio-go/aio/gen"
)

// blocking mirrors:
//
//	def a():
//	    trace("a enter")
//	    time.sleep(1)
//	    trace("a exit")
//
//	def b():
//	    trace("b enter")
//	    time.sleep(.5)
//	    trace("b middle")
//	    time.sleep(.5)
//	    trace("b exit")
//
//	a()
//	b()
func blocking(tc *tourContext) error {
	a := func() {
		tc.trace("a enter")
		tc.clock.Sleep(time.Second)
		tc.trace("a exit")
	}
	b := func() {
		tc.trace("b enter")
		tc.clock.Sleep(500 * time.Millisecond)
		tc.trace("b middle")
		tc.clock.Sleep(500 * time.Millisecond)
		tc.trace("b exit")
	}

	a()
	b()
	return nil
}

// sleeper is what run drives: next(g) is all the slide's run calls, and
// Close lets run finish off the others when one fails.
type sleeper interface {
	Next() (time.Duration, error)
	Close() error
}

// run mirrors the slide's loop:
//
//	def run(*gens):
//	    wakes = {g: 0 for g in gens}
//	    while wakes:
//	        g = min(wakes, key=lambda g: wakes[g])
//	        time.sleep(max(0, wakes[g] - time.time()))
//	        try:
//	            wakes[g] = time.time() + next(g)
//	        except StopIteration:
//	            wakes.pop(g)
//
// If a generator fails, run closes the others and returns the error, as
// CPython would close them when they are freed.
func run(tc *tourContext, gens ...sleeper) error {
	type wake struct {
		g  sleeper
		at time.Time // the zero Time is the slide's 0: before any now
	}
	// A slice, not a map: Python's dict keeps its keys in insertion order
	// and min returns the first of equal wake-ups, so of two generators due
	// at once the one registered first runs first. Go's maps have no order.
	wakes := make([]wake, len(gens))
	for i, g := range gens {
		wakes[i] = wake{g: g}
	}
	for len(wakes) > 0 {
		i := 0
		for j := range wakes {
			if wakes[j].at.Before(wakes[i].at) {
				i = j
			}
		}
		tc.clock.Sleep(max(0, wakes[i].at.Sub(tc.clock.Now())))
		// Python evaluates time.time() before next(g): the time the step
		// takes is not added to its sleep.
		now := tc.clock.Now()
		d, err := wakes[i].g.Next()
		switch {
		case err == nil:
			wakes[i].at = now.Add(d)
		case errors.Is(err, gen.ErrStopIteration):
			wakes = slices.Delete(wakes, i, i+1)
		default:
			for _, w := range wakes {
				err = errors.Join(err, w.g.Close())
			}
			return err
		}
	}
	return nil
}

// generatorFramework mirrors:
//
//	def a():
//	    trace("a enter")
//	    yield 1
//	    trace("a exit")
//
//	def b():
//	    trace("b enter")
//	    yield .5
//	    trace("b middle")
//	    yield .5
//	    trace("b exit")
//
//	run(a(), b())
func generatorFramework(tc *tourContext) error {
	a := func() *gen.Generator[time.Duration, any, struct{}] {
		return gen.New(func(y *gen.Yielder[time.Duration, any]) (struct{}, error) {
			tc.trace("a enter")
			if _, err := y.Yield(time.Second); err != nil {
				return struct{}{}, err
			}
			tc.trace("a exit")
			return struct{}{}, nil
		})
	}
	b := func() *gen.Generator[time.Duration, any, struct{}] {
		return gen.New(func(y *gen.Yielder[time.Duration, any]) (struct{}, error) {
			tc.trace("b enter")
			if _, err := y.Yield(500 * time.Millisecond); err != nil {
				return struct{}{}, err
			}
			tc.trace("b middle")
			if _, err := y.Yield(500 * time.Millisecond); err != nil {
				return struct{}{}, err
			}
			tc.trace("b exit")
			return struct{}{}, nil
		})
	}

	return run(tc, a(), b())
}

// generatorFrameworkSleep mirrors:
//
//	def sleep(t):
//	    trace("sleep enter")
//	    v = yield t
//	    trace("sleep exit")
//	    return v
//
//	def foo():
//	    trace("foo enter")
//	    result = yield from sleep(1)
//	    assert result is None
//	    trace("foo exit")
//
//	run(foo())
//
// Real frameworks hide the yield in helpers like sleep; the user writes
// yield from, gen.YieldFrom here.
func generatorFrameworkSleep(tc *tourContext) error {
	sleep := func(t time.Duration) *gen.Generator[time.Duration, any, any] {
		return gen.New(func(y *gen.Yielder[time.Duration, any]) (any, error) {
			tc.trace("sleep enter")
			v, err := y.Yield(t)
			if err != nil {
				return nil, err
			}
			tc.trace("sleep exit")
			return v, nil
		})
	}
	foo := func() *gen.Generator[time.Duration, any, struct{}] {
		return gen.New(func(y *gen.Yielder[time.Duration, any]) (struct{}, error) {
			tc.trace("foo enter")
			result, err := gen.YieldFrom(y, sleep(time.Second))
			if err != nil {
				return struct{}{}, err
			}
			if result != nil {
				return struct{}{}, fmt.Errorf("assert result is None: result is %v", result)
			}
			tc.trace("foo exit")
			return struct{}{}, nil
		})
	}

	return run(tc, foo())
}
