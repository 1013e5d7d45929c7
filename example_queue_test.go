package aio_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aio-go/aio"
)

// A pipeline: a producer, a queue that holds two jobs, and a consumer that
// takes a second per job. The producer runs ahead until the queue is full,
// then waits for room (backpressure). When it has put every job it shuts
// the queue down; the consumer drains what is left, then its Get fails
// with ErrQueueShutDown and it stops.
func ExampleQueue() {
	aio.Run(func(ctx context.Context) (int, error) {
		start := aio.Now(ctx)
		at := func() time.Duration { return aio.Now(ctx).Sub(start) }
		q := aio.NewQueue[string](2)
		err := aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			tg.Go(func(ctx context.Context) error {
				defer q.Shutdown(false)
				for _, job := range []string{"a", "b", "c", "d"} {
					if err := q.Put(ctx, job); err != nil {
						return err
					}
					fmt.Println("put", job, "at", at())
				}
				return nil
			})
			tg.Go(func(ctx context.Context) error {
				for {
					job, err := q.Get(ctx)
					if errors.Is(err, aio.ErrQueueShutDown) {
						fmt.Println("consumer stops at", at())
						return nil
					}
					if err != nil {
						return err
					}
					if err := aio.Sleep(ctx, time.Second); err != nil {
						return err
					}
					fmt.Println("did", job, "at", at())
				}
			})
			return nil
		})
		return 0, err
	}, aio.WithVirtualClock())
	// Output:
	// put a at 0s
	// put b at 0s
	// put c at 0s
	// did a at 1s
	// put d at 1s
	// did b at 2s
	// did c at 3s
	// did d at 4s
	// consumer stops at 4s
}

// Workers and Join, as in asyncio's Queue example: Join returns once every
// job put has been marked done.
func ExampleQueue_Join() {
	aio.Run(func(ctx context.Context) (int, error) {
		start := aio.Now(ctx)
		var q aio.Queue[time.Duration]
		for _, d := range []time.Duration{3, 1, 2, 2} {
			q.TryPut(d * time.Second)
		}
		err := aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			for w := range 2 {
				tg.Go(func(ctx context.Context) error {
					for {
						d, err := q.Get(ctx)
						if err != nil {
							return nil // shut down
						}
						aio.Sleep(ctx, d)
						fmt.Printf("worker %d slept %v\n", w, d)
						q.TaskDone()
					}
				})
			}
			if err := q.Join(ctx); err != nil {
				return err
			}
			fmt.Println("all done at", aio.Now(ctx).Sub(start))
			q.Shutdown(false) // the workers stop
			return nil
		})
		return 0, err
	}, aio.WithVirtualClock())
	// Output:
	// worker 1 slept 1s
	// worker 0 slept 3s
	// worker 1 slept 2s
	// worker 0 slept 2s
	// all done at 5s
}

func ExampleLifoQueue() {
	aio.Run(func(ctx context.Context) (int, error) {
		var q aio.LifoQueue[string] // the zero value is unbounded
		for _, s := range []string{"first", "second", "third"} {
			q.TryPut(s)
		}
		for !q.Empty() {
			s, _ := q.Get(ctx)
			fmt.Println(s)
		}
		return 0, nil
	}, aio.WithVirtualClock())
	// Output:
	// third
	// second
	// first
}

func ExamplePriorityQueue() {
	aio.Run(func(ctx context.Context) (int, error) {
		q := aio.NewPriorityQueue[int](0)
		for _, p := range []int{5, 1, 4, 2, 3} {
			q.TryPut(p)
		}
		for !q.Empty() {
			p, _ := q.Get(ctx)
			fmt.Print(p, " ")
		}
		fmt.Println()
		return 0, nil
	}, aio.WithVirtualClock())
	// Output: 1 2 3 4 5
}

// Jobs by priority, the highest first, and in the order they came among
// equals: the sequence number breaks ties, as the count in asyncio's
// (priority, count, item) tuples does.
func ExampleNewPriorityQueueFunc() {
	type job struct {
		prio, seq int
		name      string
	}
	aio.Run(func(ctx context.Context) (int, error) {
		q := aio.NewPriorityQueueFunc(0, func(a, b job) bool {
			if a.prio != b.prio {
				return a.prio > b.prio
			}
			return a.seq < b.seq
		})
		for i, j := range []job{{prio: 1, name: "backup"}, {prio: 9, name: "page"}, {prio: 5, name: "mail"}, {prio: 5, name: "chat"}} {
			j.seq = i
			q.TryPut(j)
		}
		for !q.Empty() {
			j, _ := q.Get(ctx)
			fmt.Println(j.prio, j.name)
		}
		return 0, nil
	}, aio.WithVirtualClock())
	// Output:
	// 9 page
	// 5 mail
	// 5 chat
	// 1 backup
}

// Two producers, each on a clone of the send side, and a consumer that
// ranges over the receive side: the range ends when both clones are
// closed and everything sent has been received. Without a buffer, a Send
// waits for the consumer to take its value, and the senders are served in
// the order they came: ping's second value was waiting before pong's
// first.
func ExampleNewMemoryChannel() {
	aio.Run(func(ctx context.Context) (int, error) {
		tx, rx := aio.NewMemoryChannel[string](0)
		err := aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			for _, name := range []string{"ping", "pong"} {
				c, err := tx.Clone()
				if err != nil {
					return err
				}
				tg.Go(func(ctx context.Context) error {
					defer c.Close()
					for i := range 2 {
						if err := c.Send(ctx, fmt.Sprint(name, i)); err != nil {
							return err
						}
					}
					return nil
				})
			}
			tx.Close() // the producers hold their own clones
			for v, err := range rx.All(ctx) {
				if err != nil {
					return err
				}
				fmt.Println(v)
			}
			fmt.Println("end of channel")
			return nil
		})
		return 0, err
	}, aio.WithVirtualClock())
	// Output:
	// ping0
	// ping1
	// pong0
	// pong1
	// end of channel
}

// A goroutine that works on its own, fed and read through Go channels:
// Send and Recv park the task, so the loop runs its other tasks meanwhile,
// where a bare ch <- v or <-ch would hold the whole loop.
func ExampleRecv() {
	aio.Run(func(ctx context.Context) (int, error) {
		words, shouted := make(chan string), make(chan string)
		go func() {
			defer close(shouted)
			for w := range words {
				shouted <- strings.ToUpper(w)
			}
		}()
		for _, w := range []string{"hello", "loop"} {
			if err := aio.Send(ctx, words, w); err != nil {
				return 0, err
			}
			s, err := aio.Recv(ctx, shouted)
			if err != nil {
				return 0, err
			}
			fmt.Println(s)
		}
		close(words)
		_, err := aio.Recv(ctx, shouted)
		fmt.Println(err)
		return 0, nil
	})
	// Output:
	// HELLO
	// LOOP
	// aio: end of channel
}
