package aio_test

// The randomized queue test: many tasks put, get, try and cancel one
// another's waits under WithSeed, and after every operation and every step
// the accounting must hold: no item lost, none duplicated, none of a
// cancelled put ever seen.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

type aqQueue interface {
	Put(context.Context, int) error
	Get(context.Context) (int, error)
	TryPut(int) error
	TryGet() (int, error)
	TaskDone() error
	Stats() aio.QueueStats
}

// aqLedger is what the tasks have seen of the queue.
type aqLedger struct {
	t             *testing.T
	q             aqQueue
	putOK         map[int]bool // puts that returned nil
	putFailed     map[int]bool // puts that returned an error
	got           map[int]bool
	inPut, inGet  int // tasks inside a Put or a Get
	next          int // the next item to put
	ops, cancels  int
	handedOverCnc int // gets that returned an item in a cancelled context
}

func (l *aqLedger) put(id int, err error) {
	if err != nil {
		l.putFailed[id] = true
		if l.got[id] {
			l.t.Errorf("item %d was got, yet its put returned %v", id, err)
		}
		return
	}
	l.putOK[id] = true
}

func (l *aqLedger) get(id int, err error) {
	if err != nil {
		return
	}
	if l.got[id] {
		l.t.Errorf("item %d was got twice", id)
	}
	if l.putFailed[id] {
		l.t.Errorf("item %d was got, yet its put failed", id)
	}
	l.got[id] = true
	if err := l.q.TaskDone(); err != nil {
		l.t.Errorf("TaskDone after a get: %v", err)
	}
}

// check is the invariant: every item put successfully is in the queue, in
// the hands of a getter that has not returned, or got; every item in the
// queue or got was put by a put that succeeded or has not returned.
func (l *aqLedger) check(where string) {
	s := l.q.Stats()
	if s.Getters > 0 && s.Len > 0 {
		l.t.Fatalf("%s: getters wait while the queue holds items: %+v", where, s)
	}
	if s.Putters > 0 && s.Len < s.MaxSize {
		l.t.Fatalf("%s: putters wait while the queue has room: %+v", where, s)
	}
	if s.Getters > l.inGet || s.Putters > l.inPut {
		l.t.Fatalf("%s: more waiters than tasks inside: %+v, in Get %d, in Put %d", where, s, l.inGet, l.inPut)
	}
	if len(l.putOK) > s.Len+len(l.got)+l.inGet {
		l.t.Fatalf("%s: items lost: %d put, %d in the queue, %d got, %d getters inside", where, len(l.putOK), s.Len, len(l.got), l.inGet)
	}
	if s.Len+len(l.got) > len(l.putOK)+l.inPut {
		l.t.Fatalf("%s: items from nowhere: %d put, %d putters inside, %d in the queue, %d got", where, len(l.putOK), l.inPut, s.Len, len(l.got))
	}
}

// aqWorker runs random operations; scope is the cancel scope of the wait
// it is in, for the others to cancel.
type aqWorker struct {
	scope *aio.Scope
}

func (l *aqLedger) work(ctx context.Context, r *rand.Rand, w *aqWorker, all []*aqWorker, n int) error {
	for range n {
		l.ops++
		l.check("before an operation")
		// Waits run in a scope that another worker may cancel, under a
		// deadline that is often short or passed.
		d := []time.Duration{0, time.Millisecond, 3 * time.Millisecond, time.Second}[r.IntN(4)]
		wait := func(fn func(ctx context.Context) error) {
			aio.MoveOnAfter(ctx, d, func(ctx context.Context, s *aio.Scope) error {
				w.scope = s
				defer func() { w.scope = nil }()
				return fn(ctx)
			})
		}
		switch r.IntN(7) {
		case 0, 1:
			id := l.next
			l.next++
			l.inPut++
			wait(func(ctx context.Context) error {
				err := l.q.Put(ctx, id)
				l.inPut--
				l.put(id, err)
				return err
			})
		case 2, 3:
			l.inGet++
			wait(func(ctx context.Context) error {
				v, err := l.q.Get(ctx)
				l.inGet--
				if err == nil && ctx.Err() != nil {
					l.handedOverCnc++
				}
				l.get(v, err)
				return err
			})
		case 4:
			id := l.next
			l.next++
			l.put(id, l.q.TryPut(id))
		case 5:
			v, err := l.q.TryGet()
			l.get(v, err)
		case 6:
			if o := all[r.IntN(len(all))]; o.scope != nil {
				o.scope.Cancel(nil)
				l.cancels++
			}
			if err := aio.Sleep(ctx, time.Duration(r.IntN(2))*time.Millisecond); err != nil {
				return err
			}
		}
		l.check("after an operation")
	}
	return nil
}

