package aio_test

// Debug mode at its edges, after CPython's test_base_events.py
// (test_log_slow_callbacks, test_set_debug) and test_debug mode's promise
// that it only adds checks and logs: a step that blocks the loop during
// Run's shutdown is reported with where it blocks, a threshold of zero or
// less keeps the default, and a program does the same with and without it.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

func TestDebugModeWatchdogReportsAStepThatBlocksDuringRunsShutdown(t *testing.T) {
	cases := []struct {
		name, task string
		// main leaves behind something whose cleanup, run by Run's
		// shutdown, blocks the loop until the report comes.
		main func(ctx context.Context, reported <-chan struct{}, inTime *bool) error
	}{
		{"a leftover task's cleanup", "leftover", func(ctx context.Context, reported <-chan struct{}, inTime *bool) error {
			if err := aio.Go(ctx, func(ctx context.Context) error {
				defer func() { *inTime = etBlock(reported) }()
				return aio.Sleep(ctx, time.Hour)
			}, aio.WithName("leftover")); err != nil {
				return err
			}
			return aio.Sleep(ctx, 0)
		}},
		{"an async generator's cleanup", "shutdown_asyncgens", func(ctx context.Context, reported <-chan struct{}, inTime *bool) error {
			g := aio.NewAsyncGenerator(func(ctx context.Context, y *ay) error {
				defer func() { *inTime = etBlock(reported) }()
				_, err := y.Yield(ctx, 1)
				return err
			})
			_, err := g.Next(ctx)
			return err
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			blocking := func(r etRecord) bool {
				return r.attrs["task"] == c.task && strings.Contains(r.msg, "blocks the loop")
			}
			log := &etSignalLog{match: blocking, hit: make(chan struct{})}
			opts := []aio.Option{aio.WithDebug(), aio.WithSlowStep(etThreshold), aio.WithLogger(slog.New(log))}
			var inTime bool
			err := etRun(t, opts, func(ctx context.Context) error { return c.main(ctx, log.hit, &inTime) })
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if !inTime {
				t.Fatalf("no report while the shutdown's step blocked the loop; records: %+v", log.records())
			}
			for _, r := range log.records() {
				if blocking(r) {
					where := r.attrs["stack"] + r.attrs["generator_stack"]
					if !strings.Contains(where, "aio_test.etBlock") {
						t.Errorf("the report does not show where the step blocks (etBlock):\n%s", where)
					}
					return
				}
			}
		})
	}
}

func TestWithSlowStepOfZeroOrLessKeepsTheDefaultThreshold(t *testing.T) {
	for _, d := range []time.Duration{0, -time.Second} {
		t.Run(fmt.Sprint(d), func(t *testing.T) {
			log := &etLog{}
			// Were d a threshold, every one of these steps, of
			// microseconds, would be slower than it.
			opts := []aio.Option{aio.WithVirtualClock(), aio.WithDebug(), aio.WithSlowStep(d), aio.WithLogger(slog.New(log))}
			err := etRun(t, opts, func(ctx context.Context) error {
				if _, err := aio.CallSoon(ctx, func() {}); err != nil {
					return err
				}
				_, err := aio.Gather(ctx, etSleepy(3), etSleepy(5))
				return err
			})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if recs := log.records(); len(recs) != 0 {
				t.Errorf("with WithSlowStep(%v), fast steps were reported: %+v", d, recs)
			}
		})
	}
}

// dbgProgram does a bit of everything that debug mode watches (tasks that
// race, a timeout, a failing group, an async generator, an executor job, a
// callback, an error nobody retrieves) and writes what happens to out.
func dbgProgram(out *strings.Builder) func(ctx context.Context) error {
	say := func(ctx context.Context, format string, args ...any) {
		fmt.Fprintf(out, "%v ", aio.Now(ctx).Sub(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)))
		fmt.Fprintf(out, format+"\n", args...)
	}
	return func(ctx context.Context) error {
		worker := func(n int) func(context.Context) (int, error) {
			return func(ctx context.Context) (int, error) {
				for i := range n {
					say(ctx, "worker %d step %d", n, i)
					if err := aio.Sleep(ctx, time.Duration(i%2)*time.Second); err != nil {
						return 0, err
					}
				}
				return n, nil
			}
		}
		vs, err := aio.Gather(ctx, worker(2), worker(3), worker(4))
		say(ctx, "gather %v %v", vs, err)
		err = aio.Timeout(ctx, 1500*time.Millisecond, func(ctx context.Context, _ *aio.Scope) error {
			return aio.Sleep(ctx, time.Hour)
		})
		say(ctx, "timeout %v", errors.Is(err, aio.ErrTimeout))
		err = aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			tg.Go(func(ctx context.Context) error { return aio.Sleep(ctx, time.Hour) })
			tg.Go(func(ctx context.Context) error {
				aio.Sleep(ctx, time.Second)
				return errEtBoom
			})
			return nil
		})
		say(ctx, "group %v", err)
		g := aio.NewAsyncGenerator(func(ctx context.Context, y *ay) error {
			for i := 0; ; i++ {
				if err := aio.Sleep(ctx, time.Second); err != nil {
					return err
				}
				if _, err := y.Yield(ctx, i); err != nil {
					return err
				}
			}
		})
		for v, err := range g.All(ctx) {
			say(ctx, "gen %d %v", v, err)
			if v == 2 {
				break
			}
		}
		v, err := aio.ToThread(ctx, func(context.Context) (int, error) { return 7, nil })
		say(ctx, "job %d %v", v, err)
		if _, err := aio.CallSoon(ctx, func() { say(ctx, "callback") }); err != nil {
			return err
		}
		if err := aio.Go(ctx, func(context.Context) error { return errEtBoom }, aio.WithName("failer")); err != nil {
			return err
		}
		return aio.Sleep(ctx, time.Second)
	}
}

func TestDebugModeDoesNotChangeWhatAProgramDoes(t *testing.T) {
	t.Setenv("AIODEBUG", "")
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			var runs [2]string
			for i, debug := range []bool{false, true} {
				var out strings.Builder
				opts := []aio.Option{aio.WithVirtualClock(), aio.WithSeed(seed), aio.WithLogger(quiet)}
				if debug {
					opts = append(opts, aio.WithDebug())
				}
				err := etRun(t, opts, dbgProgram(&out))
				runs[i] = fmt.Sprintf("%sRun: %v", out.String(), err)
			}
			if runs[0] != runs[1] {
				t.Errorf("debug mode changed the run:\nwithout:\n%s\nwith:\n%s", runs[0], runs[1])
			}
			if !strings.Contains(runs[0], `task "failer"`) {
				t.Errorf("the run does not end as planned, with the unretrieved error:\n%s", runs[0])
			}
		})
	}
}
