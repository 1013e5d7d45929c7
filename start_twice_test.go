package aio_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aio-go/aio"
)

func TestCallingStartedTwiceFailsTheTaskAndItsGroup(t *testing.T) {
	runV(t, func(ctx context.Context) (int, error) {
		err := aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			return tg.Start(ctx, func(ctx context.Context, started func()) error {
				started()
				started()
				return nil
			})
		})
		var pe *aio.PanicError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), "started called twice") {
			return 0, errors.New("the group's error is " + startedTwiceText(err) + ", want a *PanicError saying started was called twice")
		}
		return 0, nil
	})
}

func startedTwiceText(err error) string {
	if err == nil {
		return "nil"
	}
	return err.Error()
}
