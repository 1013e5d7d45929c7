package aio_test

// Time: Sleep, Now, CallSoon/CallLater/CallAt and their Handles, on both
// clocks, after CPython's Lib/test/test_asyncio/test_tasks.py (test_sleep,
// test_sleep_cancel, the sleep(0) round robin) and test_base_events.py /
// test_events.py (test_call_soon, test_call_later, test_call_at,
// test_handle_cancel, timers with equal deadlines), and trio's MockClock
// autojump behaviour (test_run.py, test_mock_clock.py).
//
// On the real clock these tests assert orders and lower bounds only, never
// an upper bound on elapsed time.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

func TestSleepZeroYieldsToTheOtherReadyTasks(t *testing.T) {
	for _, clk := range ktClocks {
		t.Run(clk.name, func(t *testing.T) {
			var log []string
			step := func(ctx context.Context, name string) error {
				for range 3 {
					log = append(log, name)
					if err := aio.Sleep(ctx, 0); err != nil {
						return err
					}
				}
				return nil
			}
			err := ktRunErr(func(ctx context.Context) error {
				var tasks []*aio.Task[struct{}]
				for _, name := range []string{"a", "b"} {
					task, err := aio.CreateTask(ctx, func(ctx context.Context) (struct{}, error) {
						return struct{}{}, step(ctx, name)
					})
					if err != nil {
						return err
					}
					tasks = append(tasks, task)
				}
				if err := step(ctx, "m"); err != nil {
					return err
				}
				for _, task := range tasks {
					if _, err := task.Await(ctx); err != nil {
						return err
					}
				}
				return nil
			}, clk.opts...)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if got, want := strings.Join(log, ""), "mabmabmab"; got != want {
				t.Fatalf("steps ran as %q, want %q: Sleep(0) must hand over to every ready task", got, want)
			}
		})
	}
}

func TestSleepOnTheVirtualClockTakesExactlyItsDuration(t *testing.T) {
	for _, d := range []time.Duration{time.Nanosecond, time.Millisecond, 1500 * time.Millisecond, 24 * time.Hour} {
		t.Run(fmt.Sprintf("Sleep(%v) advances Now by exactly %v", d, d), func(t *testing.T) {
			ktRun(t, func(ctx context.Context) error {
				t0 := aio.Now(ctx)
				if err := aio.Sleep(ctx, d); err != nil {
					return err
				}
				if got := ktSince(ctx, t0); got != d {
					t.Errorf("elapsed %v, want %v", got, d)
				}
				return nil
			})
		})
	}
	t.Run("concurrent sleepers wake at their own deadlines in deadline order", func(t *testing.T) {
		ktRun(t, func(ctx context.Context) error {
			t0 := aio.Now(ctx)
			var woke []time.Duration
			var tasks []*aio.Task[struct{}]
			for _, d := range []time.Duration{3 * time.Second, time.Second, 2 * time.Second, time.Second + time.Nanosecond} {
				task, err := aio.CreateTask(ctx, func(ctx context.Context) (struct{}, error) {
					err := aio.Sleep(ctx, d)
					woke = append(woke, ktSince(ctx, t0))
					return struct{}{}, err
				})
				if err != nil {
					return err
				}
				tasks = append(tasks, task)
			}
			for _, task := range tasks {
				task.Await(ctx)
			}
			want := []time.Duration{time.Second, time.Second + time.Nanosecond, 2 * time.Second, 3 * time.Second}
			if !slices.Equal(woke, want) {
				t.Errorf("sleepers woke at %v, want %v", woke, want)
			}
			if got := ktSince(ctx, t0); got != 3*time.Second {
				t.Errorf("main resumed %v after the start, want 3s", got)
			}
			return nil
		})
	})
}

