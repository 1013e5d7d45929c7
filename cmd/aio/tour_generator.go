package main

// The talk's first part, "Generator": a generator as an iterator, then send,
// close and throw (PEP 342). Python's exceptions inside a generator arrive
// in Go as the error that Yield returns; the body decides what to do with it.

import (
	"errors"
	"fmt"

	"github.com/aio-go/aio/gen"
)

// generatorFib mirrors:
//
//	def fib(n):
//	    a, b = 0, 1
//	    for _ in range(n):
//	        yield a
//	        a, b = b, a + b
//
//	for x in fib(10):
//	    print(x)
func generatorFib(tc *tourContext) error {
	fib := func(n int) *gen.Generator[int, struct{}, struct{}] {
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

	g := fib(10)
	for x := range g.All() {
		tc.println(x)
	}
	_, err := g.Result() // a range loop cannot raise the body's error: ask
	return err
}

// summingGen is the generator of the slides on send, close and throw:
//
//	def gen():
//	    s = 0
//	    while True:
//	        x = yield s
//	        s += x
//
// An error at the Yield (Throw, or GeneratorExit from Close) propagates, as
// the exception would in Python.
func summingGen() *gen.Generator[int, int, struct{}] {
	return gen.New(func(y *gen.Yielder[int, int]) (struct{}, error) {
		s := 0
		for {
			x, err := y.Yield(s)
			if err != nil {
				return struct{}{}, err
			}
			s += x
		}
	})
}

// generatorSend mirrors:
//
//	g = gen()  # <generator object gen at 0x7fb8cfbfb7d8>
//	assert g.send(None) == 0
//	assert g.send(1) == 1
//	assert g.send(2) == 3
//	assert g.send(3) == 6
//
// send(None) is Next: the first resume only runs up to the first yield.
func generatorSend(tc *tourContext) error {
	g := summingGen()
	tc.println("created, nothing ran yet")
	s, err := g.Next()
	if err != nil {
		return err
	}
	tc.printf("send(None) -> %d\n", s)
	for _, x := range []int{1, 2, 3} {
		s, err := g.Send(x)
		if err != nil {
			return err
		}
		tc.printf("send(%d) -> %d\n", x, s)
	}
	// CPython closes g as soon as it is dropped; the garbage collector
	// would close it too, but only some time later.
	return g.Close()
}

// generatorClose mirrors:
//
//	g = gen()
//	assert g.send(None) == 0
//	assert g.send(1) == 1
//	...
//	g.close()
func generatorClose(tc *tourContext) error {
	g := summingGen()
	if _, err := g.Next(); err != nil {
		return err
	}
	if _, err := g.Send(1); err != nil {
		return err
	}
	if err := g.Close(); err != nil {
		return err
	}
	tc.println("closed")
	if _, err := g.Send(2); !errors.Is(err, gen.ErrStopIteration) {
		return fmt.Errorf("send after close: got %v, want StopIteration", err)
	}
	tc.println("send after close -> StopIteration")
	if err := g.Close(); err != nil {
		return err
	}
	tc.println("second close is a no-op")
	return nil
}

// generatorThrow mirrors:
//
//	g = gen()
//	assert g.send(None) == 0
//	assert g.send(1) == 1
//	...
//	g.throw(Exception("FOO"))
//
// The body does not handle the error, so it ends with it and Throw returns
// it: Python's throw raises the exception back at the caller.
func generatorThrow(tc *tourContext) error {
	g := summingGen()
	if _, err := g.Next(); err != nil {
		return err
	}
	if _, err := g.Send(1); err != nil {
		return err
	}
	foo := errors.New("FOO")
	if _, err := g.Throw(foo); !errors.Is(err, foo) {
		return fmt.Errorf("throw: got %v, want FOO raised", err)
	}
	tc.printf("throw -> raised %v\n", foo)
	if _, err := g.Send(1); !errors.Is(err, gen.ErrStopIteration) {
		return fmt.Errorf("send after failed throw: got %v, want StopIteration", err)
	}
	tc.println("send after failed throw -> StopIteration")
	return nil
}

// generatorThrowHandled mirrors:
//
//	def gen():
//	    s = 0
//	    while True:
//	        try:
//	            x = yield s
//	        except Exception:
//	            yield "error"
//	            break
//	        s += x
//
//	g = gen()
//	assert g.send(None) == 0
//	...
//	assert g.send(3) == 6
//	assert g.throw(Exception("FOO")) == "error"
//
// The generator yields ints and a string, so it yields any.
func generatorThrowHandled(tc *tourContext) error {
	g := gen.New(func(y *gen.Yielder[any, int]) (struct{}, error) {
		s := 0
		for {
			x, err := y.Yield(s)
			if errors.Is(err, gen.ErrGeneratorExit) {
				return struct{}{}, err // GeneratorExit is not an Exception
			}
			if err != nil {
				if _, err := y.Yield("error"); err != nil {
					return struct{}{}, err
				}
				break
			}
			s += x
		}
		return struct{}{}, nil
	})

	v, err := g.Next()
	if err != nil {
		return err
	}
	tc.printf("send(None) -> %v\n", v)
	for _, x := range []int{1, 2, 3} {
		if v, err = g.Send(x); err != nil {
			return err
		}
		tc.printf("send(%d) -> %v\n", x, v)
	}
	if v, err = g.Throw(errors.New("FOO")); err != nil {
		return err
	}
	tc.printf("throw(FOO) -> %v\n", v)
	if _, err := g.Next(); !errors.Is(err, gen.ErrStopIteration) {
		return fmt.Errorf("send after break: got %v, want StopIteration", err)
	}
	tc.println("send after break -> StopIteration")
	return nil
}

// generatorIgnoresExit has no slide of its own: it shows what the note on
// close means when a generator catches GeneratorExit and yields anyway.
//
//	def stubborn():
//	    try:
//	        yield 1
//	    except GeneratorExit:
//	        print("caught GeneratorExit, yielding again")
//	    try:
//	        yield 2
//	    except GeneratorExit:
//	        print("caught GeneratorExit again, returning")
func generatorIgnoresExit(tc *tourContext) error {
	g := gen.New(func(y *gen.Yielder[int, struct{}]) (struct{}, error) {
		switch _, err := y.Yield(1); {
		case errors.Is(err, gen.ErrGeneratorExit):
			tc.println("caught GeneratorExit, yielding again")
		case err != nil:
			return struct{}{}, err
		}
		switch _, err := y.Yield(2); {
		case errors.Is(err, gen.ErrGeneratorExit):
			tc.println("caught GeneratorExit again, returning")
		case err != nil:
			return struct{}{}, err
		}
		return struct{}{}, nil
	})

	if _, err := g.Next(); err != nil {
		return err
	}
	err := g.Close()
	if !errors.Is(err, gen.ErrIgnoredExit) {
		return fmt.Errorf("close: got %v, want the generator to ignore GeneratorExit", err)
	}
	tc.println("close -> RuntimeError: " + err.Error())
	if err := g.Close(); err != nil {
		return err
	}
	tc.println("second close -> ok")
	return nil
}
