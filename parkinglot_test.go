package aio_test

// The parking lot, after trio's _core/_tests/test_parking_lot.py
// (test_parking_lot_basic, test_parking_lot_cancel, test_parking_lot_repark,
// test_parking_lot_repark_with_count) and the rule that a wake and a
// cancellation in the same step deliver the wake (trio's
// wait_task_rescheduled: once rescheduled, abort is not called).

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

// plParkers starts n tasks named 0..n-1 that park in lot in that order and
// append their name to woke when Park returns nil, and returns them.
func plParkers(t *testing.T, ctx context.Context, lot *aio.ParkingLot, n int, woke *[]int) []*aio.Task[int] {
	t.Helper()
	tasks := make([]*aio.Task[int], n)
	for i := range tasks {
		task, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			if err := lot.Park(ctx); err != nil {
				return i, err
			}
			*woke = append(*woke, i)
			return i, nil
		}, aio.WithName(fmt.Sprint(i)))
		if err != nil {
			t.Fatal(err)
		}
		tasks[i] = task
	}
	if err := aio.Sleep(ctx, 0); err != nil { // let them all park
		t.Fatal(err)
	}
	return tasks
}

func TestParkingLotUnparksInArrivalOrder(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var lot aio.ParkingLot // the zero value works
		var woke []int
		plParkers(t, ctx, &lot, 5, &woke)
		if lot.Len() != 5 || lot.Stats().Waiters != 5 {
			t.Errorf("Len=%d Stats=%+v, want 5 waiters", lot.Len(), lot.Stats())
		}
		if first := lot.First(); first == nil || first.Name() != "0" {
			t.Errorf("First = %v, want task 0", first)
		}
		if n := lot.Unpark(2); n != 2 {
			t.Errorf("Unpark(2) = %d", n)
		}
		if n := lot.Unpark(0); n != 0 {
			t.Errorf("Unpark(0) = %d", n)
		}
		if err := aio.Sleep(ctx, 0); err != nil {
			return err
		}
		if !slices.Equal(woke, []int{0, 1}) {
			t.Errorf("after Unpark(2) woke %v, want [0 1]", woke)
		}
		if n := lot.UnparkAll(); n != 3 {
			t.Errorf("UnparkAll = %d, want 3", n)
		}
		if n := lot.Unpark(10); n != 0 {
			t.Errorf("Unpark of an empty lot = %d", n)
		}
		if err := aio.Sleep(ctx, 0); err != nil {
			return err
		}
		if !slices.Equal(woke, []int{0, 1, 2, 3, 4}) {
			t.Errorf("woke %v, want [0 1 2 3 4]", woke)
		}
		if lot.Len() != 0 || lot.First() != nil {
			t.Errorf("Len = %d, First = %v after waking all", lot.Len(), lot.First())
		}
		return nil
	})
}

func TestParkingLotCancelledWaiterLeavesTheOthersInOrder(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var lot aio.ParkingLot
		var woke []int
		tasks := plParkers(t, ctx, &lot, 4, &woke)
		tasks[1].Cancel(nil)
		if _, err := tasks[1].Await(ctx); !ktIsCancel(err) {
			t.Errorf("the cancelled waiter returned %v", err)
		}
		if lot.Len() != 3 {
			t.Errorf("Len = %d after a waiter left, want 3", lot.Len())
		}
		lot.Unpark(2)
		if err := aio.Sleep(ctx, 0); err != nil {
			return err
		}
		if !slices.Equal(woke, []int{0, 2}) {
			t.Errorf("woke %v, want [0 2]: the cancelled one must not use up a wake", woke)
		}
		lot.UnparkAll()
		return nil
	})
}

func TestParkingLotWakeAndCancelInOneStepDeliverTheWake(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		for _, cancelFirst := range []bool{false, true} {
			var lot aio.ParkingLot
			var woke []int
			tasks := plParkers(t, ctx, &lot, 1, &woke)
			if cancelFirst {
				tasks[0].Cancel(nil)
				lot.Unpark(1)
			} else {
				lot.Unpark(1)
				tasks[0].Cancel(nil)
			}
			if _, err := tasks[0].Await(ctx); err != nil {
				t.Errorf("cancelFirst=%v: Park returned %v, want the wake (nil)", cancelFirst, err)
			}
			if len(woke) != 1 || lot.Len() != 0 {
				t.Errorf("cancelFirst=%v: woke %v, %d left", cancelFirst, woke, lot.Len())
			}
		}
		return nil
	})
}

