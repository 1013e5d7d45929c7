package main

// The second half of the talk's "Generator" part: PEP 380, "Syntax for
// Delegating to a Subgenerator". `value = yield from gen1()` is
// gen.YieldFrom(y, gen1()): gen1's values go straight to the caller, and its
// return value is YieldFrom's result.

import (
	"errors"
	"fmt"

	"github.com/aio-go/aio/gen"
)

// gen1 is the subgenerator of the PEP 380 slides:
//
//	def gen1():
//	    yield 1
//	    yield 2
//	    return 3
func gen1() *gen.Generator[int, struct{}, int] {
	return gen.New(func(y *gen.Yielder[int, struct{}]) (int, error) {
		if _, err := y.Yield(1); err != nil {
			return 0, err
		}
		if _, err := y.Yield(2); err != nil {
			return 0, err
		}
		return 3, nil
	})
}

// yieldFrom mirrors:
//
//	def gen2():
//	    value = yield from gen1()
//	    assert value == 3
//
//	for x in gen2():
//	    print(x)
//	# 1
//	# 2
func yieldFrom(tc *tourContext) error {
	gen2 := gen.New(func(y *gen.Yielder[int, struct{}]) (struct{}, error) {
		value, err := gen.YieldFrom(y, gen1())
		if err != nil {
			return struct{}{}, err
		}
		if value != 3 {
			return struct{}{}, fmt.Errorf("assert value == 3: value is %d", value)
		}
		tc.printf("gen2 got %d\n", value)
		return struct{}{}, nil
	})

	for x := range gen2.All() {
		tc.println(x)
	}
	_, err := gen2.Result()
	return err
}

// yieldFromSend mirrors:
//
//	def gen2():
//	    value = yield from gen1()
//	    assert value == 3
//
//	g = gen2()
//	assert g.send(None) == 1
//	assert g.send(None) == 2
//
// with gen2 returning value * 10, to show a return value at the top too:
// the StopIteration that ends g carries it.
func yieldFromSend(tc *tourContext) error {
	g := gen.New(func(y *gen.Yielder[int, struct{}]) (int, error) {
		value, err := gen.YieldFrom(y, gen1())
		if err != nil {
			return 0, err
		}
		tc.printf("gen2 got %d\n", value)
		return value * 10, nil
	})

	for range 2 {
		v, err := g.Next()
		if err != nil {
			return err
		}
		tc.printf("send(None) -> %d\n", v)
	}
	var stop *gen.StopIteration[int]
	if _, err := g.Next(); !errors.As(err, &stop) {
		return fmt.Errorf("third send: got %v, want StopIteration", err)
	}
	tc.printf("StopIteration value %d\n", stop.Value)
	return nil
}

// yieldFromRaiseStopIteration mirrors:
//
//	def gen1():
//	    yield 1
//	    yield 2
//	    raise StopIteration(3)
//
//	def gen2():
//	    value = yield from gen1()
//	    assert value == 3
//
//	g = gen2()
//	assert g.send(None) == 1
//	assert g.send(None) == 2
//
// The slide predates PEP 479 (Python 3.7): a generator that raises
// StopIteration now raises RuntimeError instead of returning 3. gen does the
// same with a body that returns gen.Stop(3).
func yieldFromRaiseStopIteration(tc *tourContext) error {
	g1 := gen.New(func(y *gen.Yielder[int, struct{}]) (int, error) {
		if _, err := y.Yield(1); err != nil {
			return 0, err
		}
		if _, err := y.Yield(2); err != nil {
			return 0, err
		}
		return 0, gen.Stop(3)
	})
	gen2 := gen.New(func(y *gen.Yielder[int, struct{}]) (struct{}, error) {
		value, err := gen.YieldFrom(y, g1)
		if err != nil {
			return struct{}{}, err
		}
		if value != 3 {
			return struct{}{}, fmt.Errorf("assert value == 3: value is %d", value)
		}
		return struct{}{}, nil
	})

	for range 2 {
		v, err := gen2.Next()
		if err != nil {
			return err
		}
		tc.printf("send(None) -> %d\n", v)
	}
	var raised *gen.RaisedStopIteration
	if _, err := gen2.Next(); !errors.As(err, &raised) {
		return fmt.Errorf("third send: got %v, want RuntimeError: generator raised StopIteration", err)
	}
	tc.println("send(None) -> RuntimeError: " + raised.Error())
	return nil
}

