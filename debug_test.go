package aio_test

// Debug mode (WithDebug, AIODEBUG=1), after CPython's
// Lib/test/test_asyncio/test_base_events.py (test_log_slow_callbacks,
// test_set_debug, test_env_var_debug) and test_tasks.py
// (test_log_destroyed_pending_task, test_exception_traceback /
// "Task exception was never retrieved" with its source traceback).
//
// The warnings are read from a slog.Handler that records them, never from
// parsed output.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

// etRecord is what etLog keeps of a slog record.
type etRecord struct {
	level slog.Level
	msg   string
	attrs map[string]string
}

// etLog is a slog.Handler that records every record, for the tests to read.
type etLog struct {
	mu   sync.Mutex
	recs []etRecord
}

func (h *etLog) Enabled(context.Context, slog.Level) bool { return true }

func (h *etLog) Handle(_ context.Context, r slog.Record) error {
	rec := etRecord{level: r.Level, msg: r.Message, attrs: map[string]string{}}
	r.Attrs(func(a slog.Attr) bool {
		rec.attrs[a.Key] = a.Value.Resolve().String()
		return true
	})
	h.mu.Lock()
	h.recs = append(h.recs, rec)
	h.mu.Unlock()
	return nil
}

func (h *etLog) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *etLog) WithGroup(string) slog.Handler      { return h }

func (h *etLog) records() []etRecord {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]etRecord(nil), h.recs...)
}

// about returns the records whose task attribute is name.
func (h *etLog) about(name string) []etRecord {
	var out []etRecord
	for _, r := range h.records() {
		if r.attrs["task"] == name {
			out = append(out, r)
		}
	}
	return out
}

// etNextLine returns "file:line" of the line after its caller's: the place
// of the call that the caller is about to make.
func etNextLine() string {
	_, file, line, _ := runtime.Caller(1)
	return fmt.Sprintf("%s:%d", file, line+1)
}

// etSlowStepWarnings leaves out of recs the watchdog's reports, which come
// only if a slow step is still running when the watchdog looks (see
// watchdog_test.go): the slow-step warning at the step's end comes in any
// case.
func etSlowStepWarnings(recs []etRecord) []etRecord {
	var out []etRecord
	for _, r := range recs {
		if !strings.HasSuffix(r.msg, "blocks the loop") {
			out = append(out, r)
		}
	}
	return out
}

// etSlowStep is how long the slow steps of these tests block the loop, twice
// the threshold they set.
const (
	etSlowStep  = 40 * time.Millisecond
	etThreshold = 20 * time.Millisecond
)

func TestDebugModeWarnsOnceAboutAStepThatHeldTheLoop(t *testing.T) {
	modes := []struct {
		name   string
		env    string
		option bool
	}{
		{"WithDebug", "", true},
		{"AIODEBUG=1", "1", false},
	}
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			t.Setenv("AIODEBUG", m.env)
			log := &etLog{}
			opts := []aio.Option{aio.WithVirtualClock(), aio.WithSlowStep(etThreshold), aio.WithLogger(slog.New(log))}
			if m.option {
				opts = append(opts, aio.WithDebug())
			}
			var createdA, createdB, resumedB string
			err := etRun(t, opts, func(ctx context.Context) error {
				// a blocks the loop in its first step, b after an await.
				slowA := func(ctx context.Context) (int, error) {
					time.Sleep(etSlowStep)
					return 0, nil
				}
				slowB := func(ctx context.Context) (int, error) {
					resumedB = etNextLine()
					if err := aio.Sleep(ctx, time.Second); err != nil {
						return 0, err
					}
					time.Sleep(etSlowStep)
					return 0, nil
				}
				createdA = etNextLine()
				a, err := aio.CreateTask(ctx, slowA, aio.WithName("a"))
				if err != nil {
					return err
				}
				createdB = etNextLine()
				b, err := aio.CreateTask(ctx, slowB, aio.WithName("b"))
				if err != nil {
					return err
				}
				if _, err := a.Await(ctx); err != nil {
					return err
				}
				_, err = b.Await(ctx)
				return err
			})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			for _, c := range []struct{ task, created, began string }{
				{"a", createdA, createdA}, // its first step begins where it was created
				{"b", createdB, resumedB},
			} {
				recs := etSlowStepWarnings(log.about(c.task))
				if len(recs) != 1 {
					t.Errorf("task %s: %d records, want 1 slow-step warning: %+v", c.task, len(recs), recs)
					continue
				}
				r := recs[0]
				if r.level != slog.LevelWarn {
					t.Errorf("task %s: level %v, want WARN", c.task, r.level)
				}
				re := regexp.MustCompile(`^executing task ` + c.task + ` took (\d+\.\d{3}) seconds$`)
				m := re.FindStringSubmatch(r.msg)
				if m == nil {
					t.Errorf("task %s: message %q, want \"executing task %s took S.SSS seconds\"", c.task, r.msg, c.task)
				} else if s, _ := time.ParseDuration(m[1] + "s"); s < etSlowStep-time.Millisecond {
					t.Errorf("task %s: message says %ss, but the step took at least %v", c.task, m[1], etSlowStep)
				}
				if !strings.Contains(r.attrs["step_began_at"], c.began) {
					t.Errorf("task %s: step_began_at = %q, want it to show %s", c.task, r.attrs["step_began_at"], c.began)
				}
				if !strings.Contains(r.attrs["created_at"], c.created) {
					t.Errorf("task %s: created_at = %q, want it to show %s", c.task, r.attrs["created_at"], c.created)
				}
			}
		})
	}
}

