package aio_test

// Queues, after CPython's Lib/test/test_asyncio/test_queues.py
// (test_blocking_get_wait, test_blocking_put_wait, test_nonblocking_*,
// test_get_cancel_drop_one_pending_reader,
// test_get_cancel_drop_many_pending_readers, test_get_cancelled_race,
// test_put_cancelled_race, test_cancelled_puts_not_being_held_in_self_putters)
// and trio's test_channel.py (test_channel_fairness), which is the rule
// asyncio does not have: a waiter is handed its item, so a TryGet or TryPut
// that runs first cannot take it. Join, TaskDone, Shutdown and misuse are
// in asyncqueue_shutdown_test.go, the orders in asyncqueue_order_test.go,
// the randomized run in asyncqueue_random_test.go.

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

// aqGo starts fn as a task named name.
func aqGo[T any](t *testing.T, ctx context.Context, name string, fn func(context.Context) (T, error)) *aio.Task[T] {
	t.Helper()
	task, err := aio.CreateTask(ctx, fn, aio.WithName(name))
	if err != nil {
		t.Fatalf("CreateTask(%s): %v", name, err)
	}
	return task
}

// aqUntil gives way until cond holds (the tasks started have reached their
// wait, whatever order a seed runs them in), and fails after many steps.
func aqUntil(t *testing.T, ctx context.Context, what string, cond func() bool) {
	t.Helper()
	for range 1000 {
		if cond() {
			return
		}
		if err := aio.Sleep(ctx, 0); err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
	}
	t.Fatalf("%s never happened", what)
}

// aqGetters starts n tasks that Get from q in the order 0..n-1 and waits
// until all of them wait.
func aqGetters(t *testing.T, ctx context.Context, q interface {
	Get(context.Context) (int, error)
	Stats() aio.QueueStats
}, n int) []*aio.Task[int] {
	t.Helper()
	tasks := make([]*aio.Task[int], n)
	for i := range tasks {
		tasks[i] = aqGo(t, ctx, fmt.Sprint("getter", i), q.Get)
		aqUntil(t, ctx, "the getter waits", func() bool { return q.Stats().Getters == i+1 })
	}
	return tasks
}

func aqResult(t *testing.T, ctx context.Context, task *aio.Task[int]) (int, error) {
	t.Helper()
	return task.Await(ctx)
}

func TestZeroQueueIsAnUnboundedFIFOQueue(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var q aio.Queue[int]
		for i := range 5000 {
			if err := q.TryPut(i); err != nil {
				t.Fatalf("TryPut(%d) on a zero Queue: %v", i, err)
			}
		}
		if q.MaxSize() != 0 || q.Full() || q.Len() != 5000 {
			t.Errorf("MaxSize=%d Full=%v Len=%d", q.MaxSize(), q.Full(), q.Len())
		}
		for i := range 5000 {
			if v, err := q.Get(ctx); v != i || err != nil {
				t.Fatalf("Get = %d, %v; want %d", v, err, i)
			}
		}
		if !q.Empty() {
			t.Errorf("Empty = false after getting everything")
		}
		return nil
	})
}

func TestNewQueueWithMaxSizeZeroOrLessIsUnbounded(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		for _, n := range []int{0, -1} {
			q := aio.NewQueue[int](n)
			for i := range 100 {
				if err := q.TryPut(i); err != nil {
					t.Errorf("NewQueue(%d).TryPut: %v", n, err)
				}
			}
			if q.MaxSize() != 0 || q.Full() {
				t.Errorf("NewQueue(%d): MaxSize=%d Full=%v", n, q.MaxSize(), q.Full())
			}
		}
		return nil
	})
}

func TestQueueTryGetOnAnEmptyQueueIsErrQueueEmpty(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		q := aio.NewQueue[int](2)
		if _, err := q.TryGet(); !errors.Is(err, aio.ErrQueueEmpty) {
			t.Errorf("TryGet on an empty queue: %v, want ErrQueueEmpty", err)
		}
		q.TryPut(1)
		if v, err := q.TryGet(); v != 1 || err != nil {
			t.Errorf("TryGet = %d, %v", v, err)
		}
		return nil
	})
}

