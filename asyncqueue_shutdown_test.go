package aio_test

// Queues: task_done/join (test_task_done, test_task_done_underflow,
// test_join_empty_queue), asyncio 3.13's shutdown (test_shutdown_empty,
// test_shutdown_nonempty, test_shutdown_immediate,
// test_shutdown_immediate_with_unfinished, test_shutdown_putters_deque,
// test_shutdown_getters_deque), and the kernel's misuse rules.

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

func TestQueueJoinWaitsUntilEveryItemIsMarkedDone(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var q aio.Queue[time.Duration]
		start := aio.Now(ctx)
		for _, d := range []time.Duration{3 * time.Second, time.Second, 2 * time.Second} {
			q.TryPut(d)
		}
		return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			for range 2 { // two workers
				tg.Go(func(ctx context.Context) error {
					for {
						d, err := q.Get(ctx)
						if err != nil {
							return nil // shut down
						}
						aio.Sleep(ctx, d)
						if err := q.TaskDone(); err != nil {
							t.Errorf("TaskDone: %v", err)
						}
					}
				})
			}
			if err := q.Join(ctx); err != nil {
				return err
			}
			// Worker 1 takes 3s, worker 2 takes 1s then 2s.
			if d := ktSince(ctx, start); d != 3*time.Second {
				t.Errorf("Join returned after %v, want 3s", d)
			}
			if s := q.Stats(); s.Unfinished != 0 || s.Joiners != 0 {
				t.Errorf("after Join: %+v", s)
			}
			q.Shutdown(false)
			return nil
		})
	})
}

func TestQueueJoinWithNothingUnfinishedReturnsWithoutASwitch(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		steps, counter := ktStepCounter(t, ctx)
		defer counter.Cancel(nil)
		aio.Sleep(ctx, 0)
		var q aio.Queue[int]
		before := *steps
		if err := q.Join(ctx); err != nil {
			t.Errorf("Join: %v", err)
		}
		q.TryPut(1)
		q.TryGet()
		q.TaskDone()
		if err := q.Join(ctx); err != nil {
			t.Errorf("Join: %v", err)
		}
		if *steps != before {
			t.Errorf("Join on a queue with nothing unfinished switched")
		}
		return nil
	})
}

func TestQueueTaskDoneMoreTimesThanItemsIsAnError(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var q aio.Queue[int]
		if err := q.TaskDone(); !errors.Is(err, aio.ErrInvalidState) {
			t.Errorf("TaskDone on a new queue: %v, want ErrInvalidState", err)
		}
		q.TryPut(1)
		q.TryGet()
		if err := q.TaskDone(); err != nil {
			t.Errorf("TaskDone: %v", err)
		}
		if err := q.TaskDone(); !errors.Is(err, aio.ErrInvalidState) {
			t.Errorf("a second TaskDone for one item: %v, want ErrInvalidState", err)
		}
		if u := q.Stats().Unfinished; u != 0 {
			t.Errorf("Unfinished = %d after a refused TaskDone", u)
		}
		return nil
	})
}

func TestQueueJoinCancelledLeavesTheQueueAsItWas(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var q aio.Queue[int]
		q.TryPut(1)
		joiner := aqGo(t, ctx, "joiner", func(ctx context.Context) (int, error) { return 0, q.Join(ctx) })
		aqUntil(t, ctx, "the joiner waits", func() bool { return q.Stats().Joiners == 1 })
		joiner.Cancel(nil)
		if _, err := joiner.Await(ctx); !ktIsCancel(err) {
			t.Errorf("the cancelled Join returned %v", err)
		}
		if s := q.Stats(); s.Joiners != 0 || s.Unfinished != 1 || s.Len != 1 {
			t.Errorf("after the cancelled Join: %+v", s)
		}
		return nil
	})
}

func TestQueueShutdownMakesPutsFail(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var q aio.Queue[int]
		q.TryPut(1)
		q.Shutdown(false)
		if err := q.Put(ctx, 2); !errors.Is(err, aio.ErrQueueShutDown) {
			t.Errorf("Put after Shutdown: %v", err)
		}
		if err := q.TryPut(2); !errors.Is(err, aio.ErrQueueShutDown) {
			t.Errorf("TryPut after Shutdown: %v", err)
		}
		if s := q.Stats(); s.Len != 1 || s.Unfinished != 1 || !s.ShutDown {
			t.Errorf("after the refused puts: %+v", s)
		}
		return nil
	})
}

