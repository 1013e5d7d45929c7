package aio_test

import (
	"context"
	"testing"

	"github.com/aio-go/aio"
)

// Queues and channels, each beside the work it is measured against:
// BenchmarkFuturePingPong (bench_test.go) for a hop between two tasks, and
// goroutines on a buffered Go channel for a stream of items.

// BenchmarkQueuePingPong is one hop of a token between two tasks through
// two unbounded queues, the same work as BenchmarkFuturePingPong: each side
// puts into the other's queue and gets from its own.
func BenchmarkQueuePingPong(b *testing.B) {
	run(b, func(ctx context.Context) error {
		var toA, toB aio.Queue[int]
		partner, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			for {
				v, err := toB.Get(ctx)
				if err != nil || v < 0 {
					return 0, err
				}
				if err := toA.Put(ctx, v+1); err != nil {
					return 0, err
				}
			}
		})
		if err != nil {
			return err
		}
		i := 0
		for b.Loop() {
			// As in BenchmarkFuturePingPong: the token goes to B on even
			// iterations, B's answer comes back on odd ones.
			if i%2 == 0 {
				if err := toB.Put(ctx, i); err != nil {
					return err
				}
			} else if _, err := toA.Get(ctx); err != nil {
				return err
			}
			i++
		}
		if i%2 == 1 {
			toA.Get(ctx)
		}
		toB.Put(ctx, -1)
		_, err = partner.Await(ctx)
		return err
	})
}

// BenchmarkQueueProducerConsumer is one item through a Queue of size 100
// from a producer task to a consumer task.
func BenchmarkQueueProducerConsumer(b *testing.B) {
	run(b, func(ctx context.Context) error {
		q := aio.NewQueue[int](100)
		consumer, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			n := 0
			for {
				v, err := q.Get(ctx)
				if err != nil || v < 0 {
					return n, err
				}
				n++
			}
		})
		if err != nil {
			return err
		}
		for b.Loop() {
			if err := q.Put(ctx, 1); err != nil {
				return err
			}
		}
		if err := q.Put(ctx, -1); err != nil {
			return err
		}
		_, err = consumer.Await(ctx)
		return err
	})
}

// BenchmarkChanProducerConsumerBaseline is one item through a Go channel
// of size 100 from a producer goroutine to a consumer goroutine.
func BenchmarkChanProducerConsumerBaseline(b *testing.B) {
	b.ReportAllocs()
	ch := make(chan int, 100)
	done := make(chan int)
	go func() {
		n := 0
		for range ch {
			n++
		}
		done <- n
	}()
	for b.Loop() {
		ch <- 1
	}
	close(ch)
	<-done
}

// BenchmarkQueueTryPutTryGet is an item put into a queue and taken out by
// the same task, without waiting: the cost of the queue itself.
func BenchmarkQueueTryPutTryGet(b *testing.B) {
	run(b, func(ctx context.Context) error {
		var q aio.Queue[int]
		for b.Loop() {
			if err := q.TryPut(1); err != nil {
				return err
			}
			if _, err := q.TryGet(); err != nil {
				return err
			}
		}
		return nil
	})
}

// BenchmarkMemoryChannelPingPong is one hop of a token between two tasks
// through two rendezvous memory channels, the same work as
// BenchmarkFuturePingPong.
func BenchmarkMemoryChannelPingPong(b *testing.B) {
	run(b, func(ctx context.Context) error {
		toBTx, toBRx := aio.NewMemoryChannel[int](0)
		toATx, toARx := aio.NewMemoryChannel[int](0)
		partner, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			defer toATx.Close()
			for v, err := range toBRx.All(ctx) {
				if err != nil {
					return 0, err
				}
				if err := toATx.Send(ctx, v+1); err != nil {
					return 0, err
				}
			}
			return 0, nil
		})
		if err != nil {
			return err
		}
		i := 0
		for b.Loop() {
			if i%2 == 0 {
				if err := toBTx.Send(ctx, i); err != nil {
					return err
				}
			} else if _, err := toARx.Receive(ctx); err != nil {
				return err
			}
			i++
		}
		if i%2 == 1 {
			toARx.Receive(ctx)
		}
		toBTx.Close()
		_, err = partner.Await(ctx)
		return err
	})
}

// BenchmarkMemoryChannelProducerConsumer is one value through a memory
// channel with a buffer of 100 from a producer task to a consumer task,
// beside BenchmarkChanProducerConsumerBaseline.
func BenchmarkMemoryChannelProducerConsumer(b *testing.B) {
	run(b, func(ctx context.Context) error {
		tx, rx := aio.NewMemoryChannel[int](100)
		consumer, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			n := 0
			for _, err := range rx.All(ctx) {
				if err != nil {
					return n, err
				}
				n++
			}
			return n, nil
		})
		if err != nil {
			return err
		}
		for b.Loop() {
			if err := tx.Send(ctx, 1); err != nil {
				return err
			}
		}
		tx.Close()
		_, err = consumer.Await(ctx)
		return err
	})
}

// BenchmarkSendRecvRoundTripWithAGoroutine is a value sent by a task to a
// goroutine on a Go channel and its answer received back, each through
// Send and Recv: two hops, beside two of BenchmarkChanPingPongBaseline.
func BenchmarkSendRecvRoundTripWithAGoroutine(b *testing.B) {
	in, out := make(chan int), make(chan int)
	go func() {
		for v := range in {
			out <- v + 1
		}
		close(out)
	}()
	run(b, func(ctx context.Context) error {
		for b.Loop() {
			if err := aio.Send(ctx, in, 1); err != nil {
				return err
			}
			if _, err := aio.Recv(ctx, out); err != nil {
				return err
			}
		}
		return nil
	})
	close(in)
	<-out
}
