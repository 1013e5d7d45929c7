package aio_test

// Determinism and the virtual clock (DESIGN.md, "Time"): FIFO ready queue,
// timers in (deadline, creation) order, reproducible runs, seeded schedule
// shuffling, and ErrDeadlock when nothing can wake any task. trio's
// MockClock(autojump_threshold=0) is the model; unlike trio, whose order
// among tasks ready at the same time is random, aio's is FIFO.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

// detOutcome is what detScenario computes, for its invariants.
type detOutcome struct {
	steps    int   // worker steps taken
	gathered []int // Gather's results
	woken    []int // what the future's waiters received
	grouped  int   // task group children finished
	chain    int   // the value at the end of the future chain
	end      time.Duration
}

// detScenario is a program with many tasks, sleeps of equal deadlines,
// futures set by callbacks and by tasks, Gather and a task group. It logs
// every event with its loop time.
func detScenario(ctx context.Context, logf func(string, ...any)) (detOutcome, error) {
	var out detOutcome
	log := func(format string, args ...any) {
		logf("%6v "+format, append([]any{loopTime(ctx)}, args...)...)
	}

	// Workers whose sleeps end at the same deadlines.
	var workers []*aio.Task[int]
	for i := range 8 {
		w, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			for step := range 3 {
				if err := aio.Sleep(ctx, time.Duration(i%3)*100*time.Millisecond); err != nil {
					return 0, err
				}
				log("worker %d step %d", i, step)
				out.steps++
			}
			return i, nil
		}, aio.WithName(fmt.Sprint("worker ", i)))
		if err != nil {
			return out, err
		}
		workers = append(workers, w)
	}

	// A future set by a callback, awaited by three tasks.
	f := aio.NewFuture[int]()
	aio.CallLater(ctx, 250*time.Millisecond, func() { log("callback sets the future"); f.SetResult(42) })
	for i := range 3 {
		aio.Go(ctx, func(ctx context.Context) error {
			v, err := f.Await(ctx)
			log("waiter %d got %d", i, v)
			out.woken = append(out.woken, v)
			return err
		})
	}

	// A chain of futures handed from task to task.
	chain := make([]*aio.Future[int], 6)
	for i := range chain {
		chain[i] = aio.NewFuture[int]()
	}
	for i := range 5 {
		aio.Go(ctx, func(ctx context.Context) error {
			v, err := chain[i].Await(ctx)
			if err != nil {
				return err
			}
			log("link %d passes %d", i, v+1)
			return chain[i+1].SetResult(v + 1)
		})
	}
	chain[0].SetResult(0)

	// A task group, one of whose children is started with Start.
	err := aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
		for i := range 4 {
			tg.Go(func(ctx context.Context) error {
				if err := aio.Sleep(ctx, 300*time.Millisecond); err != nil {
					return err
				}
				log("group child %d done", i)
				out.grouped++
				return nil
			})
		}
		return tg.Start(ctx, func(ctx context.Context, started func()) error {
			aio.Sleep(ctx, 100*time.Millisecond)
			log("group server ready")
			started()
			aio.Sleep(ctx, 200*time.Millisecond)
			log("group server done")
			out.grouped++
			return nil
		})
	})
	if err != nil {
		return out, err
	}

	// Gather of functions, three of which finish in the same step.
	part := func(i, v int, d time.Duration) func(context.Context) (int, error) {
		return func(ctx context.Context) (int, error) {
			err := aio.Sleep(ctx, d)
			log("gather %d", i)
			return v, err
		}
	}
	out.gathered, err = aio.Gather(ctx,
		part(0, 0, 100*time.Millisecond), part(1, 1, 100*time.Millisecond),
		part(2, 4, 100*time.Millisecond), part(3, 9, 50*time.Millisecond))
	if err != nil {
		return out, err
	}
	for _, w := range workers {
		if _, err := w.Await(ctx); err != nil {
			return out, err
		}
	}
	out.chain, err = chain[5].Await(ctx)
	out.end = loopTime(ctx)
	log("main done")
	return out, err
}

// detTrace runs detScenario once and returns its trace and outcome.
func detTrace(t *testing.T, opts ...aio.Option) (string, detOutcome) {
	t.Helper()
	var b strings.Builder
	out, err := aio.Run(func(ctx context.Context) (detOutcome, error) {
		return detScenario(ctx, func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) })
	}, append([]aio.Option{aio.WithVirtualClock()}, opts...)...)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return b.String(), out
}

