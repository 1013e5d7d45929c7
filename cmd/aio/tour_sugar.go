package main

// The talk's part "Async sugar": async iterators, async context managers,
// async generators and @asynccontextmanager, on aio's kernel. `async for`
// is a range over aio.Iterate (or an async generator's All), `async with`
// is aio.With, and an async generator is aio.NewAsyncGenerator, whose body
// awaits as part of the task that drives it.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aio-go/aio"
)

// countdown is the slide's class-based async iterator:
//
//	class Countdown:
//	    def __init__(self, n):
//	        self.n = n
//	    def __aiter__(self):
//	        return self
//	    async def __anext__(self):
//	        if self.n == 0:
//	            raise StopAsyncIteration
//	        await asyncio.sleep(0.1)
//	        self.n -= 1
//	        return self.n
type countdown struct{ n int }

func (c *countdown) Next(ctx context.Context) (int, error) {
	if c.n == 0 {
		return 0, aio.ErrStopAsyncIteration
	}
	if err := aio.Sleep(ctx, 100*time.Millisecond); err != nil {
		return 0, err
	}
	c.n--
	return c.n, nil
}

// asyncIterator mirrors:
//
//	async def main():
//	    async for v in Countdown(3):
//	        trace(f"got {v}")
func asyncIterator(tc *tourContext) error {
	return tc.loop(func(ctx context.Context) error {
		for v, err := range aio.Iterate[int](ctx, &countdown{3}) {
			if err != nil {
				return err
			}
			tc.atrace(ctx, fmt.Sprintf("got %d", v))
		}
		return nil
	})
}

// resource is the slide's class-based async context manager:
//
//	class Resource:
//	    async def __aenter__(self):
//	        trace("enter: connecting")
//	        await asyncio.sleep(0.1)
//	        return "conn"
//	    async def __aexit__(self, *exc_info):
//	        trace(f"exit: closing, exc={exc_info[0].__name__ if exc_info[0] else None}")
//	        await asyncio.sleep(0.1)
type resource struct{ tc *tourContext }

func (r resource) AEnter(ctx context.Context) (string, error) {
	r.tc.atrace(ctx, "enter: connecting")
	if err := aio.Sleep(ctx, 100*time.Millisecond); err != nil {
		return "", err
	}
	return "conn", nil
}

func (r resource) AExit(ctx context.Context, err error) error {
	exc := "None"
	if err != nil {
		exc = err.Error()
	}
	r.tc.atrace(ctx, "exit: closing, exc="+exc)
	return errors.Join(err, aio.Sleep(ctx, 100*time.Millisecond))
}

// errKeyError stands for the slide's KeyError("k").
var errKeyError = errors.New("KeyError")

// asyncContextManager mirrors:
//
//	async def main():
//	    async with Resource() as r:
//	        trace(f"using {r}")
//	    try:
//	        async with Resource():
//	            raise KeyError("k")
//	    except KeyError:
//	        trace("KeyError propagated")
func asyncContextManager(tc *tourContext) error {
	return tc.loop(func(ctx context.Context) error {
		err := aio.With(ctx, resource{tc}, func(ctx context.Context, r string) error {
			tc.atrace(ctx, "using "+r)
			return nil
		})
		if err != nil {
			return err
		}
		err = aio.With(ctx, resource{tc}, func(ctx context.Context, _ string) error { return errKeyError })
		if !errors.Is(err, errKeyError) {
			return fmt.Errorf("want the KeyError, got %v", err)
		}
		tc.atrace(ctx, "KeyError propagated")
		return nil
	})
}

// fooSquares is the slide's async generator:
//
//	async def bar(i):
//	    await asyncio.sleep(0.1)
//	    return i * i
//
//	async def foo():
//	    try:
//	        for i in range(10):
//	            v = await bar(i)
//	            yield v
//	    finally:
//	        trace("foo finally")
func fooSquares(tc *tourContext) *aio.AsyncGenerator[int, struct{}] {
	bar := func(ctx context.Context, i int) (int, error) {
		if err := aio.Sleep(ctx, 100*time.Millisecond); err != nil {
			return 0, err
		}
		return i * i, nil
	}
	return aio.NewAsyncGenerator(func(ctx context.Context, y *aio.AsyncYielder[int, struct{}]) error {
		defer tc.atrace(ctx, "foo finally")
		for i := range 10 {
			v, err := bar(ctx, i)
			if err != nil {
				return err
			}
			if _, err := y.Yield(ctx, v); err != nil {
				return err
			}
		}
		return nil
	})
}