// classGen1 is the slide's gen1 written as a class:
//
//	class gen1:
//	    def __init__(self):
//	        self.v = 1
//
//	    def __iter__(self):
//	        return self
//
//	    def __next__(self):
//	        if self.v > 2:
//	            raise StopIteration(3)
//	        v = self.v
//	        self.v += 1
//	        return v
//
// A Next method is all gen.YieldFromIter needs; Python's __iter__ has no
// counterpart.
type classGen1 struct {
	v int
}

func newClassGen1() *classGen1 { return &classGen1{v: 1} }

func (g *classGen1) Next() (int, error) {
	if g.v > 2 {
		return 0, gen.Stop(3)
	}
	v := g.v
	g.v++
	return v, nil
}

// yieldFromClass mirrors:
//
//	def gen2():
//	    value = yield from gen1()
//	    assert value == 3
//
//	g = gen2()
//	assert g.send(None) == 1
//	assert g.send(None) == 2
//
// with the class-based gen1, delegated to by YieldFromIter.
func yieldFromClass(tc *tourContext) error {
	g := gen.New(func(y *gen.Yielder[int, struct{}]) (struct{}, error) {
		value, err := gen.YieldFromIter[int](y, newClassGen1())
		if err != nil {
			return struct{}{}, err
		}
		if value != 3 {
			return struct{}{}, fmt.Errorf("assert value == 3: value is %d", value)
		}
		tc.printf("gen2 got %d\n", value)
		return struct{}{}, nil
	})

	for range 2 {
		v, err := g.Next()
		if err != nil {
			return err
		}
		tc.printf("send(None) -> %d\n", v)
	}
	if _, err := g.Next(); !errors.Is(err, gen.ErrStopIteration) {
		return fmt.Errorf("third send: got %v, want StopIteration", err)
	}
	tc.println("StopIteration")
	return nil
}

// valueError is Python's ValueError: a type of its own, so that the inner
// generator can catch it and nothing else, as `except ValueError` does.
type valueError string

func (e valueError) Error() string { return string(e) }

// yieldFromThrowClose has no slide of its own: it shows the note "what will
// send do?" answered for throw and close, which PEP 380 also passes down to
// the subgenerator.
//
//	def inner():
//	    try:
//	        while True:
//	            try:
//	                yield "inner"
//	            except ValueError as e:
//	                print(f"inner caught {e}")
//	    finally:
//	        print("inner finally")
//
//	def outer():
//	    try:
//	        yield from inner()
//	    finally:
//	        print("outer finally")
func yieldFromThrowClose(tc *tourContext) error {
	inner := func() *gen.Generator[string, struct{}, struct{}] {
		return gen.New(func(y *gen.Yielder[string, struct{}]) (struct{}, error) {
			defer tc.println("inner finally")
			for {
				var ve valueError
				switch _, err := y.Yield("inner"); {
				case errors.As(err, &ve):
					tc.printf("inner caught %v\n", ve)
				case err != nil:
					return struct{}{}, err
				}
			}
		})
	}
	outer := gen.New(func(y *gen.Yielder[string, struct{}]) (struct{}, error) {
		defer tc.println("outer finally")
		return gen.YieldFrom(y, inner())
	})

	v, err := outer.Next()
	if err != nil {
		return err
	}
	tc.printf("send(None) -> %s\n", v)
	if v, err = outer.Throw(valueError("boom")); err != nil {
		return err
	}
	tc.printf("throw(ValueError) -> %s\n", v)
	if err := outer.Close(); err != nil {
		return err
	}
	tc.println("closed")
	return nil
}
