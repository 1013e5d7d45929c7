package aio_test

import (
	"context"
	"fmt"
	"time"

	"github.com/aio-go/aio"
)

// The examples of the synchronisation primitives run on the virtual clock,
// so the times they print are exact.

func ExampleLock() {
	aio.Run(func(ctx context.Context) (int, error) {
		start := aio.Now(ctx)
		var mu aio.Lock // async with lock: Do holds it for the span of fn
		balance := 100
		withdraw := func(name string, amount int) func(ctx context.Context) error {
			return func(ctx context.Context) error {
				return mu.Do(ctx, func(ctx context.Context) error {
					// Without the lock, bob would read the balance
					// while alice waits for the bank, and both would
					// withdraw.
					b := balance
					if err := aio.Sleep(ctx, time.Second); err != nil { // ask the bank
						return err
					}
					if b >= amount {
						balance = b - amount
					}
					fmt.Println(name, "at", aio.Now(ctx).Sub(start), "balance", balance)
					return nil
				})
			}
		}
		err := aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			tg.Go(withdraw("alice", 70))
			tg.Go(withdraw("bob", 50))
			return nil
		})
		return 0, err
	}, aio.WithVirtualClock())
	// Output:
	// alice at 1s balance 30
	// bob at 2s balance 30
}

func ExampleEvent() {
	aio.Run(func(ctx context.Context) (int, error) {
		start := aio.Now(ctx)
		var ready aio.Event
		err := aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			for _, name := range []string{"a", "b"} {
				tg.Go(func(ctx context.Context) error {
					if err := ready.Wait(ctx); err != nil {
						return err
					}
					fmt.Println(name, "goes at", aio.Now(ctx).Sub(start))
					return nil
				})
			}
			if err := aio.Sleep(ctx, time.Second); err != nil {
				return err
			}
			ready.Set()
			return nil
		})
		return 0, err
	}, aio.WithVirtualClock())
	// Output:
	// a goes at 1s
	// b goes at 1s
}

func ExampleCondition() {
	aio.Run(func(ctx context.Context) (int, error) {
		start := aio.Now(ctx)
		var cond aio.Condition
		var jobs []string
		err := aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			tg.Go(func(ctx context.Context) error { // the consumer
				for range 2 {
					err := cond.Do(ctx, func(ctx context.Context) error {
						if err := cond.WaitFor(ctx, func() bool { return len(jobs) > 0 }); err != nil {
							return err
						}
						fmt.Println("got", jobs[0], "at", aio.Now(ctx).Sub(start))
						jobs = jobs[1:]
						return nil
					})
					if err != nil {
						return err
					}
				}
				return nil
			})
			for _, job := range []string{"job 1", "job 2"} { // the producer
				if err := aio.Sleep(ctx, time.Second); err != nil {
					return err
				}
				err := cond.Do(ctx, func(ctx context.Context) error {
					jobs = append(jobs, job)
					return cond.Notify(ctx, 1)
				})
				if err != nil {
					return err
				}
			}
			return nil
		})
		return 0, err
	}, aio.WithVirtualClock())
	// Output:
	// got job 1 at 1s
	// got job 2 at 2s
}

func ExampleSemaphore() {
	aio.Run(func(ctx context.Context) (int, error) {
		start := aio.Now(ctx)
		sem := aio.NewSemaphore(2) // two downloads at a time
		err := aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			for i := range 5 {
				tg.Go(func(ctx context.Context) error {
					return sem.Do(ctx, func(ctx context.Context) error {
						if err := aio.Sleep(ctx, time.Second); err != nil {
							return err
						}
						fmt.Println("download", i, "done at", aio.Now(ctx).Sub(start))
						return nil
					})
				})
			}
			return nil
		})
		return 0, err
	}, aio.WithVirtualClock())
	// Output:
	// download 0 done at 1s
	// download 1 done at 1s
	// download 2 done at 2s
	// download 3 done at 2s
	// download 4 done at 3s
}

func ExampleBoundedSemaphore() {
	aio.Run(func(ctx context.Context) (int, error) {
		sem := aio.NewBoundedSemaphore(1)
		if err := sem.Acquire(ctx); err != nil {
			return 0, err
		}
		fmt.Println(sem.Release())
		fmt.Println(sem.Release()) // one Release too many
		return 0, nil
	}, aio.WithVirtualClock())
	// Output:
	// <nil>
	// aio: BoundedSemaphore released too many times
}

func ExampleBarrier() {
	aio.Run(func(ctx context.Context) (int, error) {
		start := aio.Now(ctx)
		b := aio.NewBarrier(3)
		err := aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			for i := range 3 {
				tg.Go(func(ctx context.Context) error {
					// Each gets ready in its own time, and they all
					// start together.
					if err := aio.Sleep(ctx, time.Duration(i+1)*time.Second); err != nil {
						return err
					}
					place, err := b.Wait(ctx)
					if err != nil {
						return err
					}
					fmt.Println("runner", i, "arrived", place, "and starts at", aio.Now(ctx).Sub(start))
					return nil
				})
			}
			return nil
		})
		return 0, err
	}, aio.WithVirtualClock())
	// Output:
	// runner 2 arrived 2 and starts at 3s
	// runner 0 arrived 0 and starts at 3s
	// runner 1 arrived 1 and starts at 3s
}

func ExampleCapacityLimiter() {
	aio.Run(func(ctx context.Context) (int, error) {
		start := aio.Now(ctx)
		limit := aio.NewCapacityLimiter(1)
		err := aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			for i := range 4 {
				tg.Go(func(ctx context.Context) error {
					return limit.Do(ctx, func(ctx context.Context) error {
						if err := aio.Sleep(ctx, time.Second); err != nil {
							return err
						}
						fmt.Println("request", i, "done at", aio.Now(ctx).Sub(start))
						return nil
					})
				})
			}
			if err := aio.Sleep(ctx, 1500*time.Millisecond); err != nil {
				return err
			}
			// More capacity, while a token is out: the two waiting
			// longest start at once.
			st := limit.Stats()
			fmt.Println("borrowed", st.BorrowedTokens, "waiting", st.Waiters)
			return limit.SetTotalTokens(3)
		})
		return 0, err
	}, aio.WithVirtualClock())
	// Output:
	// request 0 done at 1s
	// borrowed 1 waiting 2
	// request 1 done at 2s
	// request 2 done at 2.5s
	// request 3 done at 2.5s
}
