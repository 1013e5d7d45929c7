package aio_test

// Debug mode's watchdog: a step that blocks the loop is reported while it
// still runs, with the task's name, where the step began and the stack of
// the goroutine running it, once per step however long it blocks (unlike
// Temporal's deadlock detector, which fails a workflow that is merely
// slow). The tests run on the real clock with a small threshold: the step
// blocks on a channel that the log handler releases once the report is
// logged, so a missing report fails the test instead of hanging it.

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

// etSignalLog is an etLog that closes hit at the first record for which
// match holds.
type etSignalLog struct {
	etLog
	match func(etRecord) bool
	hit   chan struct{}
	once  sync.Once
}

func (h *etSignalLog) Handle(ctx context.Context, r slog.Record) error {
	h.etLog.Handle(ctx, r)
	recs := h.records()
	if h.match(recs[len(recs)-1]) {
		h.once.Do(func() { close(h.hit) })
	}
	return nil
}

func (h *etSignalLog) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *etSignalLog) WithGroup(string) slog.Handler      { return h }

// etBlock blocks the loop's thread until the watchdog's report comes, and
// tells whether it came; after the report the step goes on blocking for
// several watchdog periods, which must not be reported again.
func etBlock(reported <-chan struct{}) bool {
	select {
	case <-reported:
		<-time.After(10 * etThreshold) // still blocking, already reported
		return true
	case <-time.After(etPatience / 2):
		return false
	}
}

func TestDebugModeWatchdogReportsABlockedStepWhileItRuns(t *testing.T) {
	cases := []struct {
		name string
		what string // the attribute that names the blocking step
		// main blocks the loop in one step, named name, and returns where
		// that step began and whether the report came while it blocked.
		main func(ctx context.Context, reported <-chan struct{}) (began string, inTime bool, err error)
	}{
		{"a task blocked in its first step", "task", func(ctx context.Context, reported <-chan struct{}) (string, bool, error) {
			var inTime bool
			created := etNextLine()
			task, err := aio.CreateTask(ctx, func(context.Context) (int, error) {
				inTime = etBlock(reported)
				return 0, nil
			}, aio.WithName("blocker"))
			if err != nil {
				return "", false, err
			}
			_, err = task.Await(ctx)
			return created, inTime, err
		}},
		{"a task blocked after an await", "task", func(ctx context.Context, reported <-chan struct{}) (string, bool, error) {
			var inTime bool
			var resumed string
			task, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
				resumed = etNextLine()
				if err := aio.Sleep(ctx, time.Millisecond); err != nil {
					return 0, err
				}
				inTime = etBlock(reported)
				return 0, nil
			}, aio.WithName("blocker"))
			if err != nil {
				return "", false, err
			}
			_, err = task.Await(ctx)
			return resumed, inTime, err
		}},
		{"a callback", "callback", func(ctx context.Context, reported <-chan struct{}) (string, bool, error) {
			var inTime bool
			done := aio.NewFuture[struct{}]()
			_, err := aio.CallSoon(ctx, func() {
				inTime = etBlock(reported)
				done.SetResult(struct{}{})
			})
			if err != nil {
				return "", false, err
			}
			_, err = done.Await(ctx)
			return "", inTime, err
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			blocking := func(r etRecord) bool {
				return r.level >= slog.LevelWarn && r.attrs[c.what] != "" && strings.Contains(r.msg, "blocks the loop")
			}
			log := &etSignalLog{match: blocking, hit: make(chan struct{})}
			opts := []aio.Option{aio.WithDebug(), aio.WithSlowStep(etThreshold), aio.WithLogger(slog.New(log))}
			var (
				began  string
				inTime bool
			)
			err := etRun(t, opts, func(ctx context.Context) error {
				var err error
				began, inTime, err = c.main(ctx, log.hit)
				return err
			})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if !inTime {
				t.Fatalf("no report while the step blocked the loop; records: %+v", log.records())
			}
			// One report from the watchdog, however long the step blocks;
			// the slow-step warning at the step's end says it was reported.
			var reports, took []etRecord
			for _, r := range log.records() {
				switch {
				case blocking(r):
					reports = append(reports, r)
				case r.level >= slog.LevelWarn && strings.Contains(r.msg, " took "):
					took = append(took, r)
				}
			}
			if len(reports) != 1 {
				t.Fatalf("want one report from the watchdog for a step blocked for over 10 watchdog periods; got %+v", reports)
			}
			if len(took) != 1 || took[0].attrs["reported_while_running"] != "true" {
				t.Errorf("want one slow-step warning at the step's end, with reported_while_running=true; got %+v", took)
			}
			r := reports[0]
			if c.what == "task" {
				if r.attrs["task"] != "blocker" {
					t.Errorf("task = %q, want blocker", r.attrs["task"])
				}
				if !strings.Contains(r.attrs["step_began_at"], began) {
					t.Errorf("step_began_at = %q, want it to show %s", r.attrs["step_began_at"], began)
				}
			}
			stack := r.attrs["stack"]
			if !strings.HasPrefix(stack, "goroutine ") || !strings.Contains(stack, "[select") || !strings.Contains(stack, "aio_test.etBlock") {
				t.Errorf("stack = %q, want the stack of the goroutine blocked in etBlock's select", stack)
			}
			if strings.Count(stack, "\ngoroutine ") > 0 {
				t.Errorf("stack shows several goroutines, want only the one running the step:\n%s", stack)
			}
		})
	}
}
