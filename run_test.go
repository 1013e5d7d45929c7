package aio_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

func TestRunReturnsMainsResultAndError(t *testing.T) {
	v, err := aio.Run(func(ctx context.Context) (int, error) { return 42, nil })
	if v != 42 || err != nil {
		t.Fatalf("Run = %v, %v", v, err)
	}
	boom := errors.New("boom")
	_, err = aio.Run(func(ctx context.Context) (int, error) { return 0, boom })
	if !errors.Is(err, boom) {
		t.Fatalf("Run error = %v, want boom", err)
	}
}

func TestRunInsideATaskIsAnError(t *testing.T) {
	inner, err := aio.Run(func(ctx context.Context) (error, error) {
		_, err := aio.Run(func(context.Context) (int, error) { return 1, nil })
		return err, nil
	})
	if err != nil || !errors.Is(inner, aio.ErrNested) {
		t.Fatalf("nested Run = %v, want ErrNested", inner)
	}
}

func TestRunCancelsLeftoverTasksAndReportsTheirErrors(t *testing.T) {
	var cleaned bool
	boom := errors.New("leftover failed")
	_, err := aio.Run(func(ctx context.Context) (int, error) {
		aio.Go(ctx, func(ctx context.Context) error {
			defer func() { cleaned = true }()
			return aio.Sleep(ctx, time.Hour)
		})
		aio.Go(ctx, func(ctx context.Context) error { return boom })
		return 1, aio.Sleep(ctx, 0)
	}, aio.WithVirtualClock())
	if !cleaned {
		t.Fatal("the sleeping leftover task was not cancelled and waited for")
	}
	var te *aio.TaskError
	if !errors.Is(err, boom) || !errors.As(err, &te) {
		t.Fatalf("Run error = %v, want the unretrieved error as a *TaskError", err)
	}
}

func TestVirtualClockRunsAnHourInNoTime(t *testing.T) {
	var elapsed time.Duration
	_, err := aio.Run(func(ctx context.Context) (int, error) {
		t0 := aio.Now(ctx)
		for range 3600 {
			if err := aio.Sleep(ctx, time.Second); err != nil {
				return 0, err
			}
		}
		elapsed = aio.Now(ctx).Sub(t0)
		return 0, nil
	}, aio.WithVirtualClock())
	if err != nil || elapsed != time.Hour {
		t.Fatalf("err=%v elapsed=%v, want an hour exactly", err, elapsed)
	}
}

func TestDeadlockOnTheVirtualClockIsReportedAndNothingLeaks(t *testing.T) {
	var unwound bool
	_, err := aio.Run(func(ctx context.Context) (int, error) {
		aio.Go(ctx, func(ctx context.Context) error {
			defer func() { unwound = true }()
			// Shielded: shutdown's cancellation cannot end this wait.
			_, err := aio.NewFuture[int]().Await(aio.Shield(ctx))
			return err
		})
		_, err := aio.NewFuture[int]().Await(ctx)
		return 0, err
	}, aio.WithVirtualClock())
	if !errors.Is(err, aio.ErrDeadlock) {
		t.Fatalf("Run error = %v, want ErrDeadlock", err)
	}
	if !unwound {
		t.Fatal("the task that could never finish was not unwound")
	}
}
