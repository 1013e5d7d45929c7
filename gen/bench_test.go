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
