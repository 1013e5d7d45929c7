package main

// The talk's part "Asyncio", run on aio's kernel: a coroutine function is a
// Go func(ctx) (T, error), await is a blocking call that takes ctx, and the
// loop is aio.Run. The times print as asyncio's do because aio's loop works
// the same way: one task runs at a time, and the loop sleeps until the
// earliest timer.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aio-go/aio"
)

// loop runs main as the main task of an aio loop, asyncio.run: on the
// virtual clock when the tour's clock is virtual, so the tests get exact
// times, and on the real clock otherwise. trace then prints the loop's time.
func (tc *tourContext) loop(main func(ctx context.Context) error) error {
	var opts []aio.Option
	if _, virtual := tc.clock.(*virtualClock); virtual {
		opts = append(opts, aio.WithVirtualClock())
	}
	_, err := aio.Run(func(ctx context.Context) (struct{}, error) {
		tc.loopStart = aio.Now(ctx)
		return struct{}{}, main(ctx)
	}, opts...)
	return err
}

// atrace is trace for code running on the loop: the loop's clock says when.
func (tc *tourContext) atrace(ctx context.Context, msg string) {
	tc.printf("%.3f %s\n", aio.Now(ctx).Sub(tc.loopStart).Seconds(), msg)
}

// bSleeper is the talk's b, shared by the asyncio sections:
//
//	async def b():
//	    trace("b enter")
//	    await asyncio.sleep(.5)
//	    trace("b middle")
//	    await asyncio.sleep(.5)
//	    trace("b exit")
func bSleeper(tc *tourContext) func(ctx context.Context) (struct{}, error) {
	return func(ctx context.Context) (struct{}, error) {
		tc.atrace(ctx, "b enter")
		if err := aio.Sleep(ctx, 500*time.Millisecond); err != nil {
			return struct{}{}, err
		}
		tc.atrace(ctx, "b middle")
		if err := aio.Sleep(ctx, 500*time.Millisecond); err != nil {
			return struct{}{}, err
		}
		tc.atrace(ctx, "b exit")
		return struct{}{}, nil
	}
}

// asyncioGather mirrors:
//
//	async def a():
//	    trace("a enter")
//	    await asyncio.sleep(1)
//	    trace("a exit")
//
//	async def main():
//	    return await asyncio.gather(a(), b())
//
//	asyncio.run(main())
func asyncioGather(tc *tourContext) error {
	a := func(ctx context.Context) (struct{}, error) {
		tc.atrace(ctx, "a enter")
		if err := aio.Sleep(ctx, time.Second); err != nil {
			return struct{}{}, err
		}
		tc.atrace(ctx, "a exit")
		return struct{}{}, nil
	}

	return tc.loop(func(ctx context.Context) error {
		_, err := aio.Gather(ctx, a, bSleeper(tc))
		return err
	})
}

// asyncioTaskCancel mirrors the slide's `asyncio.create_task(a())` with its
// note "there is cancel; asyncio.CancelledError is raised":
//
//	async def worker():
//	    try:
//	        trace("worker enter")
//	        await asyncio.sleep(10)
//	    except asyncio.CancelledError:
//	        trace("worker cancelled")
//	        raise
//
//	async def main():
//	    t = asyncio.create_task(worker())
//	    await asyncio.sleep(0.5)
//	    t.cancel()
//	    try:
//	        await t
//	    except asyncio.CancelledError:
//	        trace(f"task cancelled: {t.cancelled()}")
//
// Go has no exceptions: the cancelled sleep returns an error for which
// errors.Is(err, aio.ErrCancelled) holds, and returning it is `raise`.
func asyncioTaskCancel(tc *tourContext) error {
	worker := func(ctx context.Context) (struct{}, error) {
		tc.atrace(ctx, "worker enter")
		err := aio.Sleep(ctx, 10*time.Second)
		if errors.Is(err, aio.ErrCancelled) {
			tc.atrace(ctx, "worker cancelled")
		}
		return struct{}{}, err
	}

	return tc.loop(func(ctx context.Context) error {
		t, err := aio.CreateTask(ctx, worker)
		if err != nil {
			return err
		}
		if err := aio.Sleep(ctx, 500*time.Millisecond); err != nil {
			return err
		}
		t.Cancel(nil)
		if _, err := t.Await(ctx); errors.Is(err, aio.ErrCancelled) {
			tc.atrace(ctx, fmt.Sprintf("task cancelled: %s", pyBool(t.Cancelled())))
			return nil
		}
		return err
	})
}

// pyBool prints a bool as Python does.
func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}
