package aio_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

// The async iterator protocol (asynciter.go), after the talk's Ticker class
// and CPython's tests of __anext__ and `async for`.

// ticker is the talk's class-based async iterator: it sleeps delay before
// each of its values 0..to-1; closed records an AClose.
type ticker struct {
	delay  time.Duration
	i, to  int
	closed int
	failAt int // Next fails at this value, when positive
}

func (t *ticker) Next(ctx context.Context) (int, error) {
	if t.i >= t.to {
		return 0, aio.ErrStopAsyncIteration
	}
	if err := aio.Sleep(ctx, t.delay); err != nil {
		return 0, err
	}
	if t.failAt > 0 && t.i == t.failAt {
		return 0, errBoom
	}
	t.i++
	return t.i - 1, nil
}

func (t *ticker) AClose(ctx context.Context) error {
	t.closed++
	return aio.Sleep(ctx, t.delay) // a cleanup that awaits
}

var errBoom = errors.New("boom")

func runV[T any](t *testing.T, main func(ctx context.Context) (T, error), opts ...aio.Option) T {
	t.Helper()
	v, err := aio.Run(main, append([]aio.Option{aio.WithVirtualClock()}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestIterateYieldsEveryValueThenEndsAtStopAsyncIteration(t *testing.T) {
	got := runV(t, func(ctx context.Context) ([]string, error) {
		start := aio.Now(ctx)
		var out []string
		for v, err := range aio.Iterate[int](ctx, &ticker{delay: time.Second, to: 3}) {
			if err != nil {
				return nil, err
			}
			out = append(out, fmt.Sprintf("%d@%v", v, aio.Now(ctx).Sub(start)))
		}
		return out, nil
	})
	if want := []string{"0@1s", "1@2s", "2@3s"}; !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestIterateBreakAwaitsACloseBeforeTheLoopStatementEnds(t *testing.T) {
	runV(t, func(ctx context.Context) (int, error) {
		tk := &ticker{delay: time.Second, to: 10}
		start := aio.Now(ctx)
		for v := range aio.Iterate[int](ctx, tk) {
			if v == 1 {
				break
			}
		}
		if tk.closed != 1 || aio.Now(ctx).Sub(start) != 3*time.Second {
			return 0, fmt.Errorf("after break: closed %d times at %v; want once, its await done at 3s", tk.closed, aio.Now(ctx).Sub(start))
		}
		return 0, nil
	})
}

func TestIterateFailureIsTheLastPairAndDoesNotClose(t *testing.T) {
	runV(t, func(ctx context.Context) (int, error) {
		tk := &ticker{to: 10, failAt: 2}
		var vals []int
		var errs []error
		for v, err := range aio.Iterate[int](ctx, tk) {
			vals, errs = append(vals, v), append(errs, err)
		}
		if !slices.Equal(vals, []int{0, 1, 0}) || !errors.Is(errs[2], errBoom) || errs[0] != nil || tk.closed != 0 {
			return 0, fmt.Errorf("values %v, errors %v, closed %d", vals, errs, tk.closed)
		}
		return 0, nil
	})
}

func TestIterateInACancelledTaskEndsWithTheCancellation(t *testing.T) {
	runV(t, func(ctx context.Context) (int, error) {
		var last error
		task, _ := aio.CreateTask(ctx, func(ctx context.Context) (int, error) {
			for _, err := range aio.Iterate[int](ctx, &ticker{delay: time.Hour, to: 10}) {
				last = err
			}
			return 0, last
		})
		aio.Sleep(ctx, time.Second)
		task.Cancel(nil)
		if _, err := task.Await(ctx); !errors.Is(err, aio.ErrCancelled) || !errors.Is(last, aio.ErrCancelled) {
			return 0, fmt.Errorf("task %v, last pair %v", err, last)
		}
		return 0, nil
	})
}

func TestIterateOfANilIteratorYieldsAnError(t *testing.T) {
	runV(t, func(ctx context.Context) (int, error) {
		n := 0
		for _, err := range aio.Iterate[int](ctx, nil) {
			if err == nil {
				return 0, errors.New("no error")
			}
			n++
		}
		if n != 1 {
			return 0, fmt.Errorf("%d pairs", n)
		}
		return 0, nil
	})
}

func TestIteratePanicInTheLoopBodyClosesTheIterator(t *testing.T) {
	tk := &ticker{to: 10}
	_, err := aio.Run(func(ctx context.Context) (int, error) {
		for range aio.Iterate[int](ctx, tk) {
			panic("loop body")
		}
		return 0, nil
	}, aio.WithVirtualClock())
	var pe *aio.PanicError
	if !errors.As(err, &pe) || tk.closed != 1 {
		t.Fatalf("Run: %v, closed %d", err, tk.closed)
	}
}