func TestQueueTryPutOnAFullQueueIsErrQueueFull(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		q := aio.NewQueue[int](2)
		q.TryPut(1)
		q.TryPut(2)
		if !q.Full() {
			t.Errorf("Full = false with MaxSize items")
		}
		if err := q.TryPut(3); !errors.Is(err, aio.ErrQueueFull) {
			t.Errorf("TryPut on a full queue: %v, want ErrQueueFull", err)
		}
		if s := q.Stats(); s.Len != 2 || s.Unfinished != 2 {
			t.Errorf("a refused TryPut changed the queue: %+v", s)
		}
		return nil
	})
}

func TestQueueGetWaitsWhileEmptyAndThePutHandsItTheItem(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var q aio.Queue[string]
		start := aio.Now(ctx)
		getter := aqGo(t, ctx, "getter", func(ctx context.Context) (time.Duration, error) {
			v, err := q.Get(ctx)
			if v != "x" || err != nil {
				t.Errorf("Get = %q, %v", v, err)
			}
			return ktSince(ctx, start), err
		})
		aqUntil(t, ctx, "the getter waits", func() bool { return q.Stats().Getters == 1 })
		aio.Sleep(ctx, time.Second)
		q.Put(ctx, "x")
		if s := q.Stats(); s.Len != 0 || s.Getters != 0 || s.Unfinished != 1 {
			t.Errorf("after the put, before the getter runs: %+v; the item belongs to the getter", s)
		}
		if d, _ := getter.Await(ctx); d != time.Second {
			t.Errorf("the getter returned after %v, want 1s", d)
		}
		return nil
	})
}

func TestQueuePutWaitsWhileFullAndTheGetMovesItsItemIn(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		q := aio.NewQueue[int](1)
		start := aio.Now(ctx)
		putter := aqGo(t, ctx, "putter", func(ctx context.Context) (time.Duration, error) {
			for i := 1; i <= 2; i++ {
				if err := q.Put(ctx, i); err != nil {
					return 0, err
				}
			}
			return ktSince(ctx, start), nil
		})
		aqUntil(t, ctx, "the putter waits", func() bool { return q.Stats().Putters == 1 })
		aio.Sleep(ctx, time.Second)
		if v, _ := q.Get(ctx); v != 1 {
			t.Errorf("Get = %d, want 1", v)
		}
		if s := q.Stats(); s.Len != 1 || s.Putters != 0 || s.Unfinished != 2 {
			t.Errorf("after the get, before the putter runs: %+v; its item must be in", s)
		}
		if d, err := putter.Await(ctx); d != time.Second || err != nil {
			t.Errorf("the putter returned %v after %v, want 1s", err, d)
		}
		if v, _ := q.Get(ctx); v != 2 {
			t.Errorf("Get = %d, want 2", v)
		}
		return nil
	})
}

func TestQueueWaitersAreServedInArrivalOrder(t *testing.T) {
	// Waiters woken in one step run in a shuffled order under WithSeed;
	// each must still get the item meant for it.
	for _, seed := range []uint64{0, 1, 2, 3} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			ktRun(t, func(ctx context.Context) error {
				var q aio.Queue[int]
				getters := aqGetters(t, ctx, &q, 5)
				for i := range 5 {
					q.TryPut(i)
				}
				for i, g := range getters {
					if v, err := g.Await(ctx); v != i || err != nil {
						t.Errorf("getter %d got %d, %v", i, v, err)
					}
				}

				full := aio.NewQueue[int](1)
				full.TryPut(-1)
				var putters []*aio.Task[int]
				for i := range 5 {
					putters = append(putters, aqGo(t, ctx, fmt.Sprint("putter", i), func(ctx context.Context) (int, error) {
						return 0, full.Put(ctx, i)
					}))
					aqUntil(t, ctx, "the putter waits", func() bool { return full.Stats().Putters == i+1 })
				}
				for want := -1; want < 5; want++ {
					if v, err := full.Get(ctx); v != want || err != nil {
						t.Errorf("Get = %d, %v; want %d", v, err, want)
					}
				}
				for _, p := range putters {
					if _, err := p.Await(ctx); err != nil {
						t.Errorf("putter: %v", err)
					}
				}
				return nil
			}, aio.WithSeed(seed))
		})
	}
}

