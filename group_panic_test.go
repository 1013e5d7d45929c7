package aio_test

// A panic in a task group's block, after CPython's test_taskgroups.py
// (test_taskgroup_14: a BaseException in the body cancels the children and
// waits for them; test_taskgroup_cancel_children_on_child_error) and trio's
// test_run.py (test_nursery_main_block_error_basic, test_cancel_scope_*):
// the nursery cancels and waits for its children whatever ends its body.

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

var errCleanupFailed = errors.New("cleanup failed")

// panickingBlock is a group's block that starts two tasks and panics a
// second later: one task cleans up for a second under a shield when
// cancelled, the other fails its cleanup.
func panickingBlock(ctx context.Context, tg *aio.TaskGroup, cleaned *bool) error {
	tg.Go(func(ctx context.Context) error {
		err := aio.Sleep(ctx, time.Hour)
		if serr := aio.Sleep(aio.Shield(ctx), time.Second); serr != nil {
			return serr
		}
		*cleaned = true
		return err
	})
	tg.Go(func(ctx context.Context) error {
		if err := aio.Sleep(ctx, time.Hour); err != nil {
			return errCleanupFailed
		}
		return nil
	})
	if err := aio.Sleep(ctx, time.Second); err != nil {
		return err
	}
	panic("boom")
}

func TestTaskGroupPanicInBlockCancelsAndWaitsForTasks(t *testing.T) {
	var cleaned bool
	var recovered any
	var at time.Duration
	err := ktRunErr(func(ctx context.Context) error {
		t0 := aio.Now(ctx)
		func() {
			defer func() {
				recovered = recover()
				at = ktSince(ctx, t0)
			}()
			aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
				return panickingBlock(ctx, tg, &cleaned)
			})
		}()
		return nil
	}, aio.WithVirtualClock())
	if recovered != "boom" {
		t.Errorf("the panic that left WithTaskGroup = %v, want the block's own value", recovered)
	}
	if !cleaned || at != 2*time.Second {
		t.Errorf("the panic left WithTaskGroup at %v with the cleanup done=%v; want 2s (after the tasks' shielded cleanup), true", at, cleaned)
	}
	if !errors.Is(err, errCleanupFailed) {
		t.Errorf("Run = %v, want the error a task returned while the group unwound", err)
	}
}

func TestTaskGroupPanicKeepsItsStack(t *testing.T) {
	// The panic goes on from the group's deferred call, before the block's
	// frames are unwound: the task's *PanicError still shows where it
	// happened.
	var cleaned bool
	task := func(ctx context.Context) (int, error) {
		return 0, aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			return panickingBlock(ctx, tg, &cleaned)
		})
	}
	_, err := aio.Run(func(ctx context.Context) (int, error) {
		tk, err := aio.CreateTask(ctx, task)
		if err != nil {
			return 0, err
		}
		_, err = tk.Await(ctx)
		return 0, err
	}, aio.WithVirtualClock())
	var pe *aio.PanicError
	if !errors.As(err, &pe) || pe.Value != "boom" {
		t.Fatalf("Run = %v, want the task's *PanicError of boom", err)
	}
	if !strings.Contains(string(pe.Stack), "panickingBlock") {
		t.Errorf("the PanicError's stack does not show the block that panicked:\n%s", pe.Stack)
	}
	if !cleaned {
		t.Error("the group did not wait for its tasks' cleanup")
	}
}

func TestTaskGroupWithoutPanicHasNoLeftoverReport(t *testing.T) {
	// The unwinding is for panics only: a group whose block returns keeps
	// reporting its tasks' errors itself, once.
	err := ktRunErr(func(ctx context.Context) error {
		err := aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			tg.Go(func(context.Context) error { return errCleanupFailed })
			return nil
		})
		if !errors.Is(err, errCleanupFailed) {
			t.Errorf("WithTaskGroup = %v", err)
		}
		return nil
	}, aio.WithVirtualClock())
	if err != nil {
		t.Errorf("Run = %v, want nil: the group's error was retrieved", err)
	}
}
