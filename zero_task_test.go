package aio_test

// Zero values of the kernel's task types: every exported type works as a
// zero value or returns a clear error (asyncio: "TaskGroup has not been
// entered", test_taskgroups.py test_taskgroup_not_entered... and
// test_tasks.py's tasks that were never started).

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aio-go/aio"
)

func TestZeroTaskGroupRefusesTasks(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var tg aio.TaskGroup
		if err := tg.Go(func(context.Context) error { return nil }); !errors.Is(err, aio.ErrInvalidState) || !strings.Contains(err.Error(), "WithTaskGroup") {
			t.Errorf("Go on a zero TaskGroup = %v, want ErrInvalidState naming WithTaskGroup", err)
		}
		if _, err := aio.Spawn(&tg, func(context.Context) (int, error) { return 1, nil }); !errors.Is(err, aio.ErrInvalidState) {
			t.Errorf("Spawn on a zero TaskGroup = %v", err)
		}
		if err := tg.Start(ctx, func(context.Context, func()) error { return nil }); !errors.Is(err, aio.ErrInvalidState) {
			t.Errorf("Start on a zero TaskGroup = %v", err)
		}
		tg.Cancel(nil) // does nothing
		return nil
	})
}

func TestZeroTaskIsNeverDone(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var task aio.Task[int]
		if task.Done() || task.Cancelled() || task.Name() != "" {
			t.Errorf("zero Task: Done=%v Cancelled=%v Name=%q", task.Done(), task.Cancelled(), task.Name())
		}
		if task.Cancel(nil) {
			t.Error("Cancel of a zero Task = true")
		}
		if _, err := task.Await(ctx); !errors.Is(err, aio.ErrInvalidState) {
			t.Errorf("Await of a zero Task = %v, want ErrInvalidState", err)
		}
		if _, err := task.Result(); !errors.Is(err, aio.ErrInvalidState) {
			t.Errorf("Result of a zero Task = %v", err)
		}
		if err := task.Err(); !errors.Is(err, aio.ErrInvalidState) {
			t.Errorf("Err of a zero Task = %v", err)
		}
		wlPanicsWith(t, "CreateTask", func() { task.AddDoneCallback(func(*aio.Task[int]) {}) })
		return nil
	})
}

func TestZeroFutureWorks(t *testing.T) {
	ktRun(t, func(ctx context.Context) error {
		var f aio.Future[int]
		if _, err := aio.CreateTask(ctx, func(context.Context) (int, error) { return 0, f.SetResult(3) }); err != nil {
			return err
		}
		if v, err := f.Await(ctx); v != 3 || err != nil {
			t.Errorf("zero Future = %v, %v", v, err)
		}
		return nil
	})
}

func wlPanicsWith(t *testing.T, want string, call func()) {
	t.Helper()
	defer func() {
		t.Helper()
		if s, _ := recover().(string); !strings.Contains(s, want) {
			t.Errorf("panic %q, want one that mentions %s", s, want)
		}
	}()
	call()
}
