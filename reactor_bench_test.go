//go:build linux

package aio_test

import (
	"context"
	"testing"

	"github.com/aio-go/aio"
)

// BenchmarkSleep0IdleFD is BenchmarkSleep0 with a task parked on an idle
// registered socket: the reactor is polled once per 256 steps, so the
// step must stay within 1.1× of BenchmarkSleep0's.
func BenchmarkSleep0IdleFD(b *testing.B) {
	a, _ := socketpair(b)
	run(b, func(ctx context.Context) error {
		f, err := aio.RegisterFD(ctx, uintptr(a))
		if err != nil {
			return err
		}
		defer f.Close()
		if err := f.WaitWritable(ctx); err != nil {
			return err
		}
		return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			tg.Go(func(ctx context.Context) error { f.WaitReadable(ctx); return nil })
			for b.Loop() {
				if err := aio.Sleep(ctx, 0); err != nil {
					return err
				}
			}
			return f.Close()
		})
	})
}