func TestTimersWithEqualDeadlinesFireInCreationOrder(t *testing.T) {
	const n = 64
	t.Run("sleepers on the virtual clock", func(t *testing.T) {
		ktRun(t, func(ctx context.Context) error {
			var woke []int
			var tasks []*aio.Task[struct{}]
			for i := range n {
				task, err := aio.CreateTask(ctx, func(ctx context.Context) (struct{}, error) {
					err := aio.Sleep(ctx, time.Second)
					woke = append(woke, i)
					return struct{}{}, err
				})
				if err != nil {
					return err
				}
				tasks = append(tasks, task)
			}
			for _, task := range tasks {
				task.Await(ctx)
			}
			if !ktIsIota(woke, n) {
				t.Errorf("sleepers with one deadline woke in order %v, want creation order", woke)
			}
			return nil
		})
	})
	for _, clk := range ktClocks {
		t.Run("callbacks with one CallAt time "+clk.name, func(t *testing.T) {
			err := ktRunErr(func(ctx context.Context) error {
				var ran []int
				all := aio.NewFuture[struct{}]()
				when := aio.Now(ctx).Add(20 * time.Millisecond)
				for i := range n {
					if _, err := aio.CallAt(ctx, when, func() {
						ran = append(ran, i)
						if len(ran) == n {
							all.SetResult(struct{}{})
						}
					}); err != nil {
						return err
					}
				}
				if _, err := all.Await(ctx); err != nil {
					return err
				}
				if !ktIsIota(ran, n) {
					t.Errorf("callbacks ran in order %v, want creation order", ran)
				}
				return nil
			}, clk.opts...)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
		})
	}
	t.Run("callbacks left after many were cancelled", func(t *testing.T) {
		// Enough cancelled timers to make the heap drop its dead entries
		// and rebuild: the survivors must keep their order.
		ktRun(t, func(ctx context.Context) error {
			var ran, want []int
			for i := range 900 {
				h, err := aio.CallLater(ctx, time.Second, func() { ran = append(ran, i) })
				if err != nil {
					return err
				}
				if i%3 != 0 {
					h.Cancel()
				} else {
					want = append(want, i)
				}
			}
			if err := aio.Sleep(ctx, 2*time.Second); err != nil {
				return err
			}
			if !slices.Equal(ran, want) {
				t.Errorf("surviving callbacks ran in order %v, want %v", ran, want)
			}
			return nil
		})
	})
}

// ktIsIota reports whether s is 0, 1, ..., n-1.
func ktIsIota(s []int, n int) bool {
	if len(s) != n {
		return false
	}
	for i, v := range s {
		if v != i {
			return false
		}
	}
	return true
}

func TestCallSoonCallLaterAndCallAtRunInTimeOrder(t *testing.T) {
	for _, clk := range ktClocks {
		t.Run(clk.name, func(t *testing.T) {
			var log []string
			err := ktRunErr(func(ctx context.Context) error {
				last := aio.NewFuture[struct{}]()
				add := func(s string) func() { return func() { log = append(log, s) } }
				must := func(_ *aio.Handle, err error) {
					if err != nil {
						t.Errorf("scheduling: %v", err)
					}
				}
				must(aio.CallLater(ctx, 30*time.Millisecond, func() {
					log = append(log, "later 30ms")
					last.SetResult(struct{}{})
				}))
				must(aio.CallAt(ctx, aio.Now(ctx).Add(10*time.Millisecond), add("at +10ms")))
				must(aio.CallLater(ctx, 20*time.Millisecond, add("later 20ms")))
				must(aio.CallLater(ctx, 0, add("later 0")))
				must(aio.CallAt(ctx, aio.Now(ctx).Add(-time.Hour), add("at in the past")))
				if _, err := aio.CreateTask(ctx, func(context.Context) (int, error) {
					log = append(log, "task made ready before CallSoon")
					return 0, nil
				}); err != nil {
					return err
				}
				must(aio.CallSoon(ctx, add("soon 1")))
				must(aio.CallSoon(ctx, add("soon 2")))
				log = append(log, "main")
				_, err := last.Await(ctx)
				return err
			}, clk.opts...)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			want := []string{"main", "task made ready before CallSoon", "soon 1", "soon 2",
				"at in the past", "later 0", "at +10ms", "later 20ms", "later 30ms"}
			if !slices.Equal(log, want) {
				t.Fatalf("ran as\n%q\nwant\n%q", log, want)
			}
		})
	}
}

