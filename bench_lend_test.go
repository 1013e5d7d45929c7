package aio_test

import (
	"context"
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/gen"
)

// The cost of lending a task's identity to a generator body (lend.go). The
// baselines are gen's BenchmarkSend (the same resume from a plain
// goroutine) and BenchmarkSleep0 here.

// BenchmarkLentSend is a task's Send into a gen generator whose body does
// not await: the resume lends the loop's identity and takes it back.
func BenchmarkLentSend(b *testing.B) {
	run(b, func(ctx context.Context) error {
		g := gen.New(genCounter)
		defer g.Close()
		g.Next()
		for b.Loop() {
			if _, err := g.Send(1); err != nil {
				return err
			}
		}
		return nil
	})
}

// BenchmarkLentSendSleep0 is BenchmarkLentSend with the body awaiting
// Sleep(ctx, 0) once per value: it parks the task from the body's
// goroutine. Compare with BenchmarkSleep0 plus BenchmarkLentSend.
func BenchmarkLentSendSleep0(b *testing.B) {
	run(b, func(ctx context.Context) error {
		g := gen.New(func(y *gen.Yielder[int, int]) (struct{}, error) {
			v := 0
			for {
				if err := aio.Sleep(ctx, 0); err != nil {
					return struct{}{}, err
				}
				var err error
				if v, err = y.Yield(v + 1); err != nil {
					return struct{}{}, err
				}
			}
		})
		defer g.Close()
		g.Next()
		for b.Loop() {
			if _, err := g.Send(1); err != nil {
				return err
			}
		}
		return nil
	})
}
