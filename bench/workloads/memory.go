package workloads

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/aio-go/aio"
)

// sleep_random: size tasks, the i-th sleeping ((i*7919)%1000)/2000 s on the
// real clock, gathered. It reports the wall time (one op) and the memory:
// the base RSS just before the tasks are created, the peak at the end.

func randomSleep(i int) time.Duration {
	return time.Duration((i*7919)%1000) * time.Second / 2000
}

func sleepRandomAIO(size int) (measure, error) {
	return inLoop(func(ctx context.Context) (measure, error) {
		base := currentRSS()
		m, err := timed(1, func() error {
			fns := make([]func(context.Context) (struct{}, error), size)
			for i := range fns {
				fns[i] = func(ctx context.Context) (struct{}, error) {
					return struct{}{}, aio.Sleep(ctx, randomSleep(i))
				}
			}
			_, err := aio.Gather(ctx, fns...)
			return err
		})
		m.base, m.peak = base, peakRSS()
		return m, err
	})
}

func sleepRandomGo(size int) (measure, error) {
	base := currentRSS()
	m, err := timed(1, func() error {
		var wg sync.WaitGroup
		for i := range size {
			wg.Go(func() { time.Sleep(randomSleep(i)) })
		}
		wg.Wait()
		return nil
	})
	m.base, m.peak = base, peakRSS()
	return m, err
}

// parked: size tasks each await one shared future. When all of them are
// parked (after a Sleep(0) of the main task, which runs after every new
// task's first step), the peak RSS is read; then the future is set and the
// tasks are awaited. The time covers all of it, one op per task.

func parkedAIO(size int) (measure, error) {
	return inLoop(func(ctx context.Context) (measure, error) {
		var peak int64
		base := currentRSS()
		m, err := timed(size, func() error {
			f := aio.NewFuture[int]()
			wait := func(ctx context.Context) (int, error) { return f.Await(ctx) }
			tasks := make([]*aio.Task[int], size)
			for i := range tasks {
				t, err := aio.CreateTask(ctx, wait)
				if err != nil {
					return err
				}
				tasks[i] = t
			}
			if err := aio.Sleep(ctx, 0); err != nil {
				return err
			}
			peak = peakRSS()
			if err := f.SetResult(1); err != nil {
				return err
			}
			for _, t := range tasks {
				if v, err := t.Await(ctx); err != nil || v != 1 {
					return fmt.Errorf("a parked task returned %d, %v", v, err)
				}
			}
			return nil
		})
		m.base, m.peak = base, peak
		return m, err
	})
}

// parkedGo parks goroutines on one channel, closed as the future is set;
// a WaitGroup says when they have all reached it.
func parkedGo(size int) (measure, error) {
	var peak int64
	base := currentRSS()
	m, err := timed(size, func() error {
		ch := make(chan struct{})
		var parked, done sync.WaitGroup
		parked.Add(size)
		for range size {
			done.Go(func() {
				parked.Done()
				<-ch
			})
		}
		parked.Wait()
		peak = peakRSS()
		close(ch)
		done.Wait()
		return nil
	})
	m.base, m.peak = base, peak
	return m, err
}
