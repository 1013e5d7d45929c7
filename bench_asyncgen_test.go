package aio_test

import (
	"context"
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/gen"
)

// Async generators against their baselines in this package:
// BenchmarkGenSendBaseline (gen's BenchmarkSend, copied) and
// BenchmarkSleep0. The targets (issue 13): ASend at most 1.5× the Send
// baseline; ASend with a Sleep(0) in the body at most 1.5× Sleep0 plus
// Send. Every body here does what gen's counter does, so that a pair
// differs only in what it measures.

// genCounter is gen's bench_test.go counter: it yields 0, 1, 2, ...,
// adding whatever is sent.
func genCounter(y *gen.Yielder[int, int]) (int, error) {
	n := 0
	for {
		x, err := y.Yield(n)
		if err != nil {
			return n, err
		}
		n += 1 + x
	}
}

// BenchmarkGenSendBaseline is gen's BenchmarkSend, here: one Send round
// trip into a suspended gen generator, from a plain goroutine (no loop
// runs, so the resume lends nothing).
func BenchmarkGenSendBaseline(b *testing.B) {
	g := gen.New(genCounter)
	g.Next()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := g.Send(1); err != nil {
			b.Fatal(err)
		}
	}
	g.Close()
}

// BenchmarkASend is an ASend from a task into an async generator whose
// body is genCounter's and does not await.
func BenchmarkASend(b *testing.B) {
	run(b, func(ctx context.Context) error {
		g := aio.NewAsyncGenerator(func(ctx context.Context, y *aio.AsyncYielder[int, int]) error {
			n := 0
			for {
				x, err := y.Yield(ctx, n)
				if err != nil {
					return err
				}
				n += 1 + x
			}
		})
		defer g.AClose(ctx)
		g.Next(ctx)
		for b.Loop() {
			if _, err := g.ASend(ctx, 1); err != nil {
				return err
			}
		}
		return nil
	})
}

// BenchmarkASendSleep0 is BenchmarkASend with the body awaiting
// Sleep(ctx, 0) once per value: the task parks from the body.
func BenchmarkASendSleep0(b *testing.B) {
	run(b, func(ctx context.Context) error {
		g := aio.NewAsyncGenerator(func(ctx context.Context, y *aio.AsyncYielder[int, int]) error {
			n := 0
			for {
				if err := aio.Sleep(ctx, 0); err != nil {
					return err
				}
				x, err := y.Yield(ctx, n)
				if err != nil {
					return err
				}
				n += 1 + x
			}
		})
		defer g.AClose(ctx)
		g.Next(ctx)
		for b.Loop() {
			if _, err := g.ASend(ctx, 1); err != nil {
				return err
			}
		}
		return nil
	})
}

// BenchmarkAsyncGenNewRun starts an async generator, takes its one value
// and runs it to the end: what each node of a tree walk costs.
func BenchmarkAsyncGenNewRun(b *testing.B) {
	run(b, func(ctx context.Context) error {
		for b.Loop() {
			g := aio.NewAsyncGenerator(func(ctx context.Context, y *aio.AsyncYielder[int, struct{}]) error {
				_, err := y.Yield(ctx, 1)
				return err
			})
			g.Next(ctx)
			g.Next(ctx)
		}
		return nil
	})
}

// BenchmarkGenNewRunBaseline is BenchmarkAsyncGenNewRun with a gen
// generator from a plain goroutine.
func BenchmarkGenNewRunBaseline(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		g := gen.New(func(y *gen.Yielder[int, struct{}]) (struct{}, error) {
			_, err := y.Yield(1)
			return struct{}{}, err
		})
		g.Next()
		g.Next()
	}
}

// walkAsyncNoAwait is pyperformance's async_generators walk, each subtree
// inline, without awaits.
func walkAsyncNoAwait(n *walkNode) func(ctx context.Context, y *aio.AsyncYielder[int, struct{}]) error {
	return func(ctx context.Context, y *aio.AsyncYielder[int, struct{}]) error {
		if n.left != nil {
			if err := aio.YieldFromAsync(ctx, y, walkAsyncNoAwait(n.left)); err != nil {
				return err
			}
		}
		if _, err := y.Yield(ctx, n.value); err != nil {
			return err
		}
		if n.right != nil {
			return aio.YieldFromAsync(ctx, y, walkAsyncNoAwait(n.right))
		}
		return nil
	}
}

func walkGen(n *walkNode) func(y *gen.Yielder[int, struct{}]) (struct{}, error) {
	return func(y *gen.Yielder[int, struct{}]) (struct{}, error) {
		if n.left != nil {
			if _, err := gen.YieldFromFunc(y, walkGen(n.left)); err != nil {
				return struct{}{}, err
			}
		}
		if _, err := y.Yield(n.value); err != nil {
			return struct{}{}, err
		}
		if n.right != nil {
			return gen.YieldFromFunc(y, walkGen(n.right))
		}
		return struct{}{}, nil
	}
}

// BenchmarkAsyncGenTreeWalk is one in-order traversal of a balanced tree of
// 1,000 nodes by a recursive async generator (YieldFromAsync), summed by a
// range loop in a task: pyperformance's async_generators at a thousandth of
// its size.
func BenchmarkAsyncGenTreeWalk(b *testing.B) {
	root := buildWalkTree(0, 1000)
	run(b, func(ctx context.Context) error {
		for b.Loop() {
			s := 0
			for v, err := range aio.NewAsyncGenerator(walkAsyncNoAwait(root)).All(ctx) {
				if err != nil {
					return err
				}
				s += v
			}
		}
		return nil
	})
}

// BenchmarkGenTreeWalkBaseline is the same traversal by a gen generator
// (YieldFromFunc) from a plain goroutine.
func BenchmarkGenTreeWalkBaseline(b *testing.B) {
	root := buildWalkTree(0, 1000)
	b.ReportAllocs()
	for b.Loop() {
		s := 0
		for v := range gen.New(walkGen(root)).All() {
			s += v
		}
	}
}
