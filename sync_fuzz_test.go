package aio_test

// Randomized schedules: many tasks acquire and release a Lock, a
// Semaphore and a CapacityLimiter, produce and consume through a
// Condition, while another task cancels their operations at random and
// changes the limiter's tokens, under WithSeed for several seeds. The
// invariants are checked after every step of every task: the lock is held
// by at most one task, and by the one that believes it holds it; permits
// and tokens are never created; no waiter waits while what it waits for
// is free; while consumers wait, every item has a consumer on its way to
// it (no notification is lost); and at the end every permit and token is
// back.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/aio-go/aio"
)

const (
	syFuzzWorkers = 12
	syFuzzOps     = 40
	syFuzzPermits = 3
)

// syFuzzWorld is what the tasks of one run share.
type syFuzzWorld struct {
	t         *testing.T
	mu        aio.Lock
	sem       *aio.Semaphore
	lim       *aio.CapacityLimiter
	cond      aio.Condition
	items     int
	consumers int  // tasks in a consuming operation, waiting in the condition or not
	shut      bool // consumers stop waiting

	holder  aio.AnyTask // who believes it holds mu
	semHeld int
	borrows map[aio.AnyTask]bool
	scopes  [syFuzzWorkers]*aio.Scope // each worker's current operation
	done    int
	trace   []string
}

func (w *syFuzzWorld) check(where string) {
	t := w.t
	t.Helper()
	if st := w.mu.Stats(); w.holder != nil && st.Owner != w.holder {
		t.Fatalf("%s: %s believes it holds the lock, whose owner is %v", where, w.holder.Name(), st.Owner)
	} else if st.Waiters > 0 && !st.Locked {
		t.Fatalf("%s: %d tasks wait for a free lock", where, st.Waiters)
	}
	if st := w.sem.Stats(); w.semHeld+st.Value > syFuzzPermits {
		t.Fatalf("%s: %d permits held and %d free, of %d", where, w.semHeld, st.Value, syFuzzPermits)
	} else if st.Value > 0 && st.Waiters > 0 {
		t.Fatalf("%s: %d tasks wait for a semaphore with %d permits free", where, st.Waiters, st.Value)
	}
	st := w.lim.Stats()
	if st.BorrowedTokens < st.TotalTokens && st.Waiters > 0 {
		t.Fatalf("%s: %d tasks wait for a limiter with tokens free: %+v", where, st.Waiters, st)
	}
	if st.BorrowedTokens != len(st.Borrowers) {
		t.Fatalf("%s: %d tokens borrowed by %d borrowers", where, st.BorrowedTokens, len(st.Borrowers))
	}
	for b := range w.borrows {
		if !slices.Contains(st.Borrowers, any(b)) {
			t.Fatalf("%s: %s believes it borrows a token, but the borrowers are %v", where, b.Name(), st.Borrowers)
		}
	}
	cs := w.cond.Stats()
	if w.items < 0 {
		t.Fatalf("%s: %d items", where, w.items)
	}
	// While consumers wait for a notification, each item must have a
	// consumer on its way to it (notified, or not waiting yet): otherwise
	// a notification was lost, and the item may never be consumed.
	if on := w.consumers - cs.Waiters; !w.shut && cs.Waiters > 0 && on < w.items {
		t.Fatalf("%s: %d items, %d consumers wait and only %d are on their way: a notification was lost", where, w.items, cs.Waiters, on)
	}
}

// hold stays in a critical section for n steps, checking on the way.
func (w *syFuzzWorld) hold(ctx context.Context, name string, n int) error {
	for range n {
		if err := aio.Sleep(ctx, 0); err != nil {
			return err
		}
		w.check(name + " holding")
	}
	return nil
}

func (w *syFuzzWorld) op(ctx context.Context, name string, kind, steps int) error {
	me := aio.CurrentTask(ctx)
	switch kind {
	case 0:
		return w.mu.Do(ctx, func(ctx context.Context) error {
			if w.holder != nil {
				w.t.Fatalf("%s got the lock %s holds", name, w.holder.Name())
			}
			w.holder = me
			defer func() { w.holder = nil }()
			w.check(name + " locked")
			return w.hold(ctx, name, steps)
		})
	case 1:
		return w.sem.Do(ctx, func(ctx context.Context) error {
			w.semHeld++
			defer func() { w.semHeld-- }()
			w.check(name + " got a permit")
			return w.hold(ctx, name, steps)
		})
	case 2:
		return w.lim.Do(ctx, func(ctx context.Context) error {
			w.borrows[me] = true
			defer delete(w.borrows, me)
			w.check(name + " borrowed")
			return w.hold(ctx, name, steps)
		})
	case 3:
		w.consumers++
		defer func() { w.consumers-- }()
		return w.cond.Do(ctx, func(ctx context.Context) error {
			err := w.cond.WaitFor(ctx, func() bool { return w.items > 0 || w.shut })
			if w.cond.Stats().Lock.Owner != me {
				w.t.Fatalf("%s: WaitFor returned %v without the lock", name, err)
			}
			if err == nil && w.items > 0 {
				w.items--
			}
			return err
		})
	default:
		return w.cond.Do(ctx, func(ctx context.Context) error {
			w.items++
			return w.cond.Notify(ctx, 1)
		})
	}
}