// checkDetOutcome checks the invariants of detScenario, whatever the schedule.
func checkDetOutcome(t *testing.T, out detOutcome) {
	t.Helper()
	if out.steps != 24 {
		t.Errorf("worker steps = %d, want 24", out.steps)
	}
	if !slices.Equal(out.gathered, []int{0, 1, 4, 9}) {
		t.Errorf("Gather = %v, want [0 1 4 9]", out.gathered)
	}
	if !slices.Equal(out.woken, []int{42, 42, 42}) {
		t.Errorf("future waiters got %v, want 42 three times", out.woken)
	}
	if out.grouped != 5 || out.chain != 5 {
		t.Errorf("group children done = %d, chain end = %d; want 5 and 5", out.grouped, out.chain)
	}
	// The group ends at 300ms, Gather at 400ms, the slowest worker at 600ms.
	if out.end != 600*time.Millisecond {
		t.Errorf("main ended at %v, want 600ms", out.end)
	}
}

func TestVirtualClockRunsAreReproducible(t *testing.T) {
	first, out := detTrace(t)
	checkDetOutcome(t, out)
	if n := strings.Count(first, "\n"); n < 40 {
		t.Fatalf("the trace has %d lines, the scenario did not run:\n%s", n, first)
	}
	for i := range 19 {
		if again, _ := detTrace(t); again != first {
			t.Fatalf("run %d differs from the first:\n%s\nfirst:\n%s", i+2, again, first)
		}
	}
}

func TestReadyTasksRunInFIFOOrder(t *testing.T) {
	t.Run("tasks run in creation order and take turns at each Sleep(0)", func(t *testing.T) {
		var got []string
		runVirtualMain(t, func(ctx context.Context) error {
			var tasks []*aio.Task[int]
			for _, name := range []string{"A", "B", "C"} {
				tasks = append(tasks, newWaitTask(t, ctx, func(ctx context.Context) (int, error) {
					for i := range 3 {
						got = append(got, fmt.Sprint(name, i))
						aio.Sleep(ctx, 0)
					}
					return 0, nil
				}))
			}
			_, _, err := aio.Wait(ctx, tasks, aio.AllCompleted, 0)
			return err
		})
		want := []string{"A0", "B0", "C0", "A1", "B1", "C1", "A2", "B2", "C2"}
		if !slices.Equal(got, want) {
			t.Errorf("order = %v, want %v", got, want)
		}
	})
	t.Run("waiters of a future are woken in the order they started waiting", func(t *testing.T) {
		var got []string
		runVirtualMain(t, func(ctx context.Context) error {
			f := aio.NewFuture[int]()
			var tasks []*aio.Task[int]
			for _, name := range []string{"C", "A", "B"} {
				tasks = append(tasks, newWaitTask(t, ctx, func(ctx context.Context) (int, error) {
					v, err := f.Await(ctx)
					got = append(got, name)
					return v, err
				}))
			}
			aio.Sleep(ctx, 0)
			f.SetResult(1)
			_, _, err := aio.Wait(ctx, tasks, aio.AllCompleted, 0)
			return err
		})
		if want := []string{"C", "A", "B"}; !slices.Equal(got, want) {
			t.Errorf("order = %v, want %v", got, want)
		}
	})
	t.Run("callbacks and tasks share one queue", func(t *testing.T) {
		var got []string
		runVirtualMain(t, func(ctx context.Context) error {
			aio.CallSoon(ctx, func() { got = append(got, "callback 1") })
			task := newWaitTask(t, ctx, func(context.Context) (int, error) { got = append(got, "task"); return 0, nil })
			aio.CallSoon(ctx, func() { got = append(got, "callback 2") })
			_, err := task.Await(ctx)
			got = append(got, "main")
			return err
		})
		if want := []string{"callback 1", "task", "callback 2", "main"}; !slices.Equal(got, want) {
			t.Errorf("order = %v, want %v", got, want)
		}
	})
}