func TestQueueGetterCancelledInTheSameStepAsThePutForItReturnsTheItem(t *testing.T) {
	// test_get_cancel_drop_one_pending_reader. A naive queue that checks
	// the context after it was woken loses the item or the wake.
	for _, cancelFirst := range []bool{false, true} {
		t.Run(fmt.Sprint("cancel first: ", cancelFirst), func(t *testing.T) {
			ktRun(t, func(ctx context.Context) error {
				var q aio.Queue[int]
				reader := aqGo(t, ctx, "reader", func(ctx context.Context) (int, error) {
					v, err := q.Get(ctx)
					if err != nil {
						return -1, err
					}
					if err := aio.Sleep(ctx, 0); !ktIsCancel(err) {
						t.Errorf("the next await after the get: %v, want the cancellation", err)
					}
					return v, nil
				})
				aqUntil(t, ctx, "the reader waits", func() bool { return q.Stats().Getters == 1 })
				if cancelFirst {
					reader.Cancel(nil)
				}
				q.TryPut(1)
				q.TryPut(2)
				if !cancelFirst {
					reader.Cancel(nil)
				}
				if v, err := reader.Await(ctx); v != 1 || err != nil {
					t.Errorf("reader = %d, %v; want 1: the item handed to it must come back", v, err)
				}
				if v, err := q.TryGet(); v != 2 || err != nil {
					t.Errorf("left in the queue: %d, %v; want 2", v, err)
				}
				return nil
			})
		})
	}
}

func TestQueueCancelledGetterTakesNoItemAndTheNextGetterGetsIt(t *testing.T) {
	// test_get_cancel_drop_many_pending_readers, test_get_cancelled_race.
	ktRun(t, func(ctx context.Context) error {
		var q aio.Queue[int]
		r := aqGetters(t, ctx, &q, 3)
		r[0].Cancel(nil)
		if _, err := r[0].Await(ctx); !ktIsCancel(err) {
			t.Errorf("the cancelled getter returned %v", err)
		}
		if s := q.Stats(); s.Getters != 2 || s.Len != 0 {
			t.Errorf("after the cancelled getter left: %+v", s)
		}
		q.TryPut(1)
		q.TryPut(2)
		for i, want := range []int{1, 2} {
			if v, err := r[i+1].Await(ctx); v != want || err != nil {
				t.Errorf("getter %d = %d, %v; want %d", i+1, v, err, want)
			}
		}
		if s := q.Stats(); s.Len != 0 || s.Getters != 0 {
			t.Errorf("at the end: %+v", s)
		}
		return nil
	})
}

func TestQueueCancelledPutterInsertsNothingAndTheOthersKeepTheirOrder(t *testing.T) {
	// test_put_cancelled_race, with the first and the second putter
	// cancelled in turn.
	for _, cancel := range []int{0, 1} {
		t.Run(fmt.Sprint("cancel putter ", cancel), func(t *testing.T) {
			ktRun(t, func(ctx context.Context) error {
				q := aio.NewQueue[string](1)
				q.TryPut("a")
				items := []string{"b", "c"}
				var putters []*aio.Task[int]
				for i, v := range items {
					putters = append(putters, aqGo(t, ctx, "put "+v, func(ctx context.Context) (int, error) {
						return 0, q.Put(ctx, v)
					}))
					aqUntil(t, ctx, "the putter waits", func() bool { return q.Stats().Putters == i+1 })
				}
				putters[cancel].Cancel(nil)
				if _, err := putters[cancel].Await(ctx); !ktIsCancel(err) {
					t.Errorf("the cancelled putter returned %v", err)
				}
				if s := q.Stats(); s.Putters != 1 || s.Len != 1 || s.Unfinished != 1 {
					t.Errorf("after the cancelled putter left: %+v", s)
				}
				want := []string{"a", items[1-cancel]}
				for _, w := range want {
					if v, err := q.Get(ctx); v != w || err != nil {
						t.Errorf("Get = %q, %v; want %q", v, err, w)
					}
				}
				if v, err := q.TryGet(); !errors.Is(err, aio.ErrQueueEmpty) {
					t.Errorf("TryGet = %q, %v: the cancelled putter's item got in", v, err)
				}
				if _, err := putters[1-cancel].Await(ctx); err != nil {
					t.Errorf("the other putter: %v", err)
				}
				return nil
			})
		})
	}
}

