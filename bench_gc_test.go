package aio_test

import (
	"context"
	"runtime"
	"sync"
	"testing"

	"github.com/aio-go/aio"
)

// What a collection costs per parked task, and per parked goroutine: the
// collector walks the stack of every goroutine, frame by frame (each frame
// a lookup of its function and its stack map), and marks what the frames
// point to. A parked task is a goroutine too (its coroutine's), so the
// difference is the frames and objects that aio adds: the coroutine's
// frames under the task's function and the await's above it, and the task,
// its coroutine and iter.Pull's state. The operation is one runtime.GC with
// collectN of them parked; B/op and allocs/op are the collection's own.

const collectN = 100_000

// BenchmarkCollectParkedTasks is a collection with collectN tasks parked on
// one future, each in a function of its own that awaits it.
func BenchmarkCollectParkedTasks(b *testing.B) {
	run(b, func(ctx context.Context) error {
		f := aio.NewFuture[int]()
		wait := func(ctx context.Context) (int, error) { return f.Await(ctx) }
		ts := make([]*aio.Task[int], collectN)
		for i := range ts {
			t, err := aio.CreateTask(ctx, wait)
			if err != nil {
				return err
			}
			ts[i] = t
		}
		if err := aio.Sleep(ctx, 0); err != nil { // let them all park
			return err
		}
		runtime.GC()
		for b.Loop() {
			runtime.GC()
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/collectN, "ns/task")
		f.SetResult(1)
		for _, t := range ts {
			if _, err := t.Await(ctx); err != nil {
				return err
			}
		}
		return nil
	})
}

// BenchmarkCollectParkedGoroutinesBaseline is the same collection with
// collectN goroutines parked on one channel, each in a function of its own
// that receives from it: what a Go programmer's parked goroutines cost the
// collector.
func BenchmarkCollectParkedGoroutinesBaseline(b *testing.B) {
	ch := make(chan int)
	var parked, done sync.WaitGroup
	parked.Add(collectN)
	done.Add(collectN)
	wait := func() int { parked.Done(); return <-ch }
	for range collectN {
		go func() {
			defer done.Done()
			wait()
		}()
	}
	parked.Wait()
	runtime.GC()
	b.ReportAllocs()
	for b.Loop() {
		runtime.GC()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/collectN, "ns/goroutine")
	close(ch)
	done.Wait()
}
