package aio_test

// Helpers for the tests of the synchronisation primitives. Each
// primitive's rules are in its own file (lock_test.go, event_test.go,
// ...); the rules that every lock-like one keeps are in locklike_test.go,
// the randomized schedules in sync_fuzz_test.go.

import (
	"context"
	"testing"

	"github.com/aio-go/aio"
)

// syGo starts fn as a task named name.
func syGo(t *testing.T, ctx context.Context, name string, fn func(ctx context.Context) error) *aio.Task[struct{}] {
	t.Helper()
	task, err := aio.CreateTask(ctx, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, fn(ctx)
	}, aio.WithName(name))
	if err != nil {
		t.Fatalf("CreateTask(%s): %v", name, err)
	}
	return task
}

// sySteps lets the loop run n steps.
func sySteps(t *testing.T, ctx context.Context, n int) {
	t.Helper()
	for range n {
		if err := aio.Sleep(ctx, 0); err != nil {
			t.Fatalf("Sleep(0): %v", err)
		}
	}
}

// syAwaitErr awaits task and returns its error.
func syAwaitErr(ctx context.Context, task *aio.Task[struct{}]) error {
	_, err := task.Await(ctx)
	return err
}