func TestQueuePutterCancelledInTheSameStepAsTheGetThatMadeRoomHasPut(t *testing.T) {
	for _, cancelFirst := range []bool{false, true} {
		t.Run(fmt.Sprint("cancel first: ", cancelFirst), func(t *testing.T) {
			ktRun(t, func(ctx context.Context) error {
				q := aio.NewQueue[int](1)
				q.TryPut(1)
				putter := aqGo(t, ctx, "putter", func(ctx context.Context) (int, error) {
					return 0, q.Put(ctx, 2)
				})
				aqUntil(t, ctx, "the putter waits", func() bool { return q.Stats().Putters == 1 })
				if cancelFirst {
					putter.Cancel(nil)
				}
				if v, _ := q.TryGet(); v != 1 {
					t.Errorf("TryGet = %d", v)
				}
				if !cancelFirst {
					putter.Cancel(nil)
				}
				if _, err := putter.Await(ctx); err != nil {
					t.Errorf("the putter returned %v; its item is in the queue, so its put succeeded", err)
				}
				if v, err := q.TryGet(); v != 2 || err != nil {
					t.Errorf("TryGet = %d, %v; want 2", v, err)
				}
				return nil
			})
		})
	}
}

func TestQueueTryGetCannotTakeAnItemHandedToAWaitingGetter(t *testing.T) {
	// trio's test_channel_fairness: the waiter owns the item, even though
	// the TryGet runs first.
	ktRun(t, func(ctx context.Context) error {
		var q aio.Queue[int]
		g := aqGetters(t, ctx, &q, 1)[0]
		q.TryPut(7)
		if v, err := q.TryGet(); !errors.Is(err, aio.ErrQueueEmpty) {
			t.Errorf("TryGet = %d, %v; want ErrQueueEmpty", v, err)
		}
		if v, _ := g.Await(ctx); v != 7 {
			t.Errorf("the getter got %d, want 7", v)
		}
		return nil
	})
}

func TestQueueTryPutCannotTakeTheRoomOfAWaitingPutter(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		q := aio.NewQueue[int](1)
		q.TryPut(1)
		putter := aqGo(t, ctx, "putter", func(ctx context.Context) (int, error) { return 0, q.Put(ctx, 2) })
		aqUntil(t, ctx, "the putter waits", func() bool { return q.Stats().Putters == 1 })
		q.TryGet()
		if err := q.TryPut(3); !errors.Is(err, aio.ErrQueueFull) {
			t.Errorf("TryPut = %v; want ErrQueueFull: the room was the waiting putter's", err)
		}
		if v, _ := q.Get(ctx); v != 2 {
			t.Errorf("Get = %d, want 2", v)
		}
		_, err := putter.Await(ctx)
		return err
	})
}

func TestQueueGetAndPutInACancelledContextFailOnlyIfTheyMustWait(t *testing.T) {
	// As for a done Future: an await that need not wait does not switch,
	// and does not look at the context.
	ktRun(t, func(ctx context.Context) error {
		q := aio.NewQueue[int](1)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := q.Put(cctx, 1); err != nil {
			t.Errorf("Put with room in a cancelled context: %v", err)
		}
		if err := q.Put(cctx, 2); !ktIsCancel(err) {
			t.Errorf("Put on a full queue in a cancelled context: %v", err)
		}
		if v, err := q.Get(cctx); v != 1 || err != nil {
			t.Errorf("Get of an item in a cancelled context: %d, %v", v, err)
		}
		if _, err := q.Get(cctx); !ktIsCancel(err) {
			t.Errorf("Get on an empty queue in a cancelled context: %v", err)
		}
		if s := q.Stats(); s != (aio.QueueStats{MaxSize: 1, Unfinished: 1}) {
			t.Errorf("stats: %+v", s)
		}
		return nil
	})
}
