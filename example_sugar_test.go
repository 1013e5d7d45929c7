package aio_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/gen"
)

// countdownIter is an async iterator written by hand: Next awaits.
type countdownIter struct{ n int }

func (c *countdownIter) Next(ctx context.Context) (int, error) {
	if c.n == 0 {
		return 0, aio.ErrStopAsyncIteration
	}
	if err := aio.Sleep(ctx, 100*time.Millisecond); err != nil {
		return 0, err
	}
	c.n--
	return c.n, nil
}

// Iterate is `async for`: each step awaits the iterator's Next.
func ExampleIterate() {
	aio.Run(func(ctx context.Context) (int, error) {
		start := aio.Now(ctx)
		for v, err := range aio.Iterate[int](ctx, &countdownIter{3}) {
			if err != nil {
				return 0, err
			}
			fmt.Println(v, "at", aio.Now(ctx).Sub(start))
		}
		return 0, nil
	}, aio.WithVirtualClock())
	// Output:
	// 2 at 100ms
	// 1 at 200ms
	// 0 at 300ms
}

// An async generator's body awaits between its yields; a break out of the
// range loop closes it at once, and its cleanup may await too.
func ExampleNewAsyncGenerator() {
	aio.Run(func(ctx context.Context) (int, error) {
		squares := aio.NewAsyncGenerator(func(ctx context.Context, y *aio.AsyncYielder[int, struct{}]) error {
			defer func() {
				aio.Sleep(ctx, time.Second)
				fmt.Println("cleanup done")
			}()
			for i := 0; ; i++ {
				if err := aio.Sleep(ctx, 100*time.Millisecond); err != nil {
					return err
				}
				if _, err := y.Yield(ctx, i*i); err != nil {
					return err // closed: gen.ErrGeneratorExit
				}
			}
		})
		for v, err := range squares.All(ctx) {
			if err != nil {
				return 0, err
			}
			fmt.Println("got", v)
			if v >= 4 {
				break
			}
		}
		fmt.Println("after the loop; done:", squares.Done())
		return 0, nil
	}, aio.WithVirtualClock())
	// Output:
	// got 0
	// got 1
	// got 4
	// cleanup done
	// after the loop; done: true
}

// ASend, AThrow and AClose are the generator protocol, awaited.
func ExampleAsyncGenerator_ASend() {
	aio.Run(func(ctx context.Context) (int, error) {
		// A running total: each ASend adds to it and gets the total back.
		total := aio.NewAsyncGenerator(func(ctx context.Context, y *aio.AsyncYielder[int, int]) error {
			sum := 0
			for {
				v, err := y.Yield(ctx, sum)
				if errors.Is(err, errReset) {
					sum = 0
					continue
				}
				if err != nil {
					return err
				}
				sum += v
			}
		})
		fmt.Println(total.ASend(ctx, 0)) // starts it: the zero value
		fmt.Println(total.ASend(ctx, 5))
		fmt.Println(total.ASend(ctx, 7))
		fmt.Println(total.AThrow(ctx, errReset)) // handled: it yields again
		fmt.Println(total.AClose(ctx))
		fmt.Println(total.ASend(ctx, 1))
		return 0, nil
	}, aio.WithVirtualClock())
	// Output:
	// 0 <nil>
	// 5 <nil>
	// 12 <nil>
	// 0 <nil>
	// <nil>
	// 0 aio: StopAsyncIteration
}

var errReset = errors.New("reset")

// A body that yields inside a scope it opened would leave the scope running
// while the caller runs: the yield is refused.
func ExampleAsyncYielder_Yield() {
	aio.Run(func(ctx context.Context) (int, error) {
		g := aio.NewAsyncGenerator(func(ctx context.Context, y *aio.AsyncYielder[int, struct{}]) error {
			return aio.Timeout(ctx, time.Second, func(ctx context.Context, _ *aio.Scope) error {
				_, err := y.Yield(ctx, 1)
				return err
			})
		})
		_, err := g.Next(ctx)
		fmt.Println(errors.Is(err, aio.ErrYieldInScope))
		return 0, nil
	}, aio.WithVirtualClock())
	// Output:
	// true
}

// AsyncContextManagerOf is @contextlib.asynccontextmanager: set up, yield
// the resource once, clean up; the body's error comes back at the yield.
func ExampleAsyncContextManagerOf() {
	aio.Run(func(ctx context.Context) (int, error) {
		start := aio.Now(ctx)
		at := func() time.Duration { return aio.Now(ctx).Sub(start) }
		connect := func(addr string) *aio.GeneratorContextManager[string] {
			return aio.AsyncContextManagerOf(func(ctx context.Context, y *aio.AsyncYielder[string, struct{}]) error {
				aio.Sleep(ctx, 100*time.Millisecond)
				fmt.Println("connected at", at())
				defer func() {
					aio.Sleep(ctx, 100*time.Millisecond)
					fmt.Println("closed at", at())
				}()
				_, err := y.Yield(ctx, "conn to "+addr)
				return err // the body's error, passed on
			})
		}
		err := aio.With(ctx, connect("db"), func(ctx context.Context, conn string) error {
			fmt.Println("using", conn)
			return errors.New("query failed")
		})
		fmt.Println("With:", err)
		return 0, nil
	}, aio.WithVirtualClock())
	// Output:
	// connected at 100ms
	// using conn to db
	// closed at 200ms
	// With: query failed
}

