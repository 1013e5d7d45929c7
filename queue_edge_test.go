package aio_test

// Edge cases of the queues that asyncio's test_queues.py pins down, each
// under the name of the rule it checks: a getter or putter cancelled
// around a hand-off, cancelled waiters that must not stay counted,
// TaskDone and Shutdown (3.13) misuse, and use after the loop closed.

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

func TestAQueueGetTimedOutAtTheInstantOfThePutNeverLosesTheItem(t *testing.T) {
	// The deadline of the getter's Timeout and the putter's sleep end at
	// the same instant, in both creation orders: whichever runs first,
	// the item is either returned by Get (and the Timeout then reports
	// nothing) or left in the queue for the next getter.
	for _, putterFirst := range []bool{true, false} {
		name := "the getter's deadline first"
		if putterFirst {
			name = "the putter's timer first"
		}
		t.Run(name, func(t *testing.T) {
			ktRun(t, func(ctx context.Context) error {
				var q aio.Queue[int]
				putter := func() *aio.Task[struct{}] {
					return syGo(t, ctx, "putter", func(ctx context.Context) error {
						if err := aio.Sleep(ctx, time.Second); err != nil {
							return err
						}
						return q.TryPut(7)
					})
				}
				var p *aio.Task[struct{}]
				if putterFirst {
					p = putter()
				}
				var got int
				getter := syGo(t, ctx, "getter", func(ctx context.Context) error {
					return aio.Timeout(ctx, time.Second, func(ctx context.Context, _ *aio.Scope) error {
						var err error
						got, err = q.Get(ctx)
						return err
					})
				})
				if !putterFirst {
					sySteps(t, ctx, 1) // the getter's scope is armed first
					p = putter()
				}
				if err := syAwaitErr(ctx, p); err != nil {
					return err
				}
				gerr := syAwaitErr(ctx, getter)
				switch {
				case gerr == nil && got == 7 && q.Len() == 0:
				case errors.Is(gerr, aio.ErrTimeout) && q.Len() == 1:
				default:
					t.Errorf("Get = %d, %v with %d items left: the item was lost or doubled", got, gerr, q.Len())
				}
				if st := q.Stats(); st.Getters != 0 || st.Unfinished != 1 {
					t.Errorf("Stats = %+v, want no getter and one unfinished item", st)
				}
				return nil
			})
		})
	}
}

func TestACancelledGetterOrPutterIsNotKeptAmongTheWaiters(t *testing.T) {
	// asyncio's test_cancelled_getters_not_being_held_in_self_getters and
	// test_cancelled_puts_not_being_held_in_self_putters: once a timed-out
	// wait has returned, the queue no longer counts it, and the next Put
	// or Get goes to the queue itself.
	ktRun(t, func(ctx context.Context) error {
		q := aio.NewQueue[int](1)
		err := aio.Timeout(ctx, time.Second, func(ctx context.Context, _ *aio.Scope) error {
			_, err := q.Get(ctx)
			return err
		})
		if !errors.Is(err, aio.ErrTimeout) {
			t.Errorf("the timed-out Get = %v, want ErrTimeout", err)
		}
		if st := q.Stats(); st.Getters != 0 {
			t.Errorf("Stats after the Get timed out = %+v, want no getter", st)
		}
		if err := q.TryPut(1); err != nil || q.Len() != 1 {
			t.Errorf("TryPut = %v with %d items, want it in the queue", err, q.Len())
		}
		err = aio.Timeout(ctx, time.Second, func(ctx context.Context, _ *aio.Scope) error { return q.Put(ctx, 2) })
		if !errors.Is(err, aio.ErrTimeout) {
			t.Errorf("the timed-out Put = %v, want ErrTimeout", err)
		}
		if st := q.Stats(); st.Putters != 0 || st.Len != 1 || st.Unfinished != 1 {
			t.Errorf("Stats after the Put timed out = %+v, want no putter and the one item", st)
		}
		if v, err := q.TryGet(); v != 1 || err != nil {
			t.Errorf("TryGet = %d, %v; want 1", v, err)
		}
		if _, err := q.TryGet(); !errors.Is(err, aio.ErrQueueEmpty) {
			t.Errorf("the timed-out putter's item reached the queue: TryGet = %v", err)
		}
		return nil
	})
}

func TestAProducerAndAConsumerPassEveryItemThroughAQueueOfOne(t *testing.T) {
	// asyncio's test_why_are_getters_waiting: each side waits for the
	// other in turn, and neither is left waiting at the end.
	ktRun(t, func(ctx context.Context) error {
		q := aio.NewQueue[int](1)
		var got []int
		return aio.Timeout(ctx, time.Minute, func(ctx context.Context, _ *aio.Scope) error {
			err := aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
				tg.Go(func(ctx context.Context) error {
					for i := range 5 {
						if err := q.Put(ctx, i); err != nil {
							return err
						}
					}
					return nil
				})
				tg.Go(func(ctx context.Context) error {
					for range 5 {
						v, err := q.Get(ctx)
						if err != nil {
							return err
						}
						got = append(got, v)
					}
					return nil
				})
				return nil
			})
			if len(got) != 5 || q.Len() != 0 {
				t.Errorf("got %v, %d left", got, q.Len())
			}
			return err
		})
	})
}