func TestQueueShutdownLetsGetsDrainWhatIsLeftThenFail(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var q aio.Queue[int]
		q.TryPut(1)
		q.TryPut(2)
		q.Shutdown(false)
		if v, err := q.Get(ctx); v != 1 || err != nil {
			t.Errorf("Get = %d, %v", v, err)
		}
		if v, err := q.TryGet(); v != 2 || err != nil {
			t.Errorf("TryGet = %d, %v", v, err)
		}
		if _, err := q.Get(ctx); !errors.Is(err, aio.ErrQueueShutDown) {
			t.Errorf("Get on a shut-down empty queue: %v", err)
		}
		if _, err := q.TryGet(); !errors.Is(err, aio.ErrQueueShutDown) {
			t.Errorf("TryGet on a shut-down empty queue: %v", err)
		}
		if u := q.Stats().Unfinished; u != 2 {
			t.Errorf("Unfinished = %d; the items taken still await TaskDone", u)
		}
		return nil
	})
}

func TestQueueShutdownImmediateEmptiesTheQueueAndReleasesJoin(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var q aio.Queue[int]
		for i := range 3 {
			q.TryPut(i)
		}
		joiner := aqGo(t, ctx, "joiner", func(ctx context.Context) (int, error) { return 0, q.Join(ctx) })
		aqUntil(t, ctx, "the joiner waits", func() bool { return q.Stats().Joiners == 1 })
		q.Shutdown(true)
		if s := q.Stats(); s.Len != 0 || s.Unfinished != 0 {
			t.Errorf("after Shutdown(true): %+v", s)
		}
		if _, err := q.Get(ctx); !errors.Is(err, aio.ErrQueueShutDown) {
			t.Errorf("Get after Shutdown(true): %v", err)
		}
		if _, err := joiner.Await(ctx); err != nil {
			t.Errorf("Join: %v", err)
		}
		return nil
	})
}

func TestQueueShutdownImmediateKeepsJoinWaitingForItemsBeingProcessed(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var q aio.Queue[int]
		q.TryPut(1)
		q.TryPut(2)
		q.TryGet() // taken, being processed
		joiner := aqGo(t, ctx, "joiner", func(ctx context.Context) (int, error) { return 0, q.Join(ctx) })
		aqUntil(t, ctx, "the joiner waits", func() bool { return q.Stats().Joiners == 1 })
		q.Shutdown(true)
		aio.Sleep(ctx, 0)
		aio.Sleep(ctx, 0)
		if s := q.Stats(); s.Unfinished != 1 || s.Joiners != 1 || joiner.Done() {
			t.Errorf("after Shutdown(true) with an item being processed: %+v, joiner done %v", s, joiner.Done())
		}
		q.TaskDone()
		_, err := joiner.Await(ctx)
		return err
	})
}

func TestQueueShutdownWakesBlockedGettersAndPuttersWithErrQueueShutDown(t *testing.T) {
	for _, immediate := range []bool{false, true} {
		t.Run(map[bool]string{false: "plain", true: "immediate"}[immediate], func(t *testing.T) {
			ktRun(t, func(ctx context.Context) error {
				var empty aio.Queue[int]
				getters := aqGetters(t, ctx, &empty, 3)

				full := aio.NewQueue[int](1)
				full.TryPut(0)
				var putters []*aio.Task[int]
				for i := range 3 {
					putters = append(putters, aqGo(t, ctx, "putter", func(ctx context.Context) (int, error) {
						return 0, full.Put(ctx, i+1)
					}))
					aqUntil(t, ctx, "the putter waits", func() bool { return full.Stats().Putters == i+1 })
				}
				empty.Shutdown(immediate)
				full.Shutdown(immediate)
				for _, task := range append(getters, putters...) {
					if _, err := task.Await(ctx); !errors.Is(err, aio.ErrQueueShutDown) {
						t.Errorf("%s returned %v, want ErrQueueShutDown", task.Name(), err)
					}
				}
				want := aio.QueueStats{Len: 1, MaxSize: 1, Unfinished: 1, ShutDown: true}
				if immediate {
					want.Len, want.Unfinished = 0, 0
				}
				if s := full.Stats(); s != want {
					t.Errorf("the full queue after Shutdown: %+v, want %+v (no putter's item may be in)", s, want)
				}
				return nil
			})
		})
	}
}

