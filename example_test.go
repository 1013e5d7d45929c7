package aio_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aio-go/aio"
)

// The examples run on the virtual clock, so the times they print are exact.

func ExampleRun() {
	v, err := aio.Run(func(ctx context.Context) (string, error) {
		start := aio.Now(ctx)
		if err := aio.Sleep(ctx, time.Second); err != nil {
			return "", err
		}
		return fmt.Sprint("hello after ", aio.Now(ctx).Sub(start)), nil
	}, aio.WithVirtualClock())
	fmt.Println(v, err)
	// Output: hello after 1s <nil>
}

func ExampleSleep() {
	aio.Run(func(ctx context.Context) (int, error) {
		start := aio.Now(ctx)
		err := aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			for _, d := range []time.Duration{2 * time.Second, time.Second} {
				tg.Go(func(ctx context.Context) error {
					if err := aio.Sleep(ctx, d); err != nil {
						return err
					}
					fmt.Println("slept", d, "at", aio.Now(ctx).Sub(start))
					return nil
				})
			}
			return nil
		})
		fmt.Println("both done at", aio.Now(ctx).Sub(start))
		return 0, err
	}, aio.WithVirtualClock())
	// Output:
	// slept 1s at 1s
	// slept 2s at 2s
	// both done at 2s
}

func ExampleCreateTask() {
	aio.Run(func(ctx context.Context) (int, error) {
		start := aio.Now(ctx)
		t, err := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			fmt.Println("task starts at", aio.Now(ctx).Sub(start))
			return 6 * 7, aio.Sleep(ctx, time.Second)
		}, aio.WithName("answer"))
		if err != nil {
			return 0, err
		}
		fmt.Println("created; the task has not run yet")
		v, err := t.Await(ctx)
		fmt.Println(t.Name(), "=", v, err, "at", aio.Now(ctx).Sub(start))
		return v, err
	}, aio.WithVirtualClock())
	// Output:
	// created; the task has not run yet
	// task starts at 0s
	// answer = 42 <nil> at 1s
}

func ExampleTask_Cancel() {
	aio.Run(func(ctx context.Context) (int, error) {
		start := aio.Now(ctx)
		t, _ := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			err := aio.Sleep(ctx, time.Hour)
			fmt.Println("sleep:", err)
			fmt.Println("cause:", context.Cause(ctx))
			return 0, err
		})
		aio.Sleep(ctx, time.Second)
		t.Cancel(errors.New("user pressed stop"))
		_, err := t.Await(ctx)
		fmt.Println("cancelled:", t.Cancelled(), errors.Is(err, aio.ErrCancelled), "at", aio.Now(ctx).Sub(start))
		return 0, nil
	}, aio.WithVirtualClock())
	// Output:
	// sleep: aio: cancelled: user pressed stop
	// cause: user pressed stop
	// cancelled: true true at 1s
}

func ExampleTask_Await() {
	aio.Run(func(ctx context.Context) (int, error) {
		start := aio.Now(ctx)
		t, _ := aio.CreateTask(ctx, func(ctx context.Context) (string, error) {
			return "result", aio.Sleep(ctx, 2*time.Second)
		})
		v, err := t.Await(ctx)
		fmt.Println(v, err, "at", aio.Now(ctx).Sub(start))
		// A finished task returns at once, as often as it is awaited.
		v, err = t.Await(ctx)
		fmt.Println(v, err, "at", aio.Now(ctx).Sub(start))
		return 0, nil
	}, aio.WithVirtualClock())
	// Output:
	// result <nil> at 2s
	// result <nil> at 2s
}

func ExampleFuture() {
	aio.Run(func(ctx context.Context) (int, error) {
		start := aio.Now(ctx)
		f := aio.NewFuture[string]()
		aio.CallLater(ctx, 1500*time.Millisecond, func() { f.SetResult("ready") })
		v, err := f.Await(ctx)
		fmt.Println(v, err, "at", aio.Now(ctx).Sub(start))
		fmt.Println("set again:", f.SetResult("twice"))
		return 0, nil
	}, aio.WithVirtualClock())
	// Output:
	// ready <nil> at 1.5s
	// set again: aio: invalid state
}

func ExampleGather() {
	aio.Run(func(ctx context.Context) (int, error) {
		start := aio.Now(ctx)
		square := func(n int) func(context.Context) (int, error) {
			return func(ctx context.Context) (int, error) {
				// The larger n, the sooner it finishes.
				return n * n, aio.Sleep(ctx, time.Duration(4-n)*time.Second)
			}
		}
		squares, err := aio.Gather(ctx, square(1), square(2), square(3))
		fmt.Println(squares, err, "at", aio.Now(ctx).Sub(start))
		return 0, nil
	}, aio.WithVirtualClock())
	// Output: [1 4 9] <nil> at 3s
}

