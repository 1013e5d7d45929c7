package aio_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

// Async context managers (contextmgr.go, exitstack.go). The rules mirror
// CPython's Lib/test/test_contextlib_async.py: no yield fails at enter, a
// second yield fails at exit, the body's error comes in at the yield and
// the generator decides (suppress, pass on, replace), cleanup on
// cancellation, and AsyncExitStack's order and error handling.

type cy = aio.AsyncYielder[string, struct{}]

// resource is the talk's asynccontextmanager: it sets up, yields a name and
// cleans up, awaiting a second each way; onErr decides what it does with
// the body's error.
func resource(ctx context.Context, log *[]string, onErr func(error) error) *aio.GeneratorContextManager[string] {
	start := aio.Now(ctx)
	at := func() time.Duration { return aio.Now(ctx).Sub(start) }
	return aio.AsyncContextManagerOf(func(ctx context.Context, y *cy) error {
		aio.Sleep(ctx, time.Second)
		*log = append(*log, fmt.Sprintf("setup@%v", at()))
		_, err := y.Yield(ctx, "conn")
		aio.Sleep(ctx, time.Second)
		*log = append(*log, fmt.Sprintf("cleanup@%v err=%v", at(), err))
		if err != nil && onErr != nil {
			return onErr(err)
		}
		return err
	})
}

func TestWithRunsSetupThenTheBodyThenCleanupThatAwaits(t *testing.T) {
	var log []string
	runV(t, func(ctx context.Context) (int, error) {
		return 0, aio.With(ctx, resource(ctx, &log, nil), func(ctx context.Context, r string) error {
			log = append(log, "body "+r)
			return nil
		})
	})
	want := []string{"setup@1s", "body conn", "cleanup@2s err=<nil>"}
	if !slices.Equal(log, want) {
		t.Fatalf("log %q, want %q", log, want)
	}
}

func TestGeneratorContextManagerThatDoesNotYieldFailsAtEnter(t *testing.T) {
	runV(t, func(ctx context.Context) (int, error) {
		ran := false
		cm := aio.AsyncContextManagerOf(func(ctx context.Context, y *cy) error { return nil })
		err := aio.With(ctx, cm, func(ctx context.Context, r string) error { ran = true; return nil })
		if !errors.Is(err, aio.ErrGeneratorDidNotYield) || ran {
			return 0, fmt.Errorf("With: %v, body ran %v", err, ran)
		}
		return 0, nil
	})
}

func TestGeneratorContextManagerThatYieldsTwiceFailsAtExit(t *testing.T) {
	runV(t, func(ctx context.Context) (int, error) {
		cleaned := false
		cm := aio.AsyncContextManagerOf(func(ctx context.Context, y *cy) error {
			defer func() { cleaned = true }()
			y.Yield(ctx, "a")
			y.Yield(ctx, "b")
			return nil
		})
		err := aio.With(ctx, cm, func(ctx context.Context, r string) error { return nil })
		if !errors.Is(err, aio.ErrGeneratorDidNotStop) || !cleaned {
			return 0, fmt.Errorf("With: %v, closed %v", err, cleaned)
		}
		return 0, nil
	})
}

func TestBodyErrorIsThrownInAtTheYieldAndTheGeneratorDecides(t *testing.T) {
	errOther := errors.New("other")
	for _, c := range []struct {
		name  string
		onErr func(error) error
		want  error // nil: suppressed
	}{
		{"passed on when the generator returns it", func(err error) error { return err }, errBoom},
		{"suppressed when the generator swallows it", func(error) error { return nil }, nil},
		{"replaced when the generator returns another", func(error) error { return errOther }, errOther},
	} {
		t.Run(c.name, func(t *testing.T) {
			var log []string
			runV(t, func(ctx context.Context) (int, error) {
				err := aio.With(ctx, resource(ctx, &log, c.onErr), func(ctx context.Context, r string) error { return errBoom })
				if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
					return 0, fmt.Errorf("With: %v, want %v", err, c.want)
				}
				if c.want == errOther && errors.Is(err, errBoom) {
					return 0, fmt.Errorf("replaced error still wraps the body's: %v", err)
				}
				return 0, nil
			})
			if len(log) != 2 || !strings.HasSuffix(log[1], "err=boom") {
				t.Fatalf("the generator saw: %q", log)
			}
		})
	}
}

func TestGeneratorContextManagerCleanupRunsOnCancellationUnderAShield(t *testing.T) {
	var log []string
	runV(t, func(ctx context.Context) (int, error) {
		task, _ := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			return 0, aio.With(ctx, resource(ctx, &log, nil), func(ctx context.Context, r string) error {
				return aio.Sleep(ctx, time.Hour)
			})
		})
		aio.Sleep(ctx, 5*time.Second)
		task.Cancel(nil)
		_, err := task.Await(ctx)
		if !errors.Is(err, aio.ErrCancelled) {
			return 0, fmt.Errorf("task: %v", err)
		}
		return 0, nil
	})
	// The cleanup's second-long await completed although the task was
	// cancelled: at 6s, one second after the cancellation at 5s.
	if len(log) != 2 || !strings.HasPrefix(log[1], "cleanup@6s") {
		t.Fatalf("log %q", log)
	}
}