// lock is a class-style async context manager.
type lock struct{ name string }

func (l lock) AEnter(ctx context.Context) (string, error) {
	fmt.Println("acquire", l.name)
	return l.name, aio.Sleep(ctx, 0)
}

func (l lock) AExit(ctx context.Context, err error) error {
	fmt.Println("release", l.name, "error:", err)
	return err
}

// With is `async with`: AExit runs whatever the function returns.
func ExampleWith() {
	aio.Run(func(ctx context.Context) (int, error) {
		err := aio.With(ctx, lock{"a"}, func(ctx context.Context, name string) error {
			fmt.Println("holding", name)
			return nil
		})
		fmt.Println("With:", err)
		return 0, nil
	}, aio.WithVirtualClock())
	// Output:
	// acquire a
	// holding a
	// release a error: <nil>
	// With: <nil>
}

// An AsyncExitStack unwinds what was entered in reverse order, awaiting
// each exit, and joins every error.
func ExampleAsyncExitStack() {
	aio.Run(func(ctx context.Context) (int, error) {
		err := aio.With(ctx, new(aio.AsyncExitStack), func(ctx context.Context, stack *aio.AsyncExitStack) error {
			for _, name := range []string{"a", "b"} {
				if _, err := aio.EnterAsyncContext(ctx, stack, lock{name}); err != nil {
					return err
				}
			}
			stack.Callback(func(ctx context.Context) error {
				fmt.Println("callback")
				return errors.New("callback failed")
			})
			return nil
		})
		fmt.Println("With:", err)
		return 0, nil
	}, aio.WithVirtualClock())
	// Output:
	// acquire a
	// acquire b
	// callback
	// release b error: callback failed
	// release a error: callback failed
	// With: callback failed
}

// A gen generator's body may await too, when a task drives it: it runs as
// part of that task.
func Example_generatorBodyAwaits() {
	aio.Run(func(ctx context.Context) (int, error) {
		start := aio.Now(ctx)
		ticks := gen.New(func(y *gen.Yielder[time.Duration, struct{}]) (struct{}, error) {
			for range 3 {
				if err := aio.Sleep(ctx, time.Second); err != nil {
					return struct{}{}, err
				}
				y.Yield(aio.Now(ctx).Sub(start))
			}
			return struct{}{}, nil
		})
		for at := range ticks.All() {
			fmt.Println("tick at", at)
		}
		return 0, nil
	}, aio.WithVirtualClock())
	// Output:
	// tick at 1s
	// tick at 2s
	// tick at 3s
}

// tree is a binary tree for ExampleYieldFromAsync.
type tree struct {
	left, right *tree
	value       int
}

// walkTree is `async for v in walk(n.left): yield v`, inline: the whole
// walk is one coroutine however deep the tree.
func walkTree(n *tree) func(ctx context.Context, y *aio.AsyncYielder[int, struct{}]) error {
	return func(ctx context.Context, y *aio.AsyncYielder[int, struct{}]) error {
		if n == nil {
			return nil
		}
		if err := aio.YieldFromAsync(ctx, y, walkTree(n.left)); err != nil {
			return err
		}
		if _, err := y.Yield(ctx, n.value); err != nil {
			return err
		}
		return aio.YieldFromAsync(ctx, y, walkTree(n.right))
	}
}

// YieldFromAsync runs an inner async generator's body inline: a recursive
// async generator walks a tree.
func ExampleYieldFromAsync() {
	aio.Run(func(ctx context.Context) (int, error) {
		root := &tree{&tree{nil, nil, 1}, &tree{&tree{nil, nil, 3}, nil, 4}, 2}
		for v, err := range aio.NewAsyncGenerator(walkTree(root)).All(ctx) {
			if err != nil {
				return 0, err
			}
			fmt.Print(v, " ")
		}
		fmt.Println()
		return 0, nil
	}, aio.WithVirtualClock())
	// Output:
	// 1 2 3 4
}

// An exit pushed with PushExit sees the error so far and decides what
// goes on: here it suppresses one it knows how to handle.
func ExampleAsyncExitStack_PushExit() {
	aio.Run(func(ctx context.Context) (int, error) {
		errRetry := errors.New("retry later")
		var stack aio.AsyncExitStack
		stack.PushExit(func(ctx context.Context, err error) error {
			if errors.Is(err, errRetry) {
				fmt.Println("handled:", err)
				return nil
			}
			return err
		})
		fmt.Println("Unwind:", stack.Unwind(ctx, errRetry))
		return 0, nil
	}, aio.WithVirtualClock())
	// Output:
	// handled: retry later
	// Unwind: <nil>
}
