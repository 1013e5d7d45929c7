package gen_test

import (
	"iter"
	"testing"

	"github.com/aio-go/aio/gen"
)

// counter yields 0, 1, 2, ... forever, adding whatever is sent.
func counter(y *gen.Yielder[int, int]) (int, error) {
	n := 0
	for {
		x, err := y.Yield(n)
		if err != nil {
			return n, err
		}
		n += 1 + x
	}
}

// BenchmarkSend is one Send round trip into a suspended generator.
func BenchmarkSend(b *testing.B) {
	g := gen.New(counter)
	g.Next()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := g.Send(1); err != nil {
			b.Fatal(err)
		}
	}
	g.Close()
}

// BenchmarkPullBaseline is one next() of a raw iter.Pull: the floor for Send.
func BenchmarkPullBaseline(b *testing.B) {
	next, stop := iter.Pull(func(yield func(int) bool) {
		for n := 0; yield(n); n++ {
		}
	})
	defer stop()
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := next(); !ok {
			b.Fatal("ended")
		}
	}
}

func once(y *gen.Yielder[int, struct{}]) (int, error) { return 1, nil }

// BenchmarkNewRun creates a generator and resumes it once, to completion.
func BenchmarkNewRun(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		g := gen.New(once)
		if _, err := g.Next(); err == nil {
			b.Fatal("not finished")
		}
	}
}

// BenchmarkPullNewBaseline creates an iter.Pull, calls next once and stops.
func BenchmarkPullNewBaseline(b *testing.B) {
	seq := func(yield func(int) bool) { yield(1) }
	b.ReportAllocs()
	for b.Loop() {
		next, stop := iter.Pull(seq)
		next()
		stop()
	}
}

func nest(depth int) *gen.Generator[int, int, int] {
	if depth == 0 {
		return gen.New(counter)
	}
	inner := nest(depth - 1)
	return gen.New(func(y *gen.Yielder[int, int]) (int, error) {
		return gen.YieldFrom(y, inner)
	})
}

// BenchmarkYieldFromDepth16 is one Send through 16 nested delegations.
func BenchmarkYieldFromDepth16(b *testing.B) {
	g := nest(16)
	g.Next()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := g.Send(1); err != nil {
			b.Fatal(err)
		}
	}
	g.Close()
}

func nestFunc(depth int) func(*gen.Yielder[int, int]) (int, error) {
	if depth == 0 {
		return counter
	}
	inner := nestFunc(depth - 1)
	return func(y *gen.Yielder[int, int]) (int, error) {
		return gen.YieldFromFunc(y, inner)
	}
}

// BenchmarkYieldFromFuncDepth16 is one Send through 16 nested inline
// delegations: the cost of a Send, whatever the depth.
func BenchmarkYieldFromFuncDepth16(b *testing.B) {
	g := gen.New(nestFunc(16))
	g.Next()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := g.Send(1); err != nil {
			b.Fatal(err)
		}
	}
	g.Close()
}

// The tree walk of pyperformance's "generators" on a balanced tree of 1,023
// nodes, three ways; each reports ns/node.

type benchNode struct {
	left, right *benchNode
	value       int
}

func benchTree(lo, hi int) *benchNode {
	if lo >= hi {
		return nil
	}
	mid := lo + (hi-lo)/2
	return &benchNode{left: benchTree(lo, mid), value: mid, right: benchTree(mid+1, hi)}
}

const benchTreeSize = 1023

func walkFunc(n *benchNode) func(*gen.Yielder[int, struct{}]) (struct{}, error) {
	return func(y *gen.Yielder[int, struct{}]) (struct{}, error) {
		if n == nil {
			return struct{}{}, nil
		}
		if _, err := gen.YieldFromFunc(y, walkFunc(n.left)); err != nil {
			return struct{}{}, err
		}
		if _, err := y.Yield(n.value); err != nil {
			return struct{}{}, err
		}
		return gen.YieldFromFunc(y, walkFunc(n.right))
	}
}

func walkGen(n *benchNode) *gen.Generator[int, struct{}, struct{}] {
	return gen.New(func(y *gen.Yielder[int, struct{}]) (struct{}, error) {
		if n == nil {
			return struct{}{}, nil
		}
		if _, err := gen.YieldFrom(y, walkGen(n.left)); err != nil {
			return struct{}{}, err
		}
		if _, err := y.Yield(n.value); err != nil {
			return struct{}{}, err
		}
		return gen.YieldFrom(y, walkGen(n.right))
	})
}

func walkSeq(n *benchNode) iter.Seq[int] {
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

func benchWalk(b *testing.B, walk func(*benchNode) iter.Seq[int]) {
	t := benchTree(0, benchTreeSize)
	b.ReportAllocs()
	for b.Loop() {
		s := 0
		for v := range walk(t) {
			s += v
		}
		if s != benchTreeSize*(benchTreeSize-1)/2 {
			b.Fatal("wrong sum", s)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchTreeSize, "ns/node")
}

// BenchmarkTreeWalkYieldFromFunc walks the tree with inline delegation.
func BenchmarkTreeWalkYieldFromFunc(b *testing.B) {
	benchWalk(b, func(t *benchNode) iter.Seq[int] { return gen.New(walkFunc(t)).All() })
}

// BenchmarkTreeWalkYieldFrom walks the tree with a generator per node.
func BenchmarkTreeWalkYieldFrom(b *testing.B) {
	benchWalk(b, func(t *benchNode) iter.Seq[int] { return walkGen(t).All() })
}

// BenchmarkTreeWalkSeqBaseline walks the tree with a recursive iter.Seq,
// what plain Go would write (it cannot send, throw or close).
func BenchmarkTreeWalkSeqBaseline(b *testing.B) {
	benchWalk(b, walkSeq)
}

// manyAlive is how many generators BenchmarkManySuspended keeps suspended
// at once: more than the pool keeps, so most of them start a goroutine and
// end it, which is what a cost per coroutine goroutine shows in.
const manyAlive = 4096

// BenchmarkManySuspended starts manyAlive generators up to their first
// yield, then closes them all; the time is per generator.
func BenchmarkManySuspended(b *testing.B) {
	gs := make([]*gen.Generator[int, int, int], manyAlive)
	b.ReportAllocs()
	for b.Loop() {
		for i := range gs {
			gs[i] = gen.New(counter)
			gs[i].Next()
		}
		for _, g := range gs {
			g.Close()
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*manyAlive), "ns/gen")
}

// BenchmarkManySuspendedPullBaseline is BenchmarkManySuspended with raw
// iter.Pull.
func BenchmarkManySuspendedPullBaseline(b *testing.B) {
	stops := make([]func(), manyAlive)
	seq := func(yield func(int) bool) {
		for n := 0; yield(n); n++ {
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		for i := range stops {
			next, stop := iter.Pull(seq)
			next()
			stops[i] = stop
		}
		for _, stop := range stops {
			stop()
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*manyAlive), "ns/gen")
}