func TestWithPanicInTheBodyRunsTheExitThenPanics(t *testing.T) {
	var log []string
	_, err := aio.Run(func(ctx context.Context) (int, error) {
		return 0, aio.With(ctx, resource(ctx, &log, nil), func(ctx context.Context, r string) error { panic("body") })
	}, aio.WithVirtualClock())
	var pe *aio.PanicError
	if !errors.As(err, &pe) || pe.Value != "body" {
		t.Fatalf("Run: %v", err)
	}
	if len(log) != 2 || !strings.Contains(log[1], "panic") {
		t.Fatalf("the exit saw: %q", log)
	}
}

func TestContextManagerMisuse(t *testing.T) {
	runV(t, func(ctx context.Context) (int, error) {
		var log []string
		cm := resource(ctx, &log, nil)
		body := func(ctx context.Context, r string) error { return nil }
		if err := aio.With(ctx, cm, body); err != nil {
			return 0, err
		}
		if err := aio.With(ctx, cm, body); !errors.Is(err, aio.ErrInvalidState) {
			return 0, fmt.Errorf("second use: %v", err)
		}
		if err := aio.With[string](ctx, nil, body); err == nil {
			return 0, errors.New("nil manager accepted")
		}
		if err := aio.With(ctx, resource(ctx, &log, nil), nil); err == nil {
			return 0, errors.New("nil function accepted")
		}
		var zero aio.GeneratorContextManager[string]
		if err := aio.With(ctx, &zero, body); !errors.Is(err, aio.ErrInvalidState) {
			return 0, fmt.Errorf("zero manager: %v", err)
		}
		if err := zero.AExit(ctx, nil); !errors.Is(err, aio.ErrInvalidState) {
			return 0, fmt.Errorf("AExit before AEnter: %v", err)
		}
		return 0, nil
	})
	defer func() {
		if recover() == nil {
			t.Fatal("AsyncContextManagerOf(nil) did not panic")
		}
	}()
	aio.AsyncContextManagerOf[int](nil)
}

func TestAsyncExitStackUnwindsInReverseAwaitingEachAndCollectsEveryError(t *testing.T) {
	var log []string
	errA, errB := errors.New("a failed"), errors.New("b failed")
	runV(t, func(ctx context.Context) (int, error) {
		start := aio.Now(ctx)
		var stack aio.AsyncExitStack // the zero value is ready
		for _, name := range []string{"a", "b", "c"} {
			stack.Callback(func(ctx context.Context) error {
				aio.Sleep(ctx, time.Second)
				log = append(log, fmt.Sprintf("%s@%v", name, aio.Now(ctx).Sub(start)))
				switch name {
				case "a":
					return errA
				case "b":
					return errB
				}
				return nil
			})
		}
		err := stack.AClose(ctx)
		if !errors.Is(err, errA) || !errors.Is(err, errB) {
			return 0, fmt.Errorf("AClose: %v, want both errors", err)
		}
		if err := stack.AClose(ctx); err != nil {
			return 0, fmt.Errorf("second AClose: %v", err)
		}
		return 0, nil
	})
	if want := []string{"c@1s", "b@2s", "a@3s"}; !slices.Equal(log, want) {
		t.Fatalf("log %q, want %q", log, want)
	}
}

func TestAsyncExitStackPassesTheErrorThroughItsExits(t *testing.T) {
	runV(t, func(ctx context.Context) (int, error) {
		var saw []error
		err := aio.With(ctx, new(aio.AsyncExitStack), func(ctx context.Context, stack *aio.AsyncExitStack) error {
			var log []string
			if _, err := aio.EnterAsyncContext(ctx, stack, resource(ctx, &log, func(error) error { return nil })); err != nil {
				return err
			}
			stack.PushExit(func(ctx context.Context, err error) error {
				saw = append(saw, err)
				return err
			})
			return errBoom
		})
		// The pushed exit saw the body's error first; the resource, below
		// it, suppressed it.
		if err != nil || len(saw) != 1 || !errors.Is(saw[0], errBoom) {
			return 0, fmt.Errorf("With: %v, the exit saw %v", err, saw)
		}
		return 0, nil
	})
}

func TestAsyncExitStackEnterFailureRegistersNothing(t *testing.T) {
	runV(t, func(ctx context.Context) (int, error) {
		var stack aio.AsyncExitStack
		cm := aio.AsyncContextManagerOf(func(ctx context.Context, y *cy) error { return errBoom })
		if _, err := aio.EnterAsyncContext(ctx, &stack, cm); !errors.Is(err, errBoom) {
			return 0, fmt.Errorf("enter: %v", err)
		}
		if _, err := aio.EnterAsyncContext[int](ctx, &stack, nil); err == nil {
			return 0, errors.New("nil manager accepted")
		}
		return 0, stack.AClose(ctx)
	})
}

func TestAsyncExitStackPanicInAnExitUnwindsTheRestThenPanics(t *testing.T) {
	ran := false
	_, err := aio.Run(func(ctx context.Context) (int, error) {
		var stack aio.AsyncExitStack
		stack.Callback(func(ctx context.Context) error { ran = true; return nil })
		stack.Callback(func(ctx context.Context) error { panic("exit") })
		return 0, stack.AClose(ctx)
	}, aio.WithVirtualClock())
	var pe *aio.PanicError
	if !errors.As(err, &pe) || pe.Value != "exit" || !ran {
		t.Fatalf("Run: %v, the exit below ran %v", err, ran)
	}
}
