package aio_test

import (
	"context"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

// Timers at scale. Each benchmark keeps n timers pending on the virtual
// clock while it measures one timer operation, at n = 1,000, 100,000 and
// 1,000,000: the 1k figure is the floor the others are read against (the
// target is at most 1.5× from 1k to 1M). Deadlines are drawn at random, so
// an operation lands anywhere in the timer structure, as the timeouts and
// sleeps of a server's connections do (the "hold" model of priority-queue
// benchmarks), not always at its front.
//
// The setup's garbage is collected before the first b.Loop (settle), so
// that a GC cycle over the million timers just armed is not charged to
// the first operations of a short run. A steady state at n pending needs
// a few times n operations: fewer, and the 1M run has no compaction of
// disarmed entries nor GC cycle of its own, while the 1k run has many.
// Measure with -test.benchtime 3000000x (or the default benchtime, which
// runs about as many).

var timerPendings = []struct {
	name string
	n    int
}{{"pending=1k", 1_000}, {"pending=100k", 100_000}, {"pending=1M", 1_000_000}}

// timerSpan is the range over which pending deadlines are spread: one
// microsecond a timer on average.
func timerSpan(n int) int64 { return int64(n) * int64(time.Microsecond) }

// settle collects the garbage of a benchmark's setup.
func settle() { runtime.GC() }

func runVirtual(b *testing.B, main func(ctx context.Context) error) {
	b.Helper()
	b.ReportAllocs()
	if _, err := aio.Run(func(ctx context.Context) (struct{}, error) {
		return struct{}{}, main(ctx)
	}, aio.WithVirtualClock()); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkTimerCallLater is one timer fired and one armed, with n pending:
// n callbacks are armed at random deadlines, and each one that fires arms
// the next at a random deadline within the same span, so n stay pending.
// An op is one loop iteration that jumps the clock to the earliest timer,
// fires it and runs its callback, which arms another (CallLater).
func BenchmarkTimerCallLater(b *testing.B) {
	for _, p := range timerPendings {
		b.Run(p.name, func(b *testing.B) {
			runVirtual(b, func(ctx context.Context) error {
				rng := rand.New(rand.NewPCG(1, 2))
				span := timerSpan(p.n)
				finished := aio.NewFuture[struct{}]()
				stopped := false
				var fn func()
				fn = func() {
					if stopped {
						return
					}
					if !b.Loop() {
						stopped = true
						finished.SetResult(struct{}{})
						return
					}
					aio.CallLater(ctx, time.Duration(rng.Int64N(span)), fn)
				}
				for range p.n {
					if _, err := aio.CallLater(ctx, time.Duration(rng.Int64N(span)), fn); err != nil {
						return err
					}
				}
				settle()
				_, err := finished.Await(ctx)
				return err
			})
		})
	}
}

// BenchmarkTimerArmDisarm arms a timer at a random deadline and cancels it
// (a timeout that did not fire, the common case), with n pending.
func BenchmarkTimerArmDisarm(b *testing.B) {
	for _, p := range timerPendings {
		b.Run(p.name, func(b *testing.B) {
			runVirtual(b, func(ctx context.Context) error {
				rng := rand.New(rand.NewPCG(1, 2))
				span := timerSpan(p.n)
				nop := func() {}
				for range p.n {
					if _, err := aio.CallLater(ctx, time.Hour+time.Duration(rng.Int64N(span)), nop); err != nil {
						return err
					}
				}
				settle()
				for b.Loop() {
					h, err := aio.CallLater(ctx, time.Hour+time.Duration(rng.Int64N(span)), nop)
					if err != nil {
						return err
					}
					h.Cancel()
				}
				return nil
			})
		})
	}
}

// BenchmarkTimerSleep is one Sleep of a task on the virtual clock, for a
// random duration, while n timers are pending. The pending timers are
// callbacks that fire and re-arm as the sleeps move the clock (about one
// per sleep), so an op is one sleep and about one other timer firing.
func BenchmarkTimerSleep(b *testing.B) {
	for _, p := range timerPendings {
		b.Run(p.name, func(b *testing.B) {
			runVirtual(b, func(ctx context.Context) error {
				rng := rand.New(rand.NewPCG(1, 2))
				span := timerSpan(p.n)
				var fn func()
				fn = func() { aio.CallLater(ctx, time.Duration(rng.Int64N(span)), fn) }
				for range p.n {
					if _, err := aio.CallLater(ctx, time.Duration(rng.Int64N(span)), fn); err != nil {
						return err
					}
				}
				settle()
				for b.Loop() {
					// Two microseconds on average: about one pending timer
					// fires per sleep.
					if err := aio.Sleep(ctx, time.Duration(rng.Int64N(2*int64(time.Microsecond)))); err != nil {
						return err
					}
				}
				return nil
			})
		})
	}
}

// BenchmarkGoTimerArmStopBaseline is BenchmarkTimerArmDisarm for Go's own
// timers: time.AfterFunc at a random deadline an hour away and Stop, with n
// Go timers pending. It is not a floor (Go's timers live in a 4-ary heap
// per P of the runtime, on the real clock, and a Timer is an allocation of
// its own), but it shows how the standard library's timers scale from 1k
// to 1M pending on the same machine in the same run.
func BenchmarkGoTimerArmStopBaseline(b *testing.B) {
	for _, p := range timerPendings {
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			rng := rand.New(rand.NewPCG(1, 2))
			span := timerSpan(p.n)
			nop := func() {}
			pending := make([]*time.Timer, p.n)
			for i := range pending {
				pending[i] = time.AfterFunc(time.Hour+time.Duration(rng.Int64N(span)), nop)
			}
			settle()
			for b.Loop() {
				time.AfterFunc(time.Hour+time.Duration(rng.Int64N(span)), nop).Stop()
			}
			b.StopTimer()
			for _, t := range pending {
				t.Stop()
			}
		})
	}
}
