package gen_test

import (
	"errors"
	"fmt"
	"slices"

	"github.com/aio-go/aio/gen"
)

// running sums what it is sent: the talk's `x = yield s; s += x`.
func running(y *gen.Yielder[int, int]) (int, error) {
	s := 0
	for {
		x, err := y.Yield(s)
		if err != nil {
			return s, err
		}
		s += x
	}
}

// fib yields the first n Fibonacci numbers.
func fib(n int) *gen.Generator[int, struct{}, struct{}] {
	return gen.New(func(y *gen.Yielder[int, struct{}]) (struct{}, error) {
		a, b := 0, 1
		for range n {
			if _, err := y.Yield(a); err != nil {
				return struct{}{}, err
			}
			a, b = b, a+b
		}
		return struct{}{}, nil
	})
}

func ExampleNew() {
	g := gen.New(running)
	fmt.Println("created, nothing ran yet")
	for _, v := range []int{0, 1, 2, 3} {
		s, _ := g.Send(v)
		fmt.Printf("send(%d) -> %d\n", v, s)
	}
	g.Close()
	// Output:
	// created, nothing ran yet
	// send(0) -> 0
	// send(1) -> 1
	// send(2) -> 3
	// send(3) -> 6
}

func ExampleGenerator_All() {
	for v := range fib(10).All() {
		fmt.Print(v, " ")
	}
	fmt.Println()
	// Output: 0 1 1 2 3 5 8 13 21 34
}

func ExampleGenerator_All_break() {
	g := gen.New(func(y *gen.Yielder[string, struct{}]) (int, error) {
		defer fmt.Println("body cleaned up")
		for _, s := range []string{"a", "b", "c"} {
			if _, err := y.Yield(s); err != nil {
				return 0, err
			}
		}
		return 3, nil
	})
	for s := range g.All() {
		fmt.Println(s)
		if s == "b" {
			break // closes the generator
		}
	}
	fmt.Println("done:", g.Done())
	// Output:
	// a
	// b
	// body cleaned up
	// done: true
}

func ExampleGenerator_Next() {
	g := fib(3)
	for {
		v, err := g.Next()
		if errors.Is(err, gen.ErrStopIteration) {
			fmt.Println("StopIteration")
			return
		}
		fmt.Println(v)
	}
	// Output:
	// 0
	// 1
	// 1
	// StopIteration
}

func ExampleGenerator_Send() {
	g := gen.New(running)
	g.Next() // run up to the first Yield, like send(None)
	g.Send(10)
	s, _ := g.Send(5)
	fmt.Println(s)
	_, err := g.Send(1) // Send on an unstarted generator needs the zero value
	fmt.Println(err)
	g.Close()
	_, err = gen.New(running).Send(1)
	fmt.Println(err)
	// Output:
	// 15
	// <nil>
	// gen: can't send a non-zero value to a just-started generator
}

func ExampleGenerator_Throw() {
	g := gen.New(func(y *gen.Yielder[string, struct{}]) (struct{}, error) {
		for {
			if _, err := y.Yield("waiting"); err != nil {
				_, err = y.Yield("handled " + err.Error())
				return struct{}{}, err
			}
		}
	})
	g.Next()
	v, err := g.Throw(errors.New("FOO"))
	fmt.Println(v, err)
	_, err = g.Throw(errors.New("BAR")) // not handled this time
	fmt.Println(err, g.Done())
	// Output:
	// handled FOO <nil>
	// BAR true
}

func ExampleGenerator_Close() {
	g := gen.New(func(y *gen.Yielder[int, struct{}]) (struct{}, error) {
		if _, err := y.Yield(1); err != nil {
			fmt.Println("caught", err)
		}
		_, err := y.Yield(2) // ignores the first close
		return struct{}{}, err
	})
	g.Next()
	fmt.Println("close:", g.Close())
	fmt.Println("close again:", g.Close())
	fmt.Println("close a finished one:", g.Close())
	// Output:
	// caught gen: GeneratorExit
	// close: generator ignored GeneratorExit
	// close again: <nil>
	// close a finished one: <nil>
}

func ExampleGenerator_Result() {
	g := gen.New(func(y *gen.Yielder[int, struct{}]) (string, error) {
		y.Yield(1)
		return "finished", nil
	})
	_, err := g.Result()
	fmt.Println(err)
	g.Next()
	_, err = g.Next()
	var stop *gen.StopIteration[string]
	fmt.Println(errors.As(err, &stop), stop.Value)
	r, err := g.Result()
	fmt.Println(r, err)
	// Output:
	// gen: generator has not finished
	// true finished
	// finished <nil>
}

