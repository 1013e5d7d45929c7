package aio_test

// The rules every lock-like primitive keeps, after trio's
// _tests/test_sync.py (generic_lock_test: test_generic_lock_exclusion,
// test_generic_lock_fifo_fairness,
// test_generic_lock_acquire_nowait_blocks_acquire) run over Lock,
// Semaphore(1), BoundedSemaphore(1), CapacityLimiter(1) and a Condition's
// lock.

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/aio-go/aio"
)

// syLock is what every lock-like primitive offers.
type syLock interface {
	Acquire(ctx context.Context) error
	TryAcquire(ctx context.Context) error
	Release(ctx context.Context) error
	Do(ctx context.Context, fn func(ctx context.Context) error) error
}

// sySemLock and syBoundedLock give the semaphores a Release with a ctx.
type sySemLock struct{ *aio.Semaphore }
type syBoundedLock struct{ *aio.BoundedSemaphore }

func (s sySemLock) Release(context.Context) error     { s.Semaphore.Release(); return nil }
func (s syBoundedLock) Release(context.Context) error { return s.BoundedSemaphore.Release() }

var syLockFactories = []struct {
	name string
	make func() syLock
}{
	{"Lock", func() syLock { return new(aio.Lock) }},
	{"Semaphore(1)", func() syLock { return sySemLock{aio.NewSemaphore(1)} }},
	{"BoundedSemaphore(1)", func() syLock { return syBoundedLock{aio.NewBoundedSemaphore(1)} }},
	{"CapacityLimiter(1)", func() syLock { return aio.NewCapacityLimiter(1) }},
	{"Condition", func() syLock { return new(aio.Condition) }},
}

func TestLockLikePrimitivesLetOneTaskInAtATime(t *testing.T) {
	for _, f := range syLockFactories {
		t.Run(f.name, func(t *testing.T) {
			ktRun(t, func(ctx context.Context) error {
				lock := f.make()
				inside, acquires := false, 0
				return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
					for w := range 5 {
						tg.Go(func(ctx context.Context) error {
							for range 10 {
								err := lock.Do(ctx, func(ctx context.Context) error {
									acquires++
									if inside {
										t.Errorf("worker %d entered while another was inside", w)
									}
									inside = true
									sySteps(t, ctx, 2)
									inside = false
									return nil
								})
								if err != nil {
									return err
								}
							}
							return nil
						})
					}
					return nil
				})
			}, aio.WithSeed(7))
		})
	}
}

func TestLockLikePrimitivesServeWaitersInArrivalOrder(t *testing.T) {
	for _, f := range syLockFactories {
		t.Run(f.name, func(t *testing.T) {
			ktRun(t, func(ctx context.Context) error {
				lock := f.make()
				var order []int
				if err := lock.Acquire(ctx); err != nil {
					return err
				}
				var tasks []*aio.Task[struct{}]
				for i := range 5 {
					tasks = append(tasks, syGo(t, ctx, fmt.Sprint(i), func(ctx context.Context) error {
						return lock.Do(ctx, func(context.Context) error {
							order = append(order, i)
							return nil
						})
					}))
					sySteps(t, ctx, 1) // each waits before the next starts
				}
				if err := lock.Release(ctx); err != nil {
					return err
				}
				for _, task := range tasks {
					if err := syAwaitErr(ctx, task); err != nil {
						return err
					}
				}
				if want := []int{0, 1, 2, 3, 4}; !slices.Equal(order, want) {
					t.Errorf("served in the order %v, want %v", order, want)
				}
				return nil
			})
		})
	}
}

func TestLockLikeTryAcquireNeverTakesItPastAWaiter(t *testing.T) {
	for _, f := range syLockFactories {
		t.Run(f.name, func(t *testing.T) {
			ktRun(t, func(ctx context.Context) error {
				lock := f.make()
				if err := lock.TryAcquire(ctx); err != nil {
					t.Fatalf("TryAcquire of a free one = %v", err)
				}
				waiter := syGo(t, ctx, "waiter", func(ctx context.Context) error {
					return lock.Do(ctx, func(context.Context) error { return nil })
				})
				sySteps(t, ctx, 1)
				if err := lock.Release(ctx); err != nil {
					return err
				}
				// Handed to the waiter, which has not run yet: nobody
				// can take it in between.
				if err := lock.TryAcquire(ctx); err != aio.ErrWouldBlock {
					t.Errorf("TryAcquire right after a Release to a waiter = %v, want ErrWouldBlock", err)
				}
				return syAwaitErr(ctx, waiter)
			})
		})
	}
}