func TestDebugModeDoesNotWarnAboutFastSteps(t *testing.T) {
	log := &etLog{}
	// The default threshold (100ms): these steps take microseconds.
	opts := []aio.Option{aio.WithVirtualClock(), aio.WithDebug(), aio.WithLogger(slog.New(log))}
	err := etRun(t, opts, func(ctx context.Context) error {
		_, err := aio.Gather(ctx, etSleepy(3), etSleepy(5), etSleepy(7))
		return err
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if recs := log.records(); len(recs) != 0 {
		t.Errorf("fast steps were reported: %+v", recs)
	}
}

// etSleepy returns a coroutine function that takes n short steps.
func etSleepy(n int) func(context.Context) (int, error) {
	return func(ctx context.Context) (int, error) {
		for range n {
			if err := aio.Sleep(ctx, time.Second); err != nil {
				return 0, err
			}
		}
		return n, nil
	}
}

func TestWithoutDebugModeNothingIsLogged(t *testing.T) {
	t.Setenv("AIODEBUG", "")
	log := &etLog{}
	opts := []aio.Option{aio.WithVirtualClock(), aio.WithSlowStep(etThreshold), aio.WithLogger(slog.New(log))}
	err := etRun(t, opts, func(ctx context.Context) error {
		// A slow step, a task left pending, an error nobody retrieves:
		// each would be reported in debug mode.
		time.Sleep(etSlowStep)
		if err := aio.Go(ctx, func(ctx context.Context) error { return aio.Sleep(ctx, time.Hour) }, aio.WithName("pending")); err != nil {
			return err
		}
		if err := aio.Go(ctx, func(context.Context) error { return errEtBoom }, aio.WithName("failer")); err != nil {
			return err
		}
		return aio.Sleep(ctx, time.Second)
	})
	var te *aio.TaskError
	if !errors.As(err, &te) || te.Task != "failer" {
		t.Errorf("Run = %v, want the unretrieved error of task failer (reported in every mode)", err)
	}
	if recs := log.records(); len(recs) != 0 {
		t.Errorf("without debug mode, records were logged: %+v", recs)
	}
}

func TestDebugModeReportsTasksStillPendingWhenMainReturns(t *testing.T) {
	log := &etLog{}
	opts := []aio.Option{aio.WithVirtualClock(), aio.WithDebug(), aio.WithLogger(slog.New(log))}
	var created string
	err := etRun(t, opts, func(ctx context.Context) error {
		sleeper := func(ctx context.Context) (int, error) { return 0, aio.Sleep(ctx, time.Hour) }
		created = etNextLine()
		if _, err := aio.CreateTask(ctx, sleeper, aio.WithName("sleeper")); err != nil {
			return err
		}
		return aio.Sleep(ctx, time.Second)
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	recs := log.about("sleeper")
	if len(recs) != 1 {
		t.Fatalf("%d records about the pending task, want 1: %+v", len(recs), log.records())
	}
	r := recs[0]
	if r.level < slog.LevelWarn || !strings.Contains(r.msg, "pending") {
		t.Errorf("record %v %q, want a warning that the task is pending", r.level, r.msg)
	}
	if !strings.Contains(r.attrs["created_at"], created) {
		t.Errorf("created_at = %q, want it to show %s", r.attrs["created_at"], created)
	}
}

func TestDebugModeLogsAnUnretrievedErrorWithItsCreationSite(t *testing.T) {
	log := &etLog{}
	opts := []aio.Option{aio.WithVirtualClock(), aio.WithDebug(), aio.WithLogger(slog.New(log))}
	var created string
	err := etRun(t, opts, func(ctx context.Context) error {
		failer := func(context.Context) (int, error) { return 0, errEtBoom }
		created = etNextLine()
		if _, err := aio.CreateTask(ctx, failer, aio.WithName("failer")); err != nil {
			return err
		}
		return aio.Sleep(ctx, time.Second)
	})
	if !errors.Is(err, errEtBoom) {
		t.Errorf("Run = %v, want the unretrieved error", err)
	}
	recs := log.about("failer")
	if len(recs) != 1 {
		t.Fatalf("%d records about the failed task, want 1: %+v", len(recs), log.records())
	}
	r := recs[0]
	if r.level != slog.LevelError || !strings.Contains(r.msg, "never retrieved") {
		t.Errorf("record %v %q, want an error that the task's error was never retrieved", r.level, r.msg)
	}
	if !strings.Contains(r.attrs["error"], errEtBoom.Error()) {
		t.Errorf("error attribute = %q, want it to show %v", r.attrs["error"], errEtBoom)
	}
	if !strings.Contains(r.attrs["created_at"], created) {
		t.Errorf("created_at = %q, want it to show %s", r.attrs["created_at"], created)
	}
}

func TestDebugModeWarnsAboutASlowCallback(t *testing.T) {
	// asyncio's test_log_slow_callbacks: a callback that blocks the loop
	// blocks every task, exactly as a slow step of a task does.
	log := &etLog{}
	opts := []aio.Option{aio.WithVirtualClock(), aio.WithDebug(), aio.WithSlowStep(etThreshold), aio.WithLogger(slog.New(log))}
	err := etRun(t, opts, func(ctx context.Context) error {
		if _, err := aio.CallSoon(ctx, func() { time.Sleep(etSlowStep) }); err != nil {
			return err
		}
		return aio.Sleep(ctx, time.Second)
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	var warnings []etRecord
	for _, r := range etSlowStepWarnings(log.records()) {
		if r.level >= slog.LevelWarn && strings.Contains(r.msg, "took") {
			warnings = append(warnings, r)
		}
	}
	if len(warnings) != 1 {
		t.Errorf("a callback held the loop for %v (threshold %v): %d slow warnings, want 1: %+v",
			etSlowStep, etThreshold, len(warnings), log.records())
	}
}