// asyncGenerator mirrors:
//
//	async def main():
//	    async for v in foo():
//	        trace(f"got {v}")
//	        if v >= 4:
//	            break
//	    g = foo()
//	    trace(f"asend(None) -> {await g.asend(None)}")
//	    try:
//	        await g.athrow(ValueError("x"))
//	    except ValueError as e:
//	        trace(f"athrow(ValueError) -> raised {e}")
//	    g = foo()
//	    trace(f"asend(None) -> {await g.asend(None)}")
//	    await g.aclose()
//	    trace("aclosed")
//
// The break closes the generator at once; CPython closes it a moment later,
// when the loop runs the finalizer of the dropped generator.
func asyncGenerator(tc *tourContext) error {
	return tc.loop(func(ctx context.Context) error {
		for v, err := range fooSquares(tc).All(ctx) {
			if err != nil {
				return err
			}
			tc.atrace(ctx, fmt.Sprintf("got %d", v))
			if v >= 4 {
				break
			}
		}
		g := fooSquares(tc)
		v, err := g.ASend(ctx, struct{}{})
		if err != nil {
			return err
		}
		tc.atrace(ctx, fmt.Sprintf("asend(None) -> %d", v))
		errValue := errors.New("x") // ValueError("x")
		if _, err := g.AThrow(ctx, errValue); !errors.Is(err, errValue) {
			return fmt.Errorf("athrow: want the ValueError, got %v", err)
		}
		tc.atrace(ctx, fmt.Sprintf("athrow(ValueError) -> raised %v", errValue))
		g = fooSquares(tc)
		if v, err = g.ASend(ctx, struct{}{}); err != nil {
			return err
		}
		tc.atrace(ctx, fmt.Sprintf("asend(None) -> %d", v))
		if err := g.AClose(ctx); err != nil {
			return err
		}
		tc.atrace(ctx, "aclosed")
		return nil
	})
}

// asyncContextmanagerFromGenerator mirrors:
//
//	async def initialize():
//	    await asyncio.sleep(0.1)
//	    return "resource"
//
//	async def finalize(resource):
//	    await asyncio.sleep(0.1)
//	    trace(f"finalized {resource}")
//
//	@contextlib.asynccontextmanager
//	async def foo():
//	    resource = await initialize()
//	    try:
//	        yield resource
//	    finally:
//	        await finalize(resource)
//
//	async def main():
//	    async with foo() as resource:
//	        trace(f"using {resource}")
//	    try:
//	        async with foo():
//	            raise ValueError("body failed")
//	    except ValueError as e:
//	        trace(f"ValueError propagated: {e}")
func asyncContextmanagerFromGenerator(tc *tourContext) error {
	initialize := func(ctx context.Context) (string, error) {
		return "resource", aio.Sleep(ctx, 100*time.Millisecond)
	}
	finalize := func(ctx context.Context, resource string) {
		aio.Sleep(ctx, 100*time.Millisecond)
		tc.atrace(ctx, "finalized "+resource)
	}
	foo := func() *aio.GeneratorContextManager[string] {
		return aio.AsyncContextManagerOf(func(ctx context.Context, y *aio.AsyncYielder[string, struct{}]) error {
			resource, err := initialize(ctx)
			if err != nil {
				return err
			}
			defer finalize(ctx, resource)
			_, err = y.Yield(ctx, resource)
			return err
		})
	}
	return tc.loop(func(ctx context.Context) error {
		err := aio.With(ctx, foo(), func(ctx context.Context, resource string) error {
			tc.atrace(ctx, "using "+resource)
			return nil
		})
		if err != nil {
			return err
		}
		errValue := errors.New("body failed") // ValueError("body failed")
		err = aio.With(ctx, foo(), func(context.Context, string) error { return errValue })
		if !errors.Is(err, errValue) {
			return fmt.Errorf("want the ValueError, got %v", err)
		}
		tc.atrace(ctx, fmt.Sprintf("ValueError propagated: %v", err))
		return nil
	})
}