func ExampleGenerator_Done() {
	g := fib(1)
	fmt.Println(g.Done())
	g.Next()
	g.Next()
	fmt.Println(g.Done())
	// Output:
	// false
	// true
}

func ExampleYielder_Yield() {
	// Yield returns what the caller sends, or the error it throws in.
	echo := gen.New(func(y *gen.Yielder[string, string]) (struct{}, error) {
		msg := "ready"
		for {
			in, err := y.Yield(msg)
			if err != nil {
				return struct{}{}, err
			}
			msg = "echo " + in
		}
	})
	v, _ := echo.Next()
	fmt.Println(v)
	v, _ = echo.Send("hi")
	fmt.Println(v)
	fmt.Println(echo.Close())
	// Output:
	// ready
	// echo hi
	// <nil>
}

func ExampleYieldFrom() {
	gen1 := gen.New(func(y *gen.Yielder[int, struct{}]) (int, error) {
		y.Yield(1)
		y.Yield(2)
		return 3, nil
	})
	gen2 := gen.New(func(y *gen.Yielder[int, struct{}]) (int, error) {
		value, err := gen.YieldFrom(y, gen1)
		fmt.Println("gen2 got", value)
		return value * 10, err
	})
	for v := range gen2.All() {
		fmt.Println(v)
	}
	fmt.Println(gen2.Result())
	// Output:
	// 1
	// 2
	// gen2 got 3
	// 30 <nil>
}

// countTo is a hand-written generator, the talk's `class gen1` with a
// __next__ that raises StopIteration(3).
type countTo struct{ v, n int }

func (c *countTo) Next() (int, error) {
	if c.v >= c.n {
		return 0, gen.Stop(c.n)
	}
	c.v++
	return c.v, nil
}

// A recursive generator, Python's
//
//	def walk(t):
//	    if t:
//	        yield from walk(t.left)
//	        yield t.value
//	        yield from walk(t.right)
//
// Each delegate is made on the spot and seen by nobody else, so
// YieldFromFunc runs it on the delegating body's stack: the whole walk is
// one coroutine.
func ExampleYieldFromFunc() {
	type tree struct {
		left, right *tree
		value       string
	}
	var walk func(t *tree) func(*gen.Yielder[string, struct{}]) (int, error)
	walk = func(t *tree) func(*gen.Yielder[string, struct{}]) (int, error) {
		return func(y *gen.Yielder[string, struct{}]) (int, error) {
			if t == nil {
				return 0, nil
			}
			l, err := gen.YieldFromFunc(y, walk(t.left))
			if err != nil {
				return 0, err
			}
			if _, err := y.Yield(t.value); err != nil {
				return 0, err
			}
			r, err := gen.YieldFromFunc(y, walk(t.right))
			return l + 1 + r, err // the size of the subtree
		}
	}
	t := &tree{value: "d",
		left:  &tree{value: "b", left: &tree{value: "a"}, right: &tree{value: "c"}},
		right: &tree{value: "e"}}
	g := gen.New(walk(t))
	for v := range g.All() {
		fmt.Print(v, " ")
	}
	n, _ := g.Result()
	fmt.Println("-", n, "nodes")
	// Output: a b c d e - 5 nodes
}

func ExampleYieldFromIter() {
	g := gen.New(func(y *gen.Yielder[int, struct{}]) (struct{}, error) {
		value, err := gen.YieldFromIter[int](y, &countTo{n: 2})
		fmt.Println("got", value, err)
		return struct{}{}, err
	})
	for v := range g.All() {
		fmt.Println(v)
	}
	// Output:
	// 1
	// 2
	// got 2 <nil>
}

func ExampleYieldFromSeq() {
	g := gen.New(func(y *gen.Yielder[string, struct{}]) (struct{}, error) {
		if err := gen.YieldFromSeq(y, slices.Values([]string{"a", "b"})); err != nil {
			return struct{}{}, err
		}
		_, err := y.Yield("c")
		return struct{}{}, err
	})
	fmt.Println(slices.Collect(g.All()))
	// Output: [a b c]
}

func ExampleStop() {
	// A generator body must not end with Stop: PEP 479 turns it into an error.
	g := gen.New(func(y *gen.Yielder[int, struct{}]) (int, error) {
		y.Yield(1)
		return 0, gen.Stop(3)
	})
	g.Next()
	_, err := g.Next()
	fmt.Println(err)
	// Output: generator raised StopIteration
}

func ExampleDrainPool() {
	for v := range fib(2).All() {
		_ = v
	}
	gen.DrainPool() // the finished generator's goroutine was kept for reuse
	fmt.Println("drained")
	// Output: drained
}
