package aio

import (
	"context"
	"testing"
	"time"

	"github.com/aio-go/aio/internal/coro"
)

// burst runs n tasks that each sleep a second on l's clock, waits for them,
// then lets the loop go idle once more (Sleep), and returns how many idle
// coroutines the loop kept.
func burst(ctx context.Context, l *Loop, n int) (int, error) {
	fns := make([]func(context.Context) (struct{}, error), n)
	for i := range fns {
		fns[i] = func(ctx context.Context) (struct{}, error) { return struct{}{}, Sleep(ctx, time.Second) }
	}
	if _, err := Gather(ctx, fns...); err != nil {
		return 0, err
	}
	if err := Sleep(ctx, time.Second); err != nil {
		return 0, err
	}
	return l.pool.Idle(), nil
}

// TestTheLoopKeepsABurstsCoroutinesForTheNextBurst: the loop trims its idle
// coroutines when it goes idle, but not below the most tasks live at once
// during the current trim period or the one before, so that a burst that
// comes back (a tree of tasks run again and again) finds them; once two
// periods have passed without such a burst, they go.
func TestTheLoopKeepsABurstsCoroutinesForTheNextBurst(t *testing.T) {
	const n = 4 * coro.DefaultSize
	_, err := Run(func(ctx context.Context) (struct{}, error) {
		l, err := GetRunningLoop(ctx)
		if err != nil {
			return struct{}{}, err
		}
		for round := range 3 {
			idle, err := burst(ctx, l, n)
			if err != nil {
				return struct{}{}, err
			}
			if idle < n {
				t.Errorf("round %d: %d idle coroutines after a burst of %d tasks, want at least %d", round, idle, n, n)
			}
		}
		for range 2 { // two trim periods pass with no burst
			l.trimAt = time.Now().Add(-time.Nanosecond)
			l.trimPool()
		}
		if idle := l.pool.Idle(); idle > coro.DefaultSize {
			t.Errorf("%d idle coroutines two trim periods after the burst, want at most %d", idle, coro.DefaultSize)
		}
		return struct{}{}, nil
	}, WithVirtualClock())
	if err != nil {
		t.Fatal(err)
	}
}
