package aio_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/aio-go/aio"
)

// A blocking call (a file read, a system call, a long computation) in a task
// would block every task of the loop; ToThread runs it on the loop's
// default executor while the loop goes on.
func ExampleToThread() {
	sum, err := aio.Run(func(ctx context.Context) (int, error) {
		return aio.ToThread(ctx, func(ctx context.Context) (int, error) {
			n := 0
			for i := 1; i <= 1_000_000; i++ { // CPU-heavy: in Go, it runs in parallel
				n += i
			}
			return n, nil
		})
	}, aio.WithVirtualClock())
	fmt.Println(sum, err)
	// Output: 500000500000 <nil>
}

// RunInExecutor hands jobs to an executor of one's own: here a pool of two
// workers, a bound on how many run at once (connections to a slow service).
func ExampleRunInExecutor() {
	pool := aio.NewPoolExecutor(2)
	defer pool.Shutdown(context.Background())
	squares, err := aio.Run(func(ctx context.Context) ([]int, error) {
		square := func(n int) func(context.Context) (int, error) {
			return func(ctx context.Context) (int, error) {
				return aio.RunInExecutor(ctx, pool, func(context.Context) (int, error) {
					return n * n, nil
				})
			}
		}
		return aio.Gather(ctx, square(1), square(2), square(3), square(4))
	}, aio.WithVirtualClock())
	fmt.Println(squares, err)
	// Output: [1 4 9 16] <nil>
}

// CallSoonThreadsafe is how a goroutine that is not the loop's (a callback
// of a Go library, a signal handler) hands work to the loop.
func ExampleLoop_CallSoonThreadsafe() {
	msg, err := aio.Run(func(ctx context.Context) (string, error) {
		loop, err := aio.GetRunningLoop(ctx)
		if err != nil {
			return "", err
		}
		done := aio.NewFuture[string]()
		go func() {
			// Futures belong to the loop: set it from a callback of the
			// loop, not from this goroutine.
			loop.CallSoonThreadsafe(func() { done.SetResult("hello from a goroutine") })
		}()
		return done.Await(ctx)
	})
	fmt.Println(msg, err)
	// Output: hello from a goroutine <nil>
}

// RunCoroutineThreadsafe starts a task on a running loop from any goroutine;
// the goroutine waits for its outcome with a Go context.
func ExampleRunCoroutineThreadsafe() {
	aio.Run(func(ctx context.Context) (int, error) {
		loop, err := aio.GetRunningLoop(ctx)
		if err != nil {
			return 0, err
		}
		finished := aio.NewFuture[struct{}]()
		go func() {
			f, err := aio.RunCoroutineThreadsafe(loop, func(ctx context.Context) (int, error) {
				fmt.Println("the task runs on the loop")
				return 42, aio.Sleep(ctx, time.Millisecond)
			})
			if err != nil {
				fmt.Println(err)
				return
			}
			waitCtx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			v, err := f.Wait(waitCtx)
			fmt.Println("the goroutine got", v, err)
			loop.CallSoonThreadsafe(func() { finished.SetResult(struct{}{}) })
		}()
		_, err = finished.Await(ctx)
		return 0, err
	})
	// Output:
	// the task runs on the loop
	// the goroutine got 42 <nil>
}

// slowStepPrinter is a slog.Handler that prints which task a slow-step
// warning is about; the seconds in the message vary from run to run. It
// leaves out the watchdog's report, which comes only if the step is still
// running when the watchdog looks.
type slowStepPrinter struct{}

func (slowStepPrinter) Enabled(context.Context, slog.Level) bool { return true }
func (slowStepPrinter) WithAttrs([]slog.Attr) slog.Handler       { return slowStepPrinter{} }
func (slowStepPrinter) WithGroup(string) slog.Handler            { return slowStepPrinter{} }
func (slowStepPrinter) Handle(_ context.Context, r slog.Record) error {
	if !strings.HasPrefix(r.Message, "executing task") {
		return nil
	}
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "task" {
			fmt.Println(r.Level, "slow step in task", a.Value)
		}
		return true
	})
	return nil
}

// Debug mode (or AIODEBUG=1 in the environment) warns about a step that held
// the loop longer than the threshold: here task a calls time.Sleep, which
// blocks every task of the loop, instead of aio.Sleep.
func ExampleWithDebug() {
	aio.Run(func(ctx context.Context) (int, error) {
		a, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			time.Sleep(100 * time.Millisecond) // blocks the loop
			return 0, nil
		}, aio.WithName("a"))
		if err != nil {
			return 0, err
		}
		return a.Await(ctx)
	}, aio.WithDebug(), aio.WithSlowStep(50*time.Millisecond), aio.WithLogger(slog.New(slowStepPrinter{})))
	// Output: WARN slow step in task a
}

// blockedStepPrinter is a slog.Handler that prints the watchdog's report
// of a blocked step, with the state of the blocked goroutine, and then
// releases it.
type blockedStepPrinter struct{ release chan struct{} }

func (h blockedStepPrinter) Enabled(context.Context, slog.Level) bool { return true }
func (h blockedStepPrinter) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h blockedStepPrinter) WithGroup(string) slog.Handler            { return h }
func (h blockedStepPrinter) Handle(_ context.Context, r slog.Record) error {
	if !strings.HasSuffix(r.Message, "blocks the loop") {
		return nil // the slow-step warning at the step's end
	}
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "task":
			fmt.Println(r.Level, "task", a.Value, "blocks the loop")
		case "stack": // "goroutine 42 [chan receive]:\n..."
			state, _, _ := strings.Cut(a.Value.String(), "]")
			_, state, _ = strings.Cut(state, "[")
			fmt.Println("its goroutine waits in:", state)
		}
		return true
	})
	close(h.release)
	return nil
}

// In debug mode, a watchdog reports a step that blocks the loop while it
// still runs: here task a receives from a plain channel, which blocks
// every task of the loop, and only the report releases it. The report
// names the task, where its step began and the blocked goroutine's stack.
func ExampleWithDebug_blockedStep() {
	release := make(chan struct{})
	aio.Run(func(ctx context.Context) (int, error) {
		a, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			<-release // blocks the loop until the watchdog's report
			return 0, nil
		}, aio.WithName("a"))
		if err != nil {
			return 0, err
		}
		return a.Await(ctx)
	}, aio.WithDebug(), aio.WithSlowStep(10*time.Millisecond), aio.WithLogger(slog.New(blockedStepPrinter{release})))
	fmt.Println("a was released")
	// Output:
	// WARN task a blocks the loop
	// its goroutine waits in: chan receive
	// a was released
}

// A PoolExecutor can be used without a loop too. With one worker, jobs run
// one at a time in the order they were submitted; Shutdown waits for them
// and refuses new ones.
func ExampleNewPoolExecutor() {
	pool := aio.NewPoolExecutor(1)
	for i := range 3 {
		pool.Submit(func() { fmt.Println("job", i) })
	}
	fmt.Println("shut down:", pool.Shutdown(context.Background()))
	err := pool.Submit(func() {})
	fmt.Println(errors.Is(err, aio.ErrExecutorShutdown))
	// Output:
	// job 0
	// job 1
	// job 2
	// shut down: <nil>
	// true
}