func (w *syFuzzWorld) worker(i int, rng *rand.Rand) func(ctx context.Context) error {
	name := fmt.Sprint("worker ", i)
	return func(ctx context.Context) error {
		defer func() { w.done++ }()
		for n := range syFuzzOps {
			kind, steps := rng.IntN(5), rng.IntN(3)
			err := aio.CancelScope(ctx, func(ctx context.Context, s *aio.Scope) error {
				w.scopes[i] = s
				defer func() { w.scopes[i] = nil }()
				return w.op(ctx, name, kind, steps)
			})
			// A cancelled operation's scope absorbs the cancellation.
			if err != nil {
				w.t.Errorf("%s, operation %d (%d): %v", name, n, kind, err)
			}
			w.trace = append(w.trace, fmt.Sprint(i, kind))
			w.check(name)
		}
		return nil
	}
}

// canceller cancels operations and changes the limiter's tokens at random,
// checks the invariants at every step, and lets the waiting consumers go
// once nothing else runs.
func (w *syFuzzWorld) canceller(rng *rand.Rand) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		cancels := 0
		for step := 0; w.done < syFuzzWorkers; step++ {
			if step > 100000 {
				w.t.Fatalf("stuck: %d workers done; %+v %+v %+v %+v", w.done, w.mu.Stats(), w.sem.Stats(), w.lim.Stats(), w.cond.Stats())
			}
			w.check("canceller")
			switch r := rng.IntN(12); {
			case r < 4:
				if s := w.scopes[rng.IntN(syFuzzWorkers)]; s != nil {
					s.Cancel(nil)
					cancels++
				}
			case r == 4:
				if err := w.lim.SetTotalTokens(1 + rng.IntN(3)); err != nil {
					return err
				}
			}
			if !w.shut && w.done+w.cond.Stats().Waiters == syFuzzWorkers {
				w.shut = true
				if err := w.cond.Do(ctx, w.cond.NotifyAll); err != nil {
					return err
				}
			}
			if err := aio.Sleep(ctx, 0); err != nil {
				return err
			}
		}
		w.trace = append(w.trace, fmt.Sprint("cancels ", cancels))
		if cancels < syFuzzWorkers {
			w.t.Errorf("only %d operations were cancelled: the test does not test cancellation", cancels)
		}
		return nil
	}
}

func syFuzz(t *testing.T, seed uint64) []string {
	w := &syFuzzWorld{t: t, sem: aio.NewSemaphore(syFuzzPermits), lim: aio.NewCapacityLimiter(2), borrows: map[aio.AnyTask]bool{}}
	ktRun(t, func(ctx context.Context) error {
		return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			for i := range syFuzzWorkers {
				tg.Go(w.worker(i, rand.New(rand.NewPCG(seed, uint64(i)))), aio.WithName(fmt.Sprint("worker ", i)))
			}
			tg.Go(w.canceller(rand.New(rand.NewPCG(seed, 1<<32))), aio.WithName("canceller"))
			return nil
		})
	}, aio.WithSeed(seed))
	if st := w.mu.Stats(); st.Locked || st.Waiters != 0 {
		t.Errorf("the lock at the end: %+v", st)
	}
	if st := w.sem.Stats(); st.Value != syFuzzPermits || st.Waiters != 0 {
		t.Errorf("the semaphore at the end: %+v, want its %d permits back", st, syFuzzPermits)
	}
	if st := w.lim.Stats(); st.BorrowedTokens != 0 || st.Waiters != 0 {
		t.Errorf("the limiter at the end: %+v", st)
	}
	if st := w.cond.Stats(); st.Waiters != 0 || st.Lock.Locked {
		t.Errorf("the condition at the end: %+v", st)
	}
	return w.trace
}

func TestSyncInvariantsHoldUnderRandomSchedulesAndCancellations(t *testing.T) {
	for seed := range uint64(8) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) { syFuzz(t, seed) })
	}
	t.Run("a seed replays the same run", func(t *testing.T) {
		if a, b := syFuzz(t, 3), syFuzz(t, 3); !slices.Equal(a, b) {
			t.Error("two runs with seed 3 differ")
		}
	})
}
