package workloads

import (
	"context"
	"fmt"

	"github.com/aio-go/aio"
)

// executor_1: an empty job run in the default executor and awaited, one at a
// time; one job is one op. executor_20k: 20,000 (size) empty jobs in flight
// at once, gathered, 5 times; one job is one op.

const executorRounds = 5

func emptyJob(context.Context) (int, error) { return 1, nil }

// warmExecutor runs one job before the measurement, as the Python worker
// does: the first job of a loop starts the default executor's first worker.
func warmExecutor(ctx context.Context) error {
	_, err := aio.ToThread(ctx, emptyJob)
	return err
}

func executorOneAIO(size int) (measure, error) {
	return inLoop(func(ctx context.Context) (measure, error) {
		if err := warmExecutor(ctx); err != nil {
			return measure{}, err
		}
		n := 0
		m, err := timed(size, func() error {
			for range size {
				v, err := aio.ToThread(ctx, emptyJob)
				if err != nil {
					return err
				}
				n += v
			}
			return nil
		})
		if err == nil && n != size {
			err = fmt.Errorf("%d jobs ran, want %d", n, size)
		}
		return m, err
	})
}

// executorOneGo is the Go programmer's executor: a goroutine per job and a
// channel for its result.
func executorOneGo(size int) (measure, error) {
	n := 0
	m, err := timed(size, func() error {
		ch := make(chan int)
		for range size {
			go func() {
				v, _ := emptyJob(context.Background())
				ch <- v
			}()
			n += <-ch
		}
		return nil
	})
	if err == nil && n != size {
		err = fmt.Errorf("%d jobs ran, want %d", n, size)
	}
	return m, err
}

// executorManyAIO gathers size tasks that each run one job with ToThread:
// aio's executor is awaited from a task, as to_thread is in asyncio.
func executorManyAIO(size int) (measure, error) {
	return inLoop(func(ctx context.Context) (measure, error) {
		if err := warmExecutor(ctx); err != nil {
			return measure{}, err
		}
		job := func(ctx context.Context) (int, error) { return aio.ToThread(ctx, emptyJob) }
		fns := make([]func(context.Context) (int, error), size)
		for i := range fns {
			fns[i] = job
		}
		return timed(executorRounds*size, func() error {
			for range executorRounds {
				got, err := aio.Gather(ctx, fns...)
				if err != nil {
					return err
				}
				if len(got) != size {
					return fmt.Errorf("%d results, want %d", len(got), size)
				}
			}
			return nil
		})
	})
}

func executorManyGo(size int) (measure, error) {
	return timed(executorRounds*size, func() error {
		for range executorRounds {
			ch := make(chan int, size)
			for range size {
				go func() {
					v, _ := emptyJob(context.Background())
					ch <- v
				}()
			}
			n := 0
			for range size {
				n += <-ch
			}
			if n != size {
				return fmt.Errorf("%d jobs ran, want %d", n, size)
			}
		}
		return nil
	})
}
