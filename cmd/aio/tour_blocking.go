package main

// The talk's part "Asyncio and non-asyncio-aware code": a task that calls a
// blocking function blocks the whole loop; debug mode says so; an executor
// moves the blocking call off the loop. These sections run on the real
// clock even under --virtual: what they show is real time being lost.

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/aio-go/aio"
)

// realLoop runs main on an aio loop with the real clock, with opts.
func (tc *tourContext) realLoop(main func(ctx context.Context) error, opts ...aio.Option) error {
	_, err := aio.Run(func(ctx context.Context) (struct{}, error) {
		tc.loopStart = aio.Now(ctx)
		return struct{}{}, main(ctx)
	}, opts...)
	return err
}

// asyncioBlocking mirrors:
//
//	async def a():
//	    trace("a enter")
//	    time.sleep(1)
//	    trace("a exit")
//
//	async def main():
//	    return await asyncio.gather(a(), b())
//
// time.Sleep is Go's time.sleep: it blocks the loop's thread, so b cannot
// even start until a is done.
func asyncioBlocking(tc *tourContext) error {
	a := func(ctx context.Context) (struct{}, error) {
		tc.atrace(ctx, "a enter")
		time.Sleep(time.Second)
		tc.atrace(ctx, "a exit")
		return struct{}{}, nil
	}

	return tc.realLoop(func(ctx context.Context) error {
		_, err := aio.Gather(ctx, a, bSleeper(tc))
		return err
	})
}

// asyncioDebug mirrors PYTHONASYNCIODEBUG=1 catching the same mistake:
//
//	async def a():
//	    time.sleep(0.2)
//
//	async def main():
//	    await asyncio.create_task(a(), name="a")
//
//	asyncio.run(main(), debug=True)
//
// aio's debug mode (aio.WithDebug, or AIODEBUG=1) logs the slow step through
// log/slog; the tour's handler prints it in the reference's form.
func asyncioDebug(tc *tourContext) error {
	a := func(ctx context.Context) (struct{}, error) {
		time.Sleep(200 * time.Millisecond)
		return struct{}{}, nil
	}

	log := slog.New(shortHandler{tc.out})
	return tc.realLoop(func(ctx context.Context) error {
		t, err := aio.CreateTask(ctx, a, aio.WithName("a"))
		if err != nil {
			return err
		}
		_, err = t.Await(ctx)
		return err
	}, aio.WithDebug(), aio.WithLogger(log))
}

// shortHandler prints a warning as "WARNING <message>", as the reference's
// logging handler does.
type shortHandler struct{ out io.Writer }

func (shortHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h shortHandler) Handle(_ context.Context, r slog.Record) error {
	if strings.HasSuffix(r.Message, "blocks the loop") {
		// aio's watchdog reports the step while it still blocks; CPython
		// has no such report, so the tour leaves it out.
		return nil
	}
	level := r.Level.String()
	if r.Level == slog.LevelWarn {
		level = "WARNING"
	}
	_, err := fmt.Fprintf(h.out, "%s %s\n", level, strings.TrimSpace(r.Message))
	return err
}

func (h shortHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h shortHandler) WithGroup(string) slog.Handler      { return h }

// asyncioExecutor mirrors the slide that moves the blocking call off the
// loop:
//
//	async def a():
//	    trace("a enter")
//	    loop = asyncio.get_running_loop()
//	    await loop.run_in_executor(None, time.sleep, 1)
//	    trace("a exit")
//
// aio.ToThread runs it on the loop's default executor (a bounded pool of
// goroutines) while b goes on.
func asyncioExecutor(tc *tourContext) error {
	a := func(ctx context.Context) (struct{}, error) {
		tc.atrace(ctx, "a enter")
		_, err := aio.ToThread(ctx, func(context.Context) (struct{}, error) {
			time.Sleep(time.Second)
			return struct{}{}, nil
		})
		if err != nil {
			return struct{}{}, err
		}
		tc.atrace(ctx, "a exit")
		return struct{}{}, nil
	}

	return tc.realLoop(func(ctx context.Context) error {
		_, err := aio.Gather(ctx, a, bSleeper(tc))
		return err
	})
}
