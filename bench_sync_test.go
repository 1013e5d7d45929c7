package aio_test

import (
	"context"
	"sync"
	"testing"

	"github.com/aio-go/aio"
)

// The synchronisation primitives beside their raw-Go baselines.

// BenchmarkLockUncontended is an Acquire and a Release of a Lock nobody
// else wants, beside BenchmarkMutexBaseline.
func BenchmarkLockUncontended(b *testing.B) {
	run(b, func(ctx context.Context) error {
		var mu aio.Lock
		for b.Loop() {
			if err := mu.Acquire(ctx); err != nil {
				return err
			}
			if err := mu.Release(ctx); err != nil {
				return err
			}
		}
		return nil
	})
}

// BenchmarkMutexBaseline is a Lock and an Unlock of a sync.Mutex nobody else
// wants.
func BenchmarkMutexBaseline(b *testing.B) {
	var mu sync.Mutex
	b.ReportAllocs()
	for b.Loop() {
		mu.Lock()
		mu.Unlock()
	}
}

// BenchmarkLockPingPong is one hop of a Lock between two tasks, the work
// of BenchmarkFuturePingPong: each side releases the lock to the other,
// which waits for it in Acquire, and waits for it back.
func BenchmarkLockPingPong(b *testing.B) {
	run(b, func(ctx context.Context) error {
		var mu aio.Lock
		if err := mu.Acquire(ctx); err != nil {
			return err
		}
		stop := false
		partner, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			for {
				if err := mu.Acquire(ctx); err != nil {
					return 0, err
				}
				if err := mu.Release(ctx); err != nil || stop {
					return 0, err
				}
			}
		})
		if err != nil {
			return err
		}
		if err := aio.Sleep(ctx, 0); err != nil { // the partner waits
			return err
		}
		i := 0
		for b.Loop() {
			// As in BenchmarkFuturePingPong: the lock goes to the partner
			// on even iterations, and comes back on odd ones.
			if i%2 == 0 {
				err = mu.Release(ctx)
			} else {
				err = mu.Acquire(ctx)
			}
			if err != nil {
				return err
			}
			i++
		}
		if i%2 == 1 {
			if err := mu.Acquire(ctx); err != nil {
				return err
			}
		}
		stop = true
		if err := mu.Release(ctx); err != nil {
			return err
		}
		_, err = partner.Await(ctx)
		return err
	})
}

// BenchmarkEventPingPong is one hop between two tasks through two Events,
// each set by one side and waited for and cleared by the other: the work
// of asyncio's pingpong_event.
func BenchmarkEventPingPong(b *testing.B) {
	run(b, func(ctx context.Context) error {
		var toA, toB aio.Event
		stop := false
		partner, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			for {
				if err := toB.Wait(ctx); err != nil || stop {
					return 0, err
				}
				toB.Clear()
				toA.Set()
			}
		})
		if err != nil {
			return err
		}
		if err := aio.Sleep(ctx, 0); err != nil {
			return err
		}
		i := 0
		for b.Loop() {
			if i%2 == 0 {
				toB.Set()
			} else {
				if err := toA.Wait(ctx); err != nil {
					return err
				}
				toA.Clear()
			}
			i++
		}
		if i%2 == 1 {
			toA.Wait(ctx)
		}
		stop = true
		toB.Set()
		_, err = partner.Await(ctx)
		return err
	})
}

// BenchmarkEventWaitSet is a Wait on an Event that is set: no switch.
func BenchmarkEventWaitSet(b *testing.B) {
	run(b, func(ctx context.Context) error {
		var ev aio.Event
		ev.Set()
		for b.Loop() {
			if err := ev.Wait(ctx); err != nil {
				return err
			}
		}
		return nil
	})
}

// BenchmarkSemaphoreUncontended is an Acquire and a Release of a Semaphore
// with a permit free, beside BenchmarkChanSemaphoreBaseline.
func BenchmarkSemaphoreUncontended(b *testing.B) {
	run(b, func(ctx context.Context) error {
		sem := aio.NewSemaphore(1)
		for b.Loop() {
			if err := sem.Acquire(ctx); err != nil {
				return err
			}
			sem.Release()
		}
		return nil
	})
}

// BenchmarkChanSemaphoreBaseline is Go's semaphore idiom: a send to and a
// receive from a channel of size 1.
func BenchmarkChanSemaphoreBaseline(b *testing.B) {
	sem := make(chan struct{}, 1)
	b.ReportAllocs()
	for b.Loop() {
		sem <- struct{}{}
		<-sem
	}
}

// BenchmarkSemaphorePingPong is one hop of a permit between two tasks
// through two Semaphores of no permit, the work of
// BenchmarkParkingLotPingPong.
func BenchmarkSemaphorePingPong(b *testing.B) {
	run(b, func(ctx context.Context) error {
		toA, toB := aio.NewSemaphore(0), aio.NewSemaphore(0)
		stop := false
		partner, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			for {
				if err := toB.Acquire(ctx); err != nil || stop {
					return 0, err
				}
				toA.Release()
			}
		})
		if err != nil {
			return err
		}
		if err := aio.Sleep(ctx, 0); err != nil {
			return err
		}
		i := 0
		for b.Loop() {
			if i%2 == 0 {
				toB.Release()
			} else if err := toA.Acquire(ctx); err != nil {
				return err
			}
			i++
		}
		if i%2 == 1 {
			toA.Acquire(ctx)
		}
		stop = true
		toB.Release()
		_, err = partner.Await(ctx)
		return err
	})
}
