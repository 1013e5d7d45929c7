package workloads

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/aio-go/aio"
)

// inLoop runs fn as the main task of a fresh aio loop on the real clock
// (aio.Run with opts: none but for the eager trees) and returns what it
// measured.
func inLoop(fn func(ctx context.Context) (measure, error), opts ...aio.Option) (measure, error) {
	return aio.Run(fn, opts...)
}

// sleep0_1: one task awaits Sleep(0) size times. sleep0_2: two tasks each
// await it size/2 times, gathered. One Sleep(0) is one op. Plain Go has no
// loop to yield to, so these are aio's only.

func sleep0OneAIO(size int) (measure, error) {
	return inLoop(func(ctx context.Context) (measure, error) {
		return timed(size, func() error { return sleepZero(ctx, size) })
	})
}

func sleep0TwoAIO(size int) (measure, error) {
	return inLoop(func(ctx context.Context) (measure, error) {
		half := func(ctx context.Context) (struct{}, error) {
			return struct{}{}, sleepZero(ctx, size/2)
		}
		return timed(size/2*2, func() error {
			_, err := aio.Gather(ctx, half, half)
			return err
		})
	})
}

func sleepZero(ctx context.Context, n int) error {
	for range n {
		if err := aio.Sleep(ctx, 0); err != nil {
			return err
		}
	}
	return nil
}

// spawn: size tasks that each await one Sleep(0) and return, gathered; one
// task is one op.

func spawnAIO(size int) (measure, error) {
	return inLoop(func(ctx context.Context) (measure, error) {
		step := func(ctx context.Context) (int, error) {
			return 1, aio.Sleep(ctx, 0)
		}
		var got []int
		m, err := timed(size, func() error {
			fns := make([]func(context.Context) (int, error), size)
			for i := range fns {
				fns[i] = step
			}
			var err error
			got, err = aio.Gather(ctx, fns...)
			return err
		})
		if err == nil && len(got) != size {
			err = fmt.Errorf("%d results, want %d", len(got), size)
		}
		return m, err
	})
}

func spawnGo(size int) (measure, error) {
	return timed(size, func() error {
		var wg sync.WaitGroup
		for range size {
			wg.Go(runtime.Gosched)
		}
		wg.Wait()
		return nil
	})
}

// pingpong_future: two tasks hand a token back and forth, each hop setting a
// fresh future that the other side awaits; one hop is one op. A round is
// two hops, so an odd size runs size-1 hops, and a size below 2 runs one
// round (as the Python worker does).

func pingpongRounds(size int) int { return max(1, size/2) }

func pingpongFutureAIO(size int) (measure, error) {
	rounds := pingpongRounds(size)
	return inLoop(func(ctx context.Context) (measure, error) {
		toA, toB := aio.NewFuture[int](), aio.NewFuture[int]()
		b := func(ctx context.Context) (int, error) {
			for range rounds {
				v, err := toB.Await(ctx)
				if err != nil {
					return 0, err
				}
				toB = aio.NewFuture[int]()
				if err := toA.SetResult(v + 1); err != nil {
					return 0, err
				}
			}
			return 0, nil
		}
		var last int
		a := func(ctx context.Context) (int, error) {
			for i := range rounds {
				toA = aio.NewFuture[int]()
				if err := toB.SetResult(2 * i); err != nil {
					return 0, err
				}
				v, err := toA.Await(ctx)
				if err != nil {
					return 0, err
				}
				last = v
			}
			return 0, nil
		}
		m, err := timed(2*rounds, func() error {
			_, err := aio.Gather(ctx, a, b)
			return err
		})
		if err == nil && last != 2*rounds-1 {
			err = fmt.Errorf("last token %d, want %d", last, 2*rounds-1)
		}
		return m, err
	})
}

func pingpongChanGo(size int) (measure, error) {
	rounds := pingpongRounds(size)
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
		close(pong)
	}()
	last := 0
	m, err := timed(2*rounds, func() error {
		for i := range rounds {
			ping <- 2 * i
			last = <-pong
		}
		return nil
	})
	close(ping)
	<-pong
	if err == nil && last != 2*rounds-1 {
		err = fmt.Errorf("last token %d, want %d", last, 2*rounds-1)
	}
	return m, err
}