func TestHandleCancelPreventsTheCallback(t *testing.T) {
	schedulers := []struct {
		name string
		do   func(ctx context.Context, d time.Duration, fn func()) (*aio.Handle, error)
	}{
		{"CallSoon", func(ctx context.Context, _ time.Duration, fn func()) (*aio.Handle, error) {
			return aio.CallSoon(ctx, fn)
		}},
		{"CallLater", func(ctx context.Context, d time.Duration, fn func()) (*aio.Handle, error) {
			return aio.CallLater(ctx, d, fn)
		}},
		{"CallAt", func(ctx context.Context, d time.Duration, fn func()) (*aio.Handle, error) {
			return aio.CallAt(ctx, aio.Now(ctx).Add(d), fn)
		}},
	}
	for _, clk := range ktClocks {
		for _, s := range schedulers {
			t.Run("a cancelled "+s.name+" callback never runs "+clk.name, func(t *testing.T) {
				ktRunOn(t, clk.opts, func(ctx context.Context) error {
					var ran bool
					h, err := s.do(ctx, clk.unit, func() { ran = true })
					if err != nil {
						return err
					}
					if h.Cancelled() {
						t.Error("Cancelled() before Cancel")
					}
					if !h.Cancel() {
						t.Error("Cancel of a pending callback = false")
					}
					if h.Cancel() {
						t.Error("second Cancel = true")
					}
					if !h.Cancelled() {
						t.Error("Cancelled() = false after Cancel")
					}
					// A callback scheduled after it, for later, has run
					// when this sleep ends: so would the cancelled one.
					if _, err := aio.CallLater(ctx, clk.unit, func() {}); err != nil {
						return err
					}
					if err := aio.Sleep(ctx, 2*clk.unit); err != nil {
						return err
					}
					if ran {
						t.Error("the cancelled callback ran")
					}
					return nil
				})
			})
			t.Run("Cancel after a "+s.name+" callback ran returns false "+clk.name, func(t *testing.T) {
				ktRunOn(t, clk.opts, func(ctx context.Context) error {
					ran := aio.NewFuture[struct{}]()
					h, err := s.do(ctx, clk.unit, func() { ran.SetResult(struct{}{}) })
					if err != nil {
						return err
					}
					if _, err := ran.Await(ctx); err != nil {
						return err
					}
					if h.Cancel() || h.Cancelled() {
						t.Errorf("after running: Cancel()=true or Cancelled()=%v; want false, false", h.Cancelled())
					}
					return nil
				})
			})
		}
		t.Run("a callback cancelled by another of the same deadline does not run "+clk.name, func(t *testing.T) {
			// Both timers have fired and wait in the ready queue when the
			// first one cancels the second.
			ktRunOn(t, clk.opts, func(ctx context.Context) error {
				var second *aio.Handle
				var log []string
				when := aio.Now(ctx).Add(clk.unit)
				_, err := aio.CallAt(ctx, when, func() {
					log = append(log, "first")
					if !second.Cancel() {
						t.Error("Cancel of a fired but not yet run callback = false")
					}
				})
				if err != nil {
					return err
				}
				second, err = aio.CallAt(ctx, when, func() { log = append(log, "second") })
				if err != nil {
					return err
				}
				last := aio.NewFuture[struct{}]()
				if _, err := aio.CallAt(ctx, when, func() { last.SetResult(struct{}{}) }); err != nil {
					return err
				}
				if _, err := last.Await(ctx); err != nil {
					return err
				}
				if !slices.Equal(log, []string{"first"}) {
					t.Errorf("ran %q, want only the first", log)
				}
				return nil
			})
		})
	}
}