func ExampleGatherAll() {
	aio.Run(func(ctx context.Context) (int, error) {
		parse := func(s string) func(context.Context) (int, error) {
			return func(context.Context) (int, error) {
				var n int
				_, err := fmt.Sscan(s, &n)
				return n, err
			}
		}
		outcomes, err := aio.GatherAll(ctx, parse("1"), parse("two"), parse("3"))
		for _, o := range outcomes {
			fmt.Println(o.Value, o.Err)
		}
		fmt.Println("error:", err)
		return 0, nil
	}, aio.WithVirtualClock())
	// Output:
	// 1 <nil>
	// 0 expected integer
	// 3 <nil>
	// error: <nil>
}

func ExampleWait() {
	aio.Run(func(ctx context.Context) (int, error) {
		start := aio.Now(ctx)
		var tasks []*aio.Task[time.Duration]
		for _, d := range []time.Duration{3 * time.Second, time.Second, 2 * time.Second} {
			t, _ := aio.CreateTask(ctx, func(ctx context.Context) (time.Duration, error) {
				return d, aio.Sleep(ctx, d)
			}, aio.WithName(d.String()))
			tasks = append(tasks, t)
		}
		done, pending, err := aio.Wait(ctx, tasks, aio.FirstCompleted, 0)
		fmt.Println("at", aio.Now(ctx).Sub(start), "done:", len(done), done[0].Name(), "pending:", len(pending), err)

		done, pending, err = aio.Wait(ctx, tasks, aio.AllCompleted, 1500*time.Millisecond)
		fmt.Println("at", aio.Now(ctx).Sub(start), "done:", len(done), "pending:", len(pending), err)
		for _, t := range pending {
			t.Cancel(nil) // Wait never cancels: that is the caller's choice
		}
		return 0, nil
	}, aio.WithVirtualClock())
	// Output:
	// at 1s done: 1 1s pending: 2 <nil>
	// at 2.5s done: 2 pending: 1 <nil>
}

func ExampleAsCompleted() {
	aio.Run(func(ctx context.Context) (int, error) {
		start := aio.Now(ctx)
		work := func(name string, d time.Duration) *aio.Task[string] {
			t, _ := aio.CreateTask(ctx, func(ctx context.Context) (string, error) {
				return name, aio.Sleep(ctx, d)
			})
			return t
		}
		tasks := []*aio.Task[string]{work("slow", 3*time.Second), work("fast", time.Second), work("medium", 2*time.Second)}
		for t, err := range aio.AsCompleted(ctx, tasks...) {
			if err != nil {
				return 0, err
			}
			v, _ := t.Result()
			fmt.Println(v, "at", aio.Now(ctx).Sub(start))
		}
		return 0, nil
	}, aio.WithVirtualClock())
	// Output:
	// fast at 1s
	// medium at 2s
	// slow at 3s
}

func ExampleTimeout() {
	aio.Run(func(ctx context.Context) (int, error) {
		start := aio.Now(ctx)
		err := aio.Timeout(ctx, time.Second, func(ctx context.Context, s *aio.Scope) error {
			err := aio.Sleep(ctx, 2*time.Second)
			fmt.Println("inside, the sleep fails with:", err)
			return err
		})
		fmt.Println("Timeout:", err, errors.Is(err, aio.ErrTimeout), "at", aio.Now(ctx).Sub(start))
		return 0, nil
	}, aio.WithVirtualClock())
	// Output:
	// inside, the sleep fails with: aio: cancelled: aio: timeout
	// Timeout: aio: timeout true at 1s
}

func ExampleMoveOnAfter() {
	aio.Run(func(ctx context.Context) (int, error) {
		start := aio.Now(ctx)
		var scope *aio.Scope
		err := aio.MoveOnAfter(ctx, time.Second, func(ctx context.Context, s *aio.Scope) error {
			scope = s
			for {
				if err := aio.Sleep(ctx, 400*time.Millisecond); err != nil {
					return err
				}
				fmt.Println("tick at", aio.Now(ctx).Sub(start))
			}
		})
		fmt.Println("moved on:", err, scope.Expired(), "at", aio.Now(ctx).Sub(start))
		return 0, nil
	}, aio.WithVirtualClock())
	// Output:
	// tick at 400ms
	// tick at 800ms
	// moved on: <nil> true at 1s
}

func ExampleWaitFor() {
	aio.Run(func(ctx context.Context) (int, error) {
		start := aio.Now(ctx)
		slow, _ := aio.CreateTask(ctx, func(ctx context.Context) (string, error) {
			return "slow", aio.Sleep(ctx, time.Hour)
		})
		_, err := aio.WaitFor(ctx, time.Second, slow)
		fmt.Println(err, "at", aio.Now(ctx).Sub(start), "- task cancelled:", slow.Cancelled())

		quick, _ := aio.CreateTask(ctx, func(ctx context.Context) (string, error) {
			return "quick", aio.Sleep(ctx, 500*time.Millisecond)
		})
		v, err := aio.WaitFor(ctx, time.Second, quick)
		fmt.Println(v, err, "at", aio.Now(ctx).Sub(start))
		return 0, nil
	}, aio.WithVirtualClock())
	// Output:
	// aio: timeout at 1s - task cancelled: true
	// quick <nil> at 1.5s
}

