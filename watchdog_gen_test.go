package aio_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/aio-go/aio"
	"github.com/aio-go/aio/gen"
)

//go:noinline
func wgBlockingBody(reported <-chan struct{}, inTime *bool) { *inTime = etBlock(reported) }

// A task whose step blocks inside a generator it resumed: its own goroutine
// only waits for the body's, so the report adds the stack of the body that
// blocks.
func TestDebugModeWatchdogShowsTheGeneratorBodyThatBlocks(t *testing.T) {
	blocking := func(r etRecord) bool {
		return r.level >= slog.LevelWarn && r.attrs["task"] == "resumer" && strings.Contains(r.msg, "blocks the loop")
	}
	log := &etSignalLog{match: blocking, hit: make(chan struct{})}
	opts := []aio.Option{aio.WithDebug(), aio.WithSlowStep(etThreshold), aio.WithLogger(slog.New(log))}
	var inTime bool
	err := etRun(t, opts, func(ctx context.Context) error {
		g := gen.New(func(y *gen.Yielder[int, struct{}]) (struct{}, error) {
			wgBlockingBody(log.hit, &inTime)
			return struct{}{}, nil
		})
		task, err := aio.CreateTask(ctx, func(context.Context) (int, error) {
			g.Next() //nolint:errcheck // the body returns: a StopIteration
			return 0, g.Close()
		}, aio.WithName("resumer"))
		if err != nil {
			return err
		}
		_, err = task.Await(ctx)
		return err
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if !inTime {
		t.Fatalf("no report while the body blocked the loop; records: %+v", log.records())
	}
	var report etRecord
	for _, r := range log.records() {
		if blocking(r) {
			report = r
		}
	}
	if !strings.Contains(report.attrs["stack"], "[coroutine]") {
		t.Errorf("stack = %q, want the task's goroutine waiting in a coroutine switch", report.attrs["stack"])
	}
	body := report.attrs["generator_stack"]
	if !strings.Contains(body, "wgBlockingBody") || !strings.Contains(body, "[select") {
		t.Errorf("generator_stack = %q, want the body blocked in wgBlockingBody's select", body)
	}
}
