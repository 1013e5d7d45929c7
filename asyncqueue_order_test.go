package aio_test

// The orders of LifoQueue and PriorityQueue, after test_queues.py's
// LifoQueueTests.test_order and PriorityQueueTests.test_order.

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/aio-go/aio"
)

func TestLifoQueueGetsTheNewestFirst(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var q aio.LifoQueue[int] // the zero value is an unbounded LIFO queue
		for _, v := range []int{1, 3, 2} {
			q.TryPut(v)
		}
		var got []int
		for !q.Empty() {
			v, _ := q.Get(ctx)
			got = append(got, v)
		}
		if !slices.Equal(got, []int{2, 3, 1}) {
			t.Errorf("got %v, want [2 3 1]", got)
		}

		b := aio.NewLifoQueue[int](2)
		b.TryPut(1)
		b.TryPut(2)
		putter := aqGo(t, ctx, "putter", func(ctx context.Context) (int, error) { return 0, b.Put(ctx, 3) })
		aqUntil(t, ctx, "the putter waits", func() bool { return b.Stats().Putters == 1 })
		got = got[:0]
		for range 3 {
			v, _ := b.Get(ctx)
			got = append(got, v)
		}
		if !slices.Equal(got, []int{2, 3, 1}) {
			t.Errorf("bounded: got %v, want [2 3 1] (the waiting putter's 3 goes on top)", got)
		}
		_, err := putter.Await(ctx)
		return err
	})
}

func TestPriorityQueueGetsTheLeastFirst(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		q := aio.NewPriorityQueue[int](0)
		for _, v := range []int{1, 3, 2} {
			q.TryPut(v)
		}
		for _, want := range []int{1, 2, 3} {
			if v, _ := q.Get(ctx); v != want {
				t.Errorf("Get = %d, want %d", v, want)
			}
		}
		// Many items, put and got in waves, against a sort.
		var all []int
		x := uint32(1)
		for range 3 {
			for range 3000 {
				x = x*1664525 + 1013904223
				v := int(x >> 20)
				all = append(all, v)
				q.TryPut(v)
			}
			slices.Sort(all)
			for range 2000 {
				v, _ := q.TryGet()
				if v != all[0] {
					t.Fatalf("TryGet = %d, want %d", v, all[0])
				}
				all = all[1:]
			}
		}
		if q.Len() != len(all) {
			t.Errorf("Len = %d, want %d", q.Len(), len(all))
		}
		return nil
	})
}

func TestPriorityQueueWithALessFunctionAndASequenceKeepsEqualsInOrder(t *testing.T) {
	type job struct {
		prio, seq int
		name      string
	}
	ktRun(t, func(ctx context.Context) error {
		q := aio.NewPriorityQueueFunc(0, func(a, b job) bool {
			return cmp.Or(cmp.Compare(b.prio, a.prio), cmp.Compare(a.seq, b.seq)) < 0 // highest first
		})
		for i, j := range []job{{1, 0, "low"}, {5, 0, "urgent"}, {3, 0, "a"}, {3, 0, "b"}, {3, 0, "c"}} {
			j.seq = i
			q.TryPut(j)
		}
		var got []string
		for !q.Empty() {
			j, _ := q.Get(ctx)
			got = append(got, j.name)
		}
		if want := []string{"urgent", "a", "b", "c", "low"}; !slices.Equal(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
		return nil
	})
}

func TestZeroPriorityQueueIsInvalidState(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var q aio.PriorityQueue[int]
		if err := q.TryPut(1); !errors.Is(err, aio.ErrInvalidState) {
			t.Errorf("TryPut: %v", err)
		}
		if err := q.Put(ctx, 1); !errors.Is(err, aio.ErrInvalidState) {
			t.Errorf("Put: %v", err)
		}
		if _, err := q.TryGet(); !errors.Is(err, aio.ErrInvalidState) {
			t.Errorf("TryGet: %v", err)
		}
		if _, err := q.Get(ctx); !errors.Is(err, aio.ErrInvalidState) {
			t.Errorf("Get: %v (it must not wait for ever)", err)
		}
		return nil
	})
	defer func() {
		if recover() == nil {
			t.Errorf("NewPriorityQueueFunc with a nil less did not panic")
		}
	}()
	aio.NewPriorityQueueFunc[int](0, nil)
}
