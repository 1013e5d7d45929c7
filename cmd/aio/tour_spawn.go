package main

// The talk's part "Asyncio and task spawn": a task created and forgotten is
// a goto; either finalize it by hand, or let a nursery (aio.TaskGroup) own
// it, so that no task outlives the block that started it and no error is
// lost.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aio-go/aio"
)

// spawnManualFinalization mirrors the slide "Solutions: manual":
//
//	async def background():
//	    try:
//	        trace("background enter")
//	        await asyncio.sleep(1)
//	        trace("background exit")
//	    finally:
//	        trace("background finally")
//
//	async def a():
//	    t = asyncio.create_task(background())
//	    try:
//	        await asyncio.sleep(0.3)
//	        trace("a done with its work")
//	    finally:
//	        t.cancel()
//	        await asyncio.wait([t])
//	        trace(f"background cancelled: {t.cancelled()}")
//
//	asyncio.run(a())
func spawnManualFinalization(tc *tourContext) error {
	background := func(ctx context.Context) (struct{}, error) {
		defer tc.atrace(ctx, "background finally")
		tc.atrace(ctx, "background enter")
		if err := aio.Sleep(ctx, time.Second); err != nil {
			return struct{}{}, err
		}
		tc.atrace(ctx, "background exit")
		return struct{}{}, nil
	}

	return tc.loop(func(ctx context.Context) (err error) {
		t, err := aio.CreateTask(ctx, background)
		if err != nil {
			return err
		}
		defer func() {
			t.Cancel(nil)
			if _, _, werr := aio.Wait(ctx, []*aio.Task[struct{}]{t}, aio.AllCompleted, 0); werr != nil {
				err = errors.Join(err, werr)
			}
			tc.atrace(ctx, fmt.Sprintf("background cancelled: %s", pyBool(t.Cancelled())))
		}()
		if err := aio.Sleep(ctx, 300*time.Millisecond); err != nil {
			return err
		}
		tc.atrace(ctx, "a done with its work")
		return nil
	})
}

// taskgroupError mirrors asyncio.TaskGroup (Python 3.11), the structured
// answer to the same problem:
//
//	async def ok(name, d):
//	    try:
//	        await asyncio.sleep(d)
//	        trace(f"{name} done")
//	    except asyncio.CancelledError:
//	        trace(f"{name} cancelled")
//	        raise
//
//	async def boom():
//	    await asyncio.sleep(0.2)
//	    raise ValueError("boom")
//
//	async def main():
//	    try:
//	        async with asyncio.TaskGroup() as tg:
//	            tg.create_task(ok("fast", 0.1))
//	            tg.create_task(ok("slow", 1))
//	            tg.create_task(boom())
//	    except* ValueError as eg:
//	        trace(f"group failed: {[str(e) for e in eg.exceptions]}")
func taskgroupError(tc *tourContext) error {
	ok := func(name string, d time.Duration) func(context.Context) error {
		return func(ctx context.Context) error {
			if err := aio.Sleep(ctx, d); err != nil {
				tc.atrace(ctx, name+" cancelled")
				return err
			}
			tc.atrace(ctx, name+" done")
			return nil
		}
	}
	boom := func(ctx context.Context) error {
		if err := aio.Sleep(ctx, 200*time.Millisecond); err != nil {
			return err
		}
		return errors.New("boom")
	}

	return tc.loop(func(ctx context.Context) error {
		err := aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			return errors.Join(tg.Go(ok("fast", 100*time.Millisecond)),
				tg.Go(ok("slow", time.Second)),
				tg.Go(boom))
		})
		var eg *aio.GroupError
		if !errors.As(err, &eg) {
			return err
		}
		quoted := make([]string, len(eg.Errs))
		for i, e := range eg.Errs {
			quoted[i] = "'" + e.Error() + "'"
		}
		tc.atrace(ctx, "group failed: ["+strings.Join(quoted, ", ")+"]")
		return nil
	})
}

// trioNursery mirrors the slide "Solutions: trio", with aio's TaskGroup as
// the nursery:
//
//	async with trio.open_nursery() as n:
//	    n.start_soon(self.a)
//	    n.start_soon(self.b)
//	trace("nursery closed")
//
// trio starts the tasks of a nursery in a random order; aio's ready queue is
// FIFO, so a enters before b here on every run (WithSeed shuffles it).
func trioNursery(tc *tourContext) error {
	a := func(ctx context.Context) error {
		tc.atrace(ctx, "a enter")
		if err := aio.Sleep(ctx, time.Second); err != nil {
			return err
		}
		tc.atrace(ctx, "a exit")
		return nil
	}
	b := bSleeper(tc)

	return tc.loop(func(ctx context.Context) error {
		err := aio.WithTaskGroup(ctx, func(ctx context.Context, n *aio.TaskGroup) error {
			if err := n.Go(a); err != nil {
				return err
			}
			_, err := aio.Spawn(n, b)
			return err
		})
		if err != nil {
			return err
		}
		tc.atrace(ctx, "nursery closed")
		return nil
	})
}
