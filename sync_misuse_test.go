package aio_test

// Misuse of the synchronisation primitives follows the kernel's rules
// (misuse.go, wrongloop_test.go): a ctx-taking method called with a
// context from another goroutine fails with ErrWrongTask, one called by a
// task of another loop with ErrWrongLoop, before anything of the primitive
// is read; the methods without a context panic from a goroutine that is
// not the loop's thread once a task waits on the primitive. In every case
// nothing changes. Run under -race.

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aio-go/aio"
)

// syFixture is one of each primitive, each with a task waiting on it.
type syFixture struct {
	mu      aio.Lock // held by the fixture's creator
	ev      aio.Event
	cond    aio.Condition
	sem     *aio.Semaphore        // no permit
	bsem    *aio.BoundedSemaphore // its one permit held by the creator
	bar     *aio.Barrier          // two parties, one waiting
	lim     *aio.CapacityLimiter  // its one token held by the creator
	waiters []*aio.Task[struct{}]
}

func sySetUp(t *testing.T, ctx context.Context) *syFixture {
	t.Helper()
	f := &syFixture{sem: aio.NewSemaphore(0), bsem: aio.NewBoundedSemaphore(1), bar: aio.NewBarrier(2), lim: aio.NewCapacityLimiter(1)}
	for _, err := range []error{f.mu.Acquire(ctx), f.bsem.Acquire(ctx), f.lim.Acquire(ctx)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	for name, wait := range map[string]func(ctx context.Context) error{
		"lock":      func(ctx context.Context) error { return f.mu.Do(ctx, func(context.Context) error { return nil }) },
		"event":     f.ev.Wait,
		"condition": func(ctx context.Context) error { return f.cond.Do(ctx, f.cond.Wait) },
		"semaphore": f.sem.Acquire,
		"bounded":   f.bsem.Acquire,
		"barrier":   func(ctx context.Context) error { _, err := f.bar.Wait(ctx); return err },
		"limiter":   func(ctx context.Context) error { return f.lim.Do(ctx, func(context.Context) error { return nil }) },
	} {
		f.waiters = append(f.waiters, syGo(t, ctx, name, wait))
	}
	sySteps(t, ctx, 1)
	return f
}

// state is what the primitives hold.
func (f *syFixture) state() string {
	return fmt.Sprintf("%+v %+v %+v %+v %+v %+v %+v", f.mu.Stats(), f.ev.Stats(), f.cond.Stats(),
		f.sem.Stats(), f.bsem.Stats(), f.bar.Stats(), f.lim.Stats())
}

// calls are the ctx-taking methods.
func (f *syFixture) calls() []ktMisuse {
	nop := func(context.Context) error { return errors.New("the function of a misused Do ran") }
	return []ktMisuse{
		{"Lock.Acquire", f.mu.Acquire},
		{"Lock.TryAcquire", f.mu.TryAcquire},
		{"Lock.Release", f.mu.Release},
		{"Lock.Do", func(ctx context.Context) error { return f.mu.Do(ctx, nop) }},
		{"Event.Wait", f.ev.Wait},
		{"Condition.Acquire", f.cond.Acquire},
		{"Condition.Wait", f.cond.Wait},
		{"Condition.WaitFor", func(ctx context.Context) error { return f.cond.WaitFor(ctx, func() bool { return false }) }},
		{"Condition.Notify", func(ctx context.Context) error { return f.cond.Notify(ctx, 1) }},
		{"Condition.NotifyAll", f.cond.NotifyAll},
		{"Semaphore.Acquire", f.sem.Acquire},
		{"Semaphore.TryAcquire", f.sem.TryAcquire},
		{"Semaphore.Do", func(ctx context.Context) error { return f.sem.Do(ctx, nop) }},
		{"BoundedSemaphore.Acquire", f.bsem.Acquire},
		{"Barrier.Wait", func(ctx context.Context) error { _, err := f.bar.Wait(ctx); return err }},
		{"CapacityLimiter.Acquire", f.lim.Acquire},
		{"CapacityLimiter.TryAcquire", f.lim.TryAcquire},
		{"CapacityLimiter.AcquireOnBehalfOf", func(ctx context.Context) error { return f.lim.AcquireOnBehalfOf(ctx, "x") }},
		{"CapacityLimiter.Release", f.lim.Release},
	}
}

// ctxless are the methods without a context, with what their panic names.
func (f *syFixture) ctxless() []struct {
	name, what string
	call       func()
} {
	return []struct {
		name, what string
		call       func()
	}{
		{"Event.Set", "ParkingLot.Unpark", f.ev.Set},
		{"Event.Clear", "ParkingLot.Unpark", f.ev.Clear},
		{"Semaphore.Release", "ParkingLot.Unpark", f.sem.Release},
		{"BoundedSemaphore.Release", "ParkingLot.Unpark", func() { f.bsem.Release() }},
		{"Barrier.Reset", "Barrier.Reset", f.bar.Reset},
		{"Barrier.Abort", "Barrier.Abort", f.bar.Abort},
		{"CapacityLimiter.SetTotalTokens", "ParkingLot.Unpark", func() { f.lim.SetTotalTokens(5) }},
		{"CapacityLimiter.ReleaseOnBehalfOf", "ParkingLot.Unpark", func() { f.lim.ReleaseOnBehalfOf("x") }},
	}
}

// finish lets every waiter through and checks that each got what it
// waited for: the refused calls broke nothing.
func (f *syFixture) finish(t *testing.T, ctx context.Context) {
	t.Helper()
	for _, err := range []error{
		f.mu.Release(ctx), f.bsem.Release(), f.lim.Release(ctx),
		f.cond.Do(ctx, f.cond.NotifyAll),
	} {
		if err != nil {
			t.Errorf("finishing: %v", err)
		}
	}
	f.ev.Set()
	f.sem.Release()
	if _, err := f.bar.Wait(ctx); err != nil {
		t.Errorf("finishing the barrier: %v", err)
	}
	for _, w := range f.waiters {
		if err := syAwaitErr(ctx, w); err != nil {
			t.Errorf("the %s waiter = %v", w.Name(), err)
		}
	}
}

func TestSyncPrimitivesRefuseCallsFromAnotherGoroutine(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		f := sySetUp(t, ctx)
		before := f.state()
		// An executor job is a goroutine that is not the loop's thread;
		// main waits for it without blocking the loop.
		_, err := aio.ToThread(ctx, func(context.Context) (int, error) {
			for _, c := range f.calls() {
				if err := c.call(ctx); !errors.Is(err, aio.ErrWrongTask) {
					t.Errorf("%s with main's ctx from another goroutine = %v, want ErrWrongTask", c.name, err)
				}
			}
			for _, c := range f.ctxless() {
				wlPanics(t, c.what, c.call)
			}
			return 0, nil
		})
		if err != nil {
			return err
		}
		if after := f.state(); after != before {
			t.Errorf("refused calls changed the primitives:\nbefore %s\nafter  %s", before, after)
		}
		f.finish(t, ctx)
		return nil
	})
}