func TestQueueShutdownInTheSameStepAsAPutHandedToAGetterLetsItKeepTheItem(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var q aio.Queue[int]
		g := aqGetters(t, ctx, &q, 2)
		q.TryPut(1)
		q.Shutdown(true)
		if v, err := g[0].Await(ctx); v != 1 || err != nil {
			t.Errorf("the getter handed 1 returned %d, %v", v, err)
		}
		if _, err := g[1].Await(ctx); !errors.Is(err, aio.ErrQueueShutDown) {
			t.Errorf("the other getter returned %v", err)
		}
		if u := q.Stats().Unfinished; u != 1 {
			t.Errorf("Unfinished = %d; the item handed over still awaits TaskDone", u)
		}
		return nil
	})
}

func TestQueueOfAnotherLoopIsErrWrongLoop(t *testing.T) {
	var q aio.Queue[int]
	ktRun(t, func(ctx context.Context) error { return q.Put(ctx, 1) })
	ktRun(t, func(ctx context.Context) error {
		if err := q.Put(ctx, 2); !errors.Is(err, aio.ErrWrongLoop) {
			t.Errorf("Put: %v", err)
		}
		if _, err := q.Get(ctx); !errors.Is(err, aio.ErrWrongLoop) {
			t.Errorf("Get: %v", err)
		}
		if err := q.Join(ctx); !errors.Is(err, aio.ErrWrongLoop) {
			t.Errorf("Join: %v", err)
		}
		return nil
	})
	if q.Len() != 1 {
		t.Errorf("Len = %d after the refused calls", q.Len())
	}
}

func TestQueueWithTheContextOfAnotherTaskIsErrWrongTask(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var q aio.Queue[int]
		other := aqGo(t, ctx, "other", func(ctx context.Context) (context.Context, error) { return ctx, nil })
		octx, _ := other.Await(ctx)
		if err := q.Put(octx, 1); !errors.Is(err, aio.ErrWrongTask) {
			t.Errorf("Put: %v", err)
		}
		if _, err := q.Get(octx); !errors.Is(err, aio.ErrWrongTask) {
			t.Errorf("Get: %v", err)
		}
		if q.Len() != 0 {
			t.Errorf("Len = %d", q.Len())
		}
		return nil
	})
}

func TestQueueMethodsWithoutContextRefuseForeignGoroutines(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var q aio.Queue[int]
		q.Put(ctx, 1) // binds the queue to this loop
		_, err := aio.ToThread(ctx, func(context.Context) (int, error) {
			if err := q.TryPut(2); !errors.Is(err, aio.ErrWrongTask) || !strings.Contains(err.Error(), "Queue.TryPut") {
				t.Errorf("TryPut from another goroutine: %v", err)
			}
			if _, err := q.TryGet(); !errors.Is(err, aio.ErrWrongTask) {
				t.Errorf("TryGet from another goroutine: %v", err)
			}
			if err := q.TaskDone(); !errors.Is(err, aio.ErrWrongTask) {
				t.Errorf("TaskDone from another goroutine: %v", err)
			}
			func() {
				defer func() {
					if r := recover(); r == nil || !strings.Contains(r.(string), "Queue.Shutdown") {
						t.Errorf("Shutdown from another goroutine: recovered %v, want a panic naming it", r)
					}
				}()
				q.Shutdown(true)
			}()
			return 0, nil
		})
		if s := q.Stats(); s != (aio.QueueStats{Len: 1, Unfinished: 1}) {
			t.Errorf("after the refused calls: %+v", s)
		}
		return err
	})
}

func TestQueuePutAndGetAllocateNothingInSteadyState(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		q := aio.NewQueue[int](100)
		var back aio.Queue[int]
		partner := aqGo(t, ctx, "partner", func(ctx context.Context) (int, error) {
			for {
				v, err := q.Get(ctx)
				if err != nil || v < 0 {
					return 0, err
				}
				back.Put(ctx, v)
			}
		})
		cases := map[string]func(){
			"TryPut and TryGet": func() { back.TryPut(1); back.TryGet() },
			"Put and Get that need not wait": func() {
				back.Put(ctx, 1)
				back.Get(ctx)
			},
			"Put to a waiting getter and Get that waits": func() {
				q.Put(ctx, 1)
				back.Get(ctx)
			},
		}
		for name, f := range cases {
			f() // grow the buffers
			if n := testing.AllocsPerRun(1000, f); n != 0 {
				t.Errorf("%s: %v allocations per run", name, n)
			}
		}
		q.Put(ctx, -1)
		_, err := partner.Await(ctx)
		return err
	})
}