func TestCallbackPanicDoesNotStopTheLoop(t *testing.T) {
	for _, clk := range ktClocks {
		t.Run(clk.name, func(t *testing.T) {
			var later, mainDone bool
			v, err := aio.Run(func(ctx context.Context) (int, error) {
				if _, err := aio.CallSoon(ctx, func() { panic("callback boom") }); err != nil {
					return 0, err
				}
				if _, err := aio.CallLater(ctx, clk.unit, func() { later = true }); err != nil {
					return 0, err
				}
				task, err := aio.CreateTask(ctx, ktSleeper(clk.unit/10, 1))
				if err != nil {
					return 0, err
				}
				task.AddDoneCallback(func(*aio.Task[int]) { panic("done-callback boom") })
				if _, err := task.Await(ctx); err != nil {
					return 0, err
				}
				if err := aio.Sleep(ctx, 2*clk.unit); err != nil {
					return 0, err
				}
				mainDone = true
				return 42, nil
			}, clk.opts...)
			if v != 42 || !later || !mainDone {
				t.Errorf("Run = %v (later callback ran=%v, main finished=%v); want 42 and the loop going on after the panics", v, later, mainDone)
			}
			var values []any
			for _, pe := range ktPanicErrors(err) {
				values = append(values, pe.Value)
			}
			if !slices.Contains(values, any("callback boom")) || !slices.Contains(values, any("done-callback boom")) {
				t.Fatalf("Run error = %v; want a *PanicError for each callback's panic", err)
			}
		})
	}
}

// ktPanicErrors returns every *PanicError in err's tree.
func ktPanicErrors(err error) []*aio.PanicError {
	var out []*aio.PanicError
	var walk func(error)
	walk = func(err error) {
		if pe, ok := err.(*aio.PanicError); ok {
			out = append(out, pe)
		}
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		case interface{ Unwrap() error }:
			if e := u.Unwrap(); e != nil {
				walk(e)
			}
		}
	}
	if err != nil {
		walk(err)
	}
	return out
}

func TestNowOutsideALoopIsTheWallClock(t *testing.T) {
	before := time.Now()
	got := aio.Now(context.Background())
	after := time.Now()
	if got.Before(before) || got.After(after) {
		t.Fatalf("Now(context.Background()) = %v, want between %v and %v", got, before, after)
	}
	t.Run("on the real clock Now is the machine's time", func(t *testing.T) {
		before := time.Now()
		err := ktRunErr(func(ctx context.Context) error {
			got := aio.Now(ctx)
			after := time.Now()
			if got.Before(before) || got.After(after) {
				t.Errorf("Now = %v, want between %v and %v", got, before, after)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestVirtualClockStartsAt2000AndStandsStillWhileTasksRun(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		epoch := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
		if got := aio.Now(ctx); !got.Equal(epoch) {
			t.Errorf("Now at the start = %v, want %v", got, epoch)
		}
		steps, counter := ktStepCounter(t, ctx)
		for range 100 {
			if err := aio.Sleep(ctx, 0); err != nil {
				return err
			}
		}
		counter.Cancel(nil)
		if *steps < 100 {
			t.Errorf("the counter ran %d steps, want at least 100", *steps)
		}
		if got := aio.Now(ctx); !got.Equal(epoch) {
			t.Errorf("Now after 100 steps without timers = %v, want %v: the virtual clock moved while tasks ran", got, epoch)
		}
		if err := aio.Sleep(ctx, time.Minute); err != nil {
			return err
		}
		if got := aio.Now(ctx); !got.Equal(epoch.Add(time.Minute)) {
			t.Errorf("Now after Sleep(1m) = %v, want %v", got, epoch.Add(time.Minute))
		}
		return nil
	})
}

func TestSleepOnTheRealClockWakesInDeadlineOrderAndNoEarlier(t *testing.T) {
	var woke []time.Duration
	err := ktRunErr(func(ctx context.Context) error {
		t0 := aio.Now(ctx)
		var tasks []*aio.Task[struct{}]
		for _, d := range []time.Duration{30 * time.Millisecond, 10 * time.Millisecond, 20 * time.Millisecond} {
			task, err := aio.CreateTask(ctx, func(ctx context.Context) (struct{}, error) {
				if err := aio.Sleep(ctx, d); err != nil {
					return struct{}{}, err
				}
				if got := ktSince(ctx, t0); got < d {
					t.Errorf("Sleep(%v) returned after %v", d, got)
				}
				woke = append(woke, d)
				return struct{}{}, nil
			})
			if err != nil {
				return err
			}
			tasks = append(tasks, task)
		}
		for _, task := range tasks {
			if _, err := task.Await(ctx); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{10 * time.Millisecond, 20 * time.Millisecond, 30 * time.Millisecond}
	if !slices.Equal(woke, want) {
		t.Fatalf("woke in order %v, want %v", woke, want)
	}
}
