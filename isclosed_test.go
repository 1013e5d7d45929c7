package aio_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aio-go/aio"
)

func TestIsClosedIsFalseWhileTheLoopRunsAndTrueOnceRunHasReturned(t *testing.T) {
	var l *aio.Loop
	runV(t, func(ctx context.Context) (int, error) {
		var err error
		if l, err = aio.GetRunningLoop(ctx); err != nil {
			return 0, err
		}
		if l.IsClosed() {
			return 0, errors.New("IsClosed in a task of the running loop")
		}
		other := make(chan bool)
		go func() { other <- l.IsClosed() }() // any goroutine may ask
		if <-other {
			return 0, errors.New("IsClosed from another goroutine while the loop runs")
		}
		return 0, nil
	})
	if !l.IsClosed() {
		t.Error("IsClosed after Run returned = false")
	}
	if (*aio.Loop)(nil).IsClosed() {
		t.Error("a nil Loop is closed")
	}
}
