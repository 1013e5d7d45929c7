package workloads

import (
	"errors"
	"fmt"
	"iter"

	"github.com/aio-go/aio/gen"
)

// gen_send: the generator `s = 0; while True: s += yield s`, started, then
// sent 0..size-1; one send is one op.

func genSendAIO(size int) (measure, error) {
	g := gen.New(func(y *gen.Yielder[int, int]) (struct{}, error) {
		s := 0
		for {
			x, err := y.Yield(s)
			if err != nil {
				return struct{}{}, err
			}
			s += x
		}
	})
	if _, err := g.Next(); err != nil {
		return measure{}, err
	}
	var s int
	m, err := timed(size, func() error {
		for i := range size {
			v, err := g.Send(i)
			if err != nil {
				return err
			}
			s = v
		}
		return nil
	})
	if err != nil {
		return m, err
	}
	if err := g.Close(); err != nil {
		return m, err
	}
	return m, checkSum(s, size)
}

// genSendGo is the floor: iter.Pull cannot send, so the value goes through a
// variable the body reads after each yield, and one op is one next().
func genSendGo(size int) (measure, error) {
	var in int
	next, stop := iter.Pull(func(yield func(int) bool) {
		s := 0
		for yield(s) {
			s += in
		}
	})
	defer stop()
	next()
	var s int
	m, err := timed(size, func() error {
		for i := range size {
			in = i
			s, _ = next()
		}
		return nil
	})
	return m, errors.Join(err, checkSum(s, size))
}

// checkSum checks that 0+1+...+(n-1) came back, so that the work is not
// optimised away and a broken workload fails instead of measuring nothing.
func checkSum(got, n int) error {
	if want := n * (n - 1) / 2; got != want {
		return fmt.Errorf("sum %d, want %d", got, want)
	}
	return nil
}

// generators: pyperformance's "generators", an in-order traversal of a
// balanced binary tree of size nodes (node i of 0..size-1, the middle as
// root) by a recursive generator, summing the values; one traversal is one
// op, 10 ops.

const traversals = 10

type node struct {
	left, right *node
	value       int
}

// buildTree returns the balanced tree of the values lo..hi-1.
func buildTree(lo, hi int) *node {
	if lo >= hi {
		return nil
	}
	mid := lo + (hi-lo)/2
	return &node{left: buildTree(lo, mid), value: mid, right: buildTree(mid+1, hi)}
}

// walk is the README's
//
//	def walk(n):
//	    if n:
//	        yield from walk(n.left)
//	        yield n.value
//	        yield from walk(n.right)
//
// including the generators made for the nil children, as in Python. Each
// `yield from walk(...)` delegates to a new generator that nothing else
// refers to, which is what gen.YieldFromFunc is for.
func walk(n *node) func(*gen.Yielder[int, struct{}]) (struct{}, error) {
	return func(y *gen.Yielder[int, struct{}]) (struct{}, error) {
		if n == nil {
			return struct{}{}, nil
		}
		if _, err := gen.YieldFromFunc(y, walk(n.left)); err != nil {
			return struct{}{}, err
		}
		if _, err := y.Yield(n.value); err != nil {
			return struct{}{}, err
		}
		return gen.YieldFromFunc(y, walk(n.right))
	}
}

func generatorsAIO(size int) (measure, error) {
	root := buildTree(0, size)
	return timed(traversals, func() error {
		for range traversals {
			s := 0
			g := gen.New(walk(root))
			for v := range g.All() {
				s += v
			}
			if _, err := g.Result(); err != nil {
				return err
			}
			if err := checkSum(s, size); err != nil {
				return err
			}
		}
		return nil
	})
}

// walkSeq is the same traversal as a recursive iter.Seq, each level ranging
// over the level below as `yield from` does.
func walkSeq(n *node) iter.Seq[int] {
	return func(yield func(int) bool) {
		if n == nil {
			return
		}
		for v := range walkSeq(n.left) {
			if !yield(v) {
				return
			}
		}
		if !yield(n.value) {
			return
		}
		for v := range walkSeq(n.right) {
			if !yield(v) {
				return
			}
		}
	}
}

func generatorsGo(size int) (measure, error) {
	root := buildTree(0, size)
	return timed(traversals, func() error {
		for range traversals {
			s := 0
			for v := range walkSeq(root) {
				s += v
			}
			if err := checkSum(s, size); err != nil {
				return err
			}
		}
		return nil
	})
}