func TestTaskDoneIsRefusedOnceEveryItemTakenIsDone(t *testing.T) {
	// asyncio's test_task_done and 3.13's test_shutdown_immediate_with_unfinished:
	// an immediate Shutdown drops the items left from the count, so only
	// the item taken before it can still be marked done; one TaskDone
	// more is an error that changes nothing.
	ktRun(t, func(ctx context.Context) error {
		var q aio.Queue[int]
		for i := range 3 {
			if err := q.TryPut(i); err != nil {
				return err
			}
		}
		if _, err := q.TryGet(); err != nil {
			return err
		}
		q.Shutdown(true)
		if st := q.Stats(); st.Unfinished != 1 || st.Len != 0 {
			t.Errorf("Stats after Shutdown(true) = %+v, want 1 unfinished, none left", st)
		}
		joiner := syGo(t, ctx, "joiner", q.Join)
		sySteps(t, ctx, 1)
		if joiner.Done() {
			t.Error("Join returned while the item taken was not done")
		}
		if err := q.TaskDone(); err != nil {
			t.Errorf("TaskDone of the item taken = %v", err)
		}
		if err := syAwaitErr(ctx, joiner); err != nil {
			t.Errorf("Join = %v", err)
		}
		if err := q.TaskDone(); !errors.Is(err, aio.ErrInvalidState) || q.Stats().Unfinished != 0 {
			t.Errorf("one TaskDone too many = %v, Unfinished %d; want ErrInvalidState, 0", err, q.Stats().Unfinished)
		}
		return nil
	})
}

func TestAQueueShutDownRefusesPutsAndAnImmediateShutdownAfterwardsDropsTheRest(t *testing.T) {
	// asyncio 3.13's test_shutdown_allowed_transitions and
	// test_shutdown_nonempty: a plain Shutdown lets gets drain; a second
	// Shutdown is allowed, and an immediate one drops what is left, so
	// gets fail at once.
	ktRun(t, func(ctx context.Context) error {
		q := aio.NewLifoQueue[int](0)
		for i := range 3 {
			if err := q.Put(ctx, i); err != nil {
				return err
			}
		}
		q.Shutdown(false)
		q.Shutdown(false)
		if err := q.Put(ctx, 9); !errors.Is(err, aio.ErrQueueShutDown) {
			t.Errorf("Put after Shutdown = %v, want ErrQueueShutDown", err)
		}
		if err := q.TryPut(9); !errors.Is(err, aio.ErrQueueShutDown) {
			t.Errorf("TryPut after Shutdown = %v, want ErrQueueShutDown", err)
		}
		if v, err := q.Get(ctx); v != 2 || err != nil {
			t.Errorf("Get after Shutdown = %d, %v; want the newest item, 2", v, err)
		}
		q.Shutdown(true)
		if v, err := q.Get(ctx); !errors.Is(err, aio.ErrQueueShutDown) {
			t.Errorf("Get after Shutdown(true) = %d, %v; want ErrQueueShutDown", v, err)
		}
		if st := q.Stats(); st.Len != 0 || st.Unfinished != 1 || !st.ShutDown {
			t.Errorf("Stats = %+v, want empty, the one item taken unfinished", st)
		}
		return nil
	})
}

func TestAQueueRefusesAContextAfterItsLoopClosed(t *testing.T) {
	// Use after Run returned: the ctx-taking methods say ErrLoopClosed and
	// change nothing; the methods without a context work from any
	// goroutine, as nothing runs on the loop any more.
	var taskCtx context.Context
	q := aio.NewQueue[int](1)
	ktRun(t, func(ctx context.Context) error {
		taskCtx = ctx
		return q.Put(ctx, 1)
	})
	if err := q.Put(taskCtx, 2); !errors.Is(err, aio.ErrLoopClosed) {
		t.Errorf("Put after Run returned = %v, want ErrLoopClosed", err)
	}
	if _, err := q.Get(taskCtx); !errors.Is(err, aio.ErrLoopClosed) || q.Len() != 1 {
		t.Errorf("Get after Run returned = %v with %d items, want ErrLoopClosed and the item left", err, q.Len())
	}
	if err := q.Join(taskCtx); !errors.Is(err, aio.ErrLoopClosed) {
		t.Errorf("Join after Run returned = %v, want ErrLoopClosed", err)
	}
	if v, err := q.TryGet(); v != 1 || err != nil {
		t.Errorf("TryGet after Run returned = %d, %v; want 1", v, err)
	}
	if err := q.TaskDone(); err != nil {
		t.Errorf("TaskDone after Run returned = %v", err)
	}
}