func TestTimersFireInDeadlineThenCreationOrder(t *testing.T) {
	t.Run("an earlier deadline fires first whatever the creation order", func(t *testing.T) {
		var got []string
		runVirtualMain(t, func(ctx context.Context) error {
			aio.CallLater(ctx, 3*time.Second, func() { got = append(got, "3s") })
			aio.CallLater(ctx, time.Second, func() { got = append(got, "1s") })
			aio.CallLater(ctx, 2*time.Second, func() { got = append(got, "2s") })
			return aio.Sleep(ctx, 4*time.Second)
		})
		if want := []string{"1s", "2s", "3s"}; !slices.Equal(got, want) {
			t.Errorf("order = %v, want %v", got, want)
		}
	})
	t.Run("equal deadlines fire in the order the timers were set, not the order the tasks were created", func(t *testing.T) {
		var got []string
		runVirtualMain(t, func(ctx context.Context) error {
			epoch := aio.Now(ctx)
			aio.CallLater(ctx, 2*time.Second, func() { got = append(got, "callback later") })
			// A is created first but sets its 2s timer last, at 1s.
			a := newWaitTask(t, ctx, func(ctx context.Context) (int, error) {
				aio.Sleep(ctx, time.Second)
				aio.Sleep(ctx, time.Second)
				got = append(got, "A")
				return 0, nil
			})
			b := newWaitTask(t, ctx, func(ctx context.Context) (int, error) {
				aio.Sleep(ctx, 2*time.Second)
				got = append(got, "B")
				return 0, nil
			})
			aio.Sleep(ctx, 0) // A and B set their first timers
			aio.CallAt(ctx, epoch.Add(2*time.Second), func() { got = append(got, "callback at") })
			_, _, err := aio.Wait(ctx, []*aio.Task[int]{a, b}, aio.AllCompleted, 0)
			return err
		})
		if want := []string{"callback later", "B", "callback at", "A"}; !slices.Equal(got, want) {
			t.Errorf("order = %v, want %v", got, want)
		}
	})
}

func TestWithSeedReplaysTheSameScheduleAndSeedsDiffer(t *testing.T) {
	distinct := map[string]bool{}
	for seed := uint64(1); seed <= 10; seed++ {
		a, out := detTrace(t, aio.WithSeed(seed))
		checkDetOutcome(t, out)
		if b, _ := detTrace(t, aio.WithSeed(seed)); a != b {
			t.Fatalf("seed %d gave two different traces:\n%s\nthen:\n%s", seed, a, b)
		}
		distinct[a] = true
	}
	if len(distinct) < 2 {
		t.Errorf("seeds 1..10 all gave the same schedule: WithSeed does not shuffle")
	}
}

func TestScenarioInvariantsHoldUnderSeveralSeeds(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		t.Run(fmt.Sprintf("all tasks finish with correct results under seed %d", seed), func(t *testing.T) {
			_, out := detTrace(t, aio.WithSeed(seed))
			checkDetOutcome(t, out)
		})
	}
}

func TestVirtualClockDoesNotJumpPastACancellationMadeOnTheLoop(t *testing.T) {
	// A context.WithCancel derived from a task's context and cancelled by
	// another task is no outside input: the cancellation must reach the
	// sleeper at 1s, before the clock jumps to the sleeper's deadline.
	var at time.Duration
	var err error
	runVirtualMain(t, func(ctx context.Context) error {
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		aio.Go(ctx, func(ctx context.Context) error {
			aio.Sleep(ctx, time.Second)
			cancel()
			return nil
		})
		err = aio.Sleep(cctx, time.Hour)
		at = loopTime(ctx)
		return nil
	})
	if !errors.Is(err, aio.ErrCancelled) || at != time.Second {
		t.Errorf("Sleep(cctx, 1h) = %v at %v, want a cancellation at 1s", err, at)
	}
}

func TestVirtualClockReportsErrDeadlockWhenNoTaskCanBeWoken(t *testing.T) {
	t.Run("every task waits on a future nobody sets", func(t *testing.T) {
		var unwound []string
		var at time.Duration
		_, err := aio.Run(func(ctx context.Context) (int, error) {
			f, g := aio.NewFuture[int](), aio.NewFuture[int]()
			helper, _ := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
				defer func() { unwound = append(unwound, "helper") }()
				aio.Sleep(ctx, 5*time.Second)
				at = loopTime(ctx)
				return g.Await(ctx)
			})
			defer func() { unwound = append(unwound, "main") }()
			if _, err := f.Await(ctx); err != nil {
				return 0, err
			}
			return helper.Await(ctx)
		}, aio.WithVirtualClock())
		if !errors.Is(err, aio.ErrDeadlock) {
			t.Errorf("Run = %v, want ErrDeadlock", err)
		}
		if at != 5*time.Second {
			t.Errorf("the helper's sleep ended at %v, want 5s: a timer is not a deadlock", at)
		}
		slices.Sort(unwound)
		if !slices.Equal(unwound, []string{"helper", "main"}) {
			t.Errorf("unwound %v, want both tasks' defers to run", unwound)
		}
	})
	t.Run("a future that a timer will set is not a deadlock", func(t *testing.T) {
		runVirtualMain(t, func(ctx context.Context) error {
			f := aio.NewFuture[int]()
			aio.CallLater(ctx, time.Hour, func() { f.SetResult(1) })
			_, err := f.Await(ctx)
			return err
		})
	})
}
