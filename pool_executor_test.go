package aio_test

// PoolExecutor: its bound, its order, and that an idle one holds nothing.

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/aio-go/aio"
)

func TestNewPoolExecutorPanicsWithFewerThanOneWorker(t *testing.T) {
	for _, n := range []int{0, -1} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			defer func() {
				r := recover()
				msg, ok := r.(string)
				if !ok || !strings.HasPrefix(msg, "aio:") {
					t.Errorf("panic = %#v, want a string starting with \"aio:\"", r)
				}
			}()
			aio.NewPoolExecutor(n)
		})
	}
}

func TestAPoolExecutorNeverRunsMoreJobsThanItsWorkers(t *testing.T) {
	const workers, jobs = 3, 30
	ex := aio.NewPoolExecutor(workers)
	var running, most, done atomic.Int32
	full := make(chan struct{})
	var fullOnce sync.Once
	for range jobs {
		err := ex.Submit(func() {
			n := running.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			if n == workers {
				fullOnce.Do(func() { close(full) })
			}
			// Every job waits until the pool has been full once, so the
			// bound is reached; then it blocks a little, so that a pool
			// without a bound would overlap more jobs.
			if _, err := etRecv(full, "all workers busy at once"); err != nil {
				t.Error(err)
			}
			time.Sleep(time.Millisecond)
			running.Add(-1)
			done.Add(1)
		})
		if err != nil {
			t.Fatalf("Submit: %v", err)
		}
	}
	if err := ex.Shutdown(context.Background()); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if n := done.Load(); n != jobs {
		t.Errorf("%d jobs ran, want %d", n, jobs)
	}
	if m := most.Load(); m != workers {
		t.Errorf("at most %d jobs ran at once, want %d", m, workers)
	}
}

func TestTheDefaultExecutorNeverRunsMoreJobsThanWithWorkers(t *testing.T) {
	const workers, jobs = 2, 12
	var running, most atomic.Int32
	err := etRun(t, []aio.Option{aio.WithVirtualClock(), aio.WithWorkers(workers)}, func(ctx context.Context) error {
		fns := make([]func(context.Context) (int, error), jobs)
		for i := range fns {
			fns[i] = func(ctx context.Context) (int, error) {
				return aio.ToThread(ctx, func(context.Context) (int, error) {
					n := running.Add(1)
					for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
					}
					time.Sleep(time.Millisecond) // a blocking call
					running.Add(-1)
					return i, nil
				})
			}
		}
		got, err := aio.Gather(ctx, fns...)
		if err != nil {
			return err
		}
		for i, v := range got {
			if v != i {
				t.Errorf("Gather result %d = %d", i, v)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if m := most.Load(); m > workers || m < 1 {
		t.Errorf("at most %d jobs ran at once, want between 1 and %d", m, workers)
	}
}

func TestAPoolExecutorStartsJobsInFIFOOrder(t *testing.T) {
	const jobs = 100
	ex := aio.NewPoolExecutor(1)
	gate := make(chan struct{})
	var order []int // written by the one worker only
	if err := ex.Submit(func() { <-gate }); err != nil {
		t.Fatal(err)
	}
	for i := range jobs {
		if err := ex.Submit(func() { order = append(order, i) }); err != nil {
			t.Fatal(err)
		}
	}
	close(gate)
	if err := ex.Shutdown(context.Background()); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if len(order) != jobs {
		t.Fatalf("%d jobs ran, want %d", len(order), jobs)
	}
	for i, v := range order {
		if v != i {
			t.Fatalf("job %d ran in place %d: order %v", v, i, order)
		}
	}
}

func TestAnIdlePoolExecutorHoldsNoGoroutine(t *testing.T) {
	before := goleak.IgnoreCurrent()
	ex := aio.NewPoolExecutor(4)
	if err := goleak.Find(before); err != nil {
		t.Errorf("a new PoolExecutor holds goroutines: %v", err)
	}
	for round := range 2 { // it starts workers again after going idle
		var wg sync.WaitGroup
		var ran atomic.Int32
		for range 8 {
			wg.Add(1)
			if err := ex.Submit(func() { ran.Add(1); wg.Done() }); err != nil {
				t.Fatal(err)
			}
		}
		wg.Wait()
		if n := ran.Load(); n != 8 {
			t.Fatalf("round %d: %d jobs ran, want 8", round, n)
		}
		// goleak retries until the workers have ended.
		if err := goleak.Find(before); err != nil {
			t.Errorf("round %d: an idle PoolExecutor holds goroutines: %v", round, err)
		}
	}
	if err := ex.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
}
