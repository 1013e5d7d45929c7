package aio

import (
	"context"
	"testing"
)

// TestRunNestedIsFoundOnTheStackWithoutGoroutineIdentity checks the
// fallback of architectures where goroutines have no identity: the frames it
// looks for are the ones at the bottom of a task and of the loop.
func TestRunNestedIsFoundOnTheStackWithoutGoroutineIdentity(t *testing.T) {
	if insideTaskByStack() {
		t.Fatal("found a task's frame outside any loop")
	}
	var inTask, inCallback bool
	_, err := Run(func(ctx context.Context) (int, error) {
		inTask = insideTaskByStack()
		done := NewFuture[bool]()
		if _, err := CallSoon(ctx, func() { done.SetResult(insideTaskByStack()) }); err != nil {
			return 0, err
		}
		var err error
		inCallback, err = done.Await(ctx)
		return 0, err
	}, WithVirtualClock())
	if err != nil || !inTask || !inCallback {
		t.Fatalf("Run = %v; found from a task: %v, from a callback: %v (looking for %s and %s)", err, inTask, inCallback, startLocalName, loopName)
	}
}