func TestParkOnCancelledContextFailsWithoutParking(t *testing.T) {
	// Rule 12: the park primitive checks the context at entry. Before, a
	// park on a cancelled context never woke: ErrDeadlock on the virtual
	// clock, a hang on the real one.
	for _, c := range ktClocks {
		t.Run(c.name, func(t *testing.T) {
			ktRunOn(t, c.opts, func(ctx context.Context) error {
				var lot aio.ParkingLot
				cause := errors.New("gone")
				cctx, cancel := context.WithCancelCause(ctx)
				cancel(cause)
				if err := lot.Park(cctx); !ktIsCancel(err) {
					t.Errorf("Park(cancelled ctx) = %v, want a cancellation", err)
				}
				if lot.Len() != 0 {
					t.Errorf("the cancelled park left %d waiters", lot.Len())
				}
				return aio.CancelScope(ctx, func(ctx context.Context, s *aio.Scope) error {
					s.Cancel(cause)
					for _, await := range []func() error{
						func() error { return lot.Park(ctx) },
						func() error { return aio.Sleep(ctx, 0) },
						func() error { return aio.Sleep(ctx, time.Hour) },
						func() error { _, err := aio.NewFuture[int]().Await(ctx); return err },
					} {
						if err := await(); !ktIsCancel(err) {
							t.Errorf("await in a cancelled scope = %v, want a cancellation", err)
						}
					}
					return ctx.Err()
				})
			})
		})
	}
}

func TestParkingLotReparkMovesWaitersWithoutWaking(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var a, b aio.ParkingLot
		var woke []int
		tasks := plParkers(t, ctx, &a, 4, &woke)
		if n := a.Repark(&b, 3); n != 3 {
			t.Errorf("Repark(3) = %d", n)
		}
		if err := aio.Sleep(ctx, 0); err != nil {
			return err
		}
		if len(woke) != 0 || a.Len() != 1 || b.Len() != 3 {
			t.Errorf("after Repark: woke %v, a has %d, b has %d; want none woken, 1, 3", woke, a.Len(), b.Len())
		}
		// A cancelled waiter leaves the lot it was moved to.
		tasks[1].Cancel(nil)
		if _, err := tasks[1].Await(ctx); !ktIsCancel(err) {
			t.Errorf("cancelled reparked waiter returned %v", err)
		}
		if a.Len() != 1 || b.Len() != 2 {
			t.Errorf("after cancelling a reparked waiter: a has %d, b has %d; want 1, 2", a.Len(), b.Len())
		}
		if n := a.ReparkAll(&b); n != 1 {
			t.Errorf("ReparkAll = %d", n)
		}
		b.UnparkAll()
		if err := aio.Sleep(ctx, 0); err != nil {
			return err
		}
		if !slices.Equal(woke, []int{0, 2, 3}) {
			t.Errorf("woke %v, want [0 2 3]: moved waiters keep their order, behind the ones there", woke)
		}
		return nil
	})
}

func TestParkingLotOfAnotherLoopIsRefused(t *testing.T) {
	var lot aio.ParkingLot
	ready, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- ktRunErr(func(ctx context.Context) error {
			if _, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
				return 0, lot.Park(ctx)
			}); err != nil {
				return err
			}
			if err := aio.Sleep(ctx, 0); err != nil {
				return err
			}
			close(ready)
			// Wait for the other loop's checks, without blocking this
			// loop's thread.
			_, err := aio.ToThread(ctx, func(context.Context) (int, error) { <-release; return 0, nil })
			if err != nil {
				return err
			}
			lot.UnparkAll()
			return nil
		}, aio.WithVirtualClock())
	}()
	<-ready
	ktRun(t, func(ctx context.Context) error {
		if err := lot.Park(ctx); !errors.Is(err, aio.ErrWrongLoop) {
			t.Errorf("Park in a lot of another loop = %v, want ErrWrongLoop", err)
		}
		func() {
			defer func() {
				if r := recover(); r == nil {
					t.Error("Unpark from another loop's task did not panic")
				}
			}()
			lot.Unpark(1)
		}()
		return nil
	})
	close(release)
	if err := <-done; err != nil {
		t.Errorf("the lot's own loop: %v", err)
	}
}