func TestSyncPrimitivesOfAnotherLoopAreRefused(t *testing.T) {
	var f *syFixture
	var before string
	finish := wlOtherLoop(t, func(ctx context.Context, ready func()) error {
		f = sySetUp(t, ctx)
		before = f.state()
		ready()
		return nil
	}, func(ctx context.Context) error {
		if after := f.state(); after != before {
			t.Errorf("refused calls changed the primitives:\nbefore %s\nafter  %s", before, after)
		}
		f.finish(t, ctx)
		return nil
	})
	ktRun(t, func(ctx context.Context) error {
		for _, c := range f.calls() {
			if err := c.call(ctx); !errors.Is(err, aio.ErrWrongLoop) {
				t.Errorf("%s by a task of another loop = %v, want ErrWrongLoop", c.name, err)
			}
		}
		for _, c := range f.ctxless() {
			wlPanics(t, c.what, c.call)
		}
		return nil
	})
	if err := finish(); err != nil {
		t.Errorf("the primitives' loop: %v", err)
	}
}

func TestSyncPrimitivesWithoutARunningTask(t *testing.T) {
	var f *syFixture
	var taskCtx context.Context
	ktRun(t, func(ctx context.Context) error {
		f = sySetUp(t, ctx)
		f.finish(t, ctx)
		taskCtx = ctx
		return nil
	})
	for _, c := range f.calls() {
		if err := c.call(context.Background()); !errors.Is(err, aio.ErrNoTask) {
			t.Errorf("%s without a task = %v, want ErrNoTask", c.name, err)
		}
		if err := c.call(taskCtx); !errors.Is(err, aio.ErrLoopClosed) {
			t.Errorf("%s after Run returned = %v, want ErrLoopClosed", c.name, err)
		}
	}
}