func TestQueueRandomizedPutsGetsAndCancellationsLoseNoItem(t *testing.T) {
	kinds := []struct {
		name string
		make func() aqQueue
	}{
		{"Queue(3)", func() aqQueue { return aio.NewQueue[int](3) }},
		{"unbounded Queue", func() aqQueue { return new(aio.Queue[int]) }},
		{"LifoQueue(2)", func() aqQueue { return aio.NewLifoQueue[int](2) }},
		{"PriorityQueue(4)", func() aqQueue { return aio.NewPriorityQueue[int](4) }},
	}
	for _, kind := range kinds {
		for seed := range uint64(6) {
			t.Run(fmt.Sprintf("%s seed %d", kind.name, seed), func(t *testing.T) {
				aqRandomRun(t, kind.make(), seed)
			})
		}
	}
}

func aqRandomRun(t *testing.T, q aqQueue, seed uint64) {
	l := &aqLedger{t: t, q: q, putOK: map[int]bool{}, putFailed: map[int]bool{}, got: map[int]bool{}}
	r := rand.New(rand.NewPCG(seed, 12))
	ktRun(t, func(ctx context.Context) error {
		workers := make([]*aqWorker, 12)
		for i := range workers {
			workers[i] = &aqWorker{}
		}
		stop := false
		checker := aqGo(t, ctx, "checker", func(ctx context.Context) (int, error) {
			// It checks at every step, and backs off once no operation
			// has happened for a while: a task that is always ready
			// keeps the virtual clock from moving.
			idle, ops := 0, -1
			for !stop {
				l.check("at a step")
				d := time.Duration(0)
				if l.ops != ops {
					idle, ops = 0, l.ops
				} else if idle++; idle > 20 {
					d = time.Millisecond << min(idle-20, 30)
				}
				if err := aio.Sleep(ctx, d); err != nil {
					return 0, err
				}
			}
			return 0, nil
		})
		err := aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			for _, w := range workers {
				tg.Go(func(ctx context.Context) error { return l.work(ctx, r, w, workers, 300) })
			}
			return nil
		})
		stop = true
		checker.Await(ctx)
		if err != nil {
			return err
		}
		for {
			v, err := q.TryGet()
			if err != nil {
				break
			}
			l.get(v, nil)
		}
		if len(l.got) != len(l.putOK) {
			t.Errorf("%d items put, %d got", len(l.putOK), len(l.got))
		}
		for id := range l.putOK {
			if !l.got[id] {
				t.Errorf("item %d was put and never got", id)
			}
		}
		if s := q.Stats(); s != (aio.QueueStats{MaxSize: s.MaxSize}) {
			t.Errorf("at the end: %+v", s)
		}
		// An unbounded queue's puts never wait, so none can fail.
		if l.cancels == 0 || l.handedOverCnc == 0 || (q.Stats().MaxSize > 0 && len(l.putFailed) == 0) {
			t.Errorf("the run cancelled nothing (%d cancels, %d failed puts, %d gets over a cancellation): it tests nothing", l.cancels, len(l.putFailed), l.handedOverCnc)
		}
		t.Logf("%d operations, %d cancels, %d puts ok, %d failed, %d gets over a cancellation", l.ops, l.cancels, len(l.putOK), len(l.putFailed), l.handedOverCnc)
		return nil
	}, aio.WithSeed(seed))
}