func ExampleShield() {
	aio.Run(func(ctx context.Context) (int, error) {
		start := aio.Now(ctx)
		t, _ := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			err := aio.Sleep(ctx, time.Hour)
			// Cancelled: every await in ctx fails now. Cleanup that must
			// await runs under a shield.
			fmt.Println("cancelled at", aio.Now(ctx).Sub(start))
			if err := aio.Sleep(aio.Shield(ctx), 2*time.Second); err == nil {
				fmt.Println("cleaned up at", aio.Now(ctx).Sub(start))
			}
			return 0, err
		})
		aio.Sleep(ctx, time.Second)
		t.Cancel(nil)
		_, err := t.Await(ctx)
		fmt.Println(err, "at", aio.Now(ctx).Sub(start))
		return 0, nil
	}, aio.WithVirtualClock())
	// Output:
	// cancelled at 1s
	// cleaned up at 3s
	// aio: cancelled at 3s
}

func ExampleWithTaskGroup() {
	aio.Run(func(ctx context.Context) (int, error) {
		start := aio.Now(ctx)
		err := aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			tg.Go(func(ctx context.Context) error {
				err := aio.Sleep(ctx, time.Hour)
				fmt.Println("sibling:", err, "at", aio.Now(ctx).Sub(start))
				return err
			})
			tg.Go(func(ctx context.Context) error {
				aio.Sleep(ctx, time.Second)
				return errors.New("disk full")
			})
			return nil
		})
		var ge *aio.GroupError
		fmt.Println(errors.As(err, &ge), len(ge.Errs), err)
		return 0, nil
	}, aio.WithVirtualClock())
	// Output:
	// sibling: aio: cancelled: disk full at 1s
	// true 1 aio: task group: disk full
}

func ExampleTaskGroup_Start() {
	aio.Run(func(ctx context.Context) (int, error) {
		start := aio.Now(ctx)
		return 0, aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			requests := aio.NewFuture[string]()
			err := tg.Start(ctx, func(ctx context.Context, started func()) error {
				aio.Sleep(ctx, time.Second) // binding, loading...
				fmt.Println("server ready at", aio.Now(ctx).Sub(start))
				started()
				req, err := requests.Await(ctx)
				fmt.Println("server got", req, "at", aio.Now(ctx).Sub(start))
				return err
			})
			fmt.Println("Start returned", err, "at", aio.Now(ctx).Sub(start))
			aio.Sleep(ctx, 500*time.Millisecond)
			requests.SetResult("GET /")
			return nil
		})
	}, aio.WithVirtualClock())
	// Output:
	// server ready at 1s
	// Start returned <nil> at 1s
	// server got GET / at 1.5s
}

func ExampleCallLater() {
	aio.Run(func(ctx context.Context) (int, error) {
		start := aio.Now(ctx)
		say := func(s string) func() {
			return func() { fmt.Println(s, "at", aio.Now(ctx).Sub(start)) }
		}
		aio.CallLater(ctx, 2*time.Second, say("two"))
		aio.CallLater(ctx, time.Second, say("one"))
		h, _ := aio.CallLater(ctx, 1500*time.Millisecond, say("never"))
		aio.CallSoon(ctx, say("soon"))
		fmt.Println("cancelled:", h.Cancel())
		return 0, aio.Sleep(ctx, 3*time.Second)
	}, aio.WithVirtualClock())
	// Output:
	// cancelled: true
	// soon at 0s
	// one at 1s
	// two at 2s
}

func ExampleWithSeed() {
	order := func(opts ...aio.Option) string {
		var b strings.Builder
		aio.Run(func(ctx context.Context) (int, error) {
			return 0, aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
				for _, name := range []string{"a", "b", "c", "d", "e", "f"} {
					tg.Go(func(ctx context.Context) error { b.WriteString(name); return nil })
				}
				return nil
			})
		}, opts...)
		return b.String()
	}
	fmt.Println("without a seed:", order(aio.WithVirtualClock()))
	fmt.Println("the same seed replays:", order(aio.WithSeed(7)) == order(aio.WithSeed(7)))
	// Output:
	// without a seed: abcdef
	// the same seed replays: true
}

func ExampleNow() {
	aio.Run(func(ctx context.Context) (int, error) {
		start := aio.Now(ctx)
		fmt.Println("the virtual clock starts at", start.Format(time.DateTime))
		aio.Sleep(ctx, 90*time.Minute)
		fmt.Println("after a sleep:", aio.Now(ctx).Format(time.DateTime), aio.Now(ctx).Sub(start))
		return 0, nil
	}, aio.WithVirtualClock())
	// Output:
	// the virtual clock starts at 2000-01-01 00:00:00
	// after a sleep: 2000-01-01 01:30:00 1h30m0s
}