// pingpong_event: the same through events, as asyncio's: each side waits
// for its event, clears it and sets the other's; the token is a variable
// the two tasks share, which needs no lock on one loop.

func pingpongEventAIO(size int) (measure, error) {
	rounds := pingpongRounds(size)
	return inLoop(func(ctx context.Context) (measure, error) {
		var evA, evB aio.Event
		token := 0
		b := func(ctx context.Context) (int, error) {
			for range rounds {
				if err := evB.Wait(ctx); err != nil {
					return 0, err
				}
				evB.Clear()
				token++
				evA.Set()
			}
			return 0, nil
		}
		a := func(ctx context.Context) (int, error) {
			for range rounds {
				token++
				evB.Set()
				if err := evA.Wait(ctx); err != nil {
					return 0, err
				}
				evA.Clear()
			}
			return 0, nil
		}
		m, err := timed(2*rounds, func() error {
			_, err := aio.Gather(ctx, a, b)
			return err
		})
		if err == nil && token != 2*rounds {
			err = fmt.Errorf("token %d, want %d", token, 2*rounds)
		}
		return m, err
	})
}

// queue_pingpong: the token goes back and forth through two queues, one
// each way: each side puts it in the other's queue and gets it from its
// own. asyncio's side uses asyncio.Queue, trio's a memory channel pair of
// buffer 1 each way, Go's two channels of buffer 1.

func queuePingpongAIO(size int) (measure, error) {
	rounds := pingpongRounds(size)
	return inLoop(func(ctx context.Context) (measure, error) {
		toA, toB := aio.NewQueue[int](0), aio.NewQueue[int](0)
		b := func(ctx context.Context) (int, error) {
			for range rounds {
				v, err := toB.Get(ctx)
				if err != nil {
					return 0, err
				}
				if err := toA.Put(ctx, v+1); err != nil {
					return 0, err
				}
			}
			return 0, nil
		}
		last := 0
		a := func(ctx context.Context) (int, error) {
			for i := range rounds {
				if err := toB.Put(ctx, 2*i); err != nil {
					return 0, err
				}
				v, err := toA.Get(ctx)
				if err != nil {
					return 0, err
				}
				last = v
			}
			return 0, nil
		}
		m, err := timed(2*rounds, func() error {
			_, err := aio.Gather(ctx, a, b)
			return err
		})
		if err == nil && last != 2*rounds-1 {
			err = fmt.Errorf("last token %d, want %d", last, 2*rounds-1)
		}
		return m, err
	})
}

// queuePingpongGo is queue_pingpong between two goroutines over two
// channels of buffer 1.
func queuePingpongGo(size int) (measure, error) {
	rounds := pingpongRounds(size)
	toA, toB := make(chan int, 1), make(chan int, 1)
	go func() {
		for v := range toB {
			toA <- v + 1
		}
		close(toA)
	}()
	last := 0
	m, err := timed(2*rounds, func() error {
		for i := range rounds {
			toB <- 2 * i
			last = <-toA
		}
		return nil
	})
	close(toB)
	<-toA
	if err == nil && last != 2*rounds-1 {
		err = fmt.Errorf("last token %d, want %d", last, 2*rounds-1)
	}
	return m, err
}

// pingpongSignalGo is the Go programmer's event: a signal on an unbuffered
// channel of struct{}, the token in a variable that the channel operations
// order.
func pingpongSignalGo(size int) (measure, error) {
	rounds := pingpongRounds(size)
	evA, evB := make(chan struct{}), make(chan struct{})
	token := 0
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range rounds {
			<-evB
			token++
			evA <- struct{}{}
		}
	}()
	m, err := timed(2*rounds, func() error {
		for range rounds {
			token++
			evB <- struct{}{}
			<-evA
		}
		return nil
	})
	<-done
	if err == nil && token != 2*rounds {
		err = fmt.Errorf("token %d, want %d", token, 2*rounds)
	}
	return m, err
}
