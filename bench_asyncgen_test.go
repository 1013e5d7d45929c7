package aio_test

import (
	"context"
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/gen"
)

// Async generators against their baselines in this package:
// BenchmarkGenSendBaseline (gen's Send from a plain goroutine, gen's
// BenchmarkSend) and BenchmarkSleep0. The targets (issue 13): ASend at most
// 1.5× the Send baseline; ASend with a Sleep(0) in the body at most 1.5×
// Sleep0 plus Send.

// BenchmarkGenSendBaseline is gen's BenchmarkSend, here: a Send into a
// generator that yields what it gets plus one, from a plain goroutine.
func BenchmarkGenSendBaseline(b *testing.B) {
	g := gen.New(func(y *gen.Yielder[int, int]) (struct{}, error) {
		v := 0
		for {
			var err error
			if v, err = y.Yield(v + 1); err != nil {
				return struct{}{}, err
			}
		}
	})
	defer g.Close()
	g.Next()
	b.ReportAllocs()
	for b.Loop() {
		g.Send(1)
	}
}

// BenchmarkASend is an ASend from a task into an async generator whose
// body yields what it gets plus one and does not await.
func BenchmarkASend(b *testing.B) {
	run(b, func(ctx context.Context) error {
		g := aio.NewAsyncGenerator(func(ctx context.Context, y *aio.AsyncYielder[int, int]) error {
			v := 0
			for {
				var err error
				if v, err = y.Yield(ctx, v+1); err != nil {
					return err
				}
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
			v := 0
			for {
				if err := aio.Sleep(ctx, 0); err != nil {
					return err
				}
				var err error
				if v, err = y.Yield(ctx, v+1); err != nil {
					return err
				}
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
