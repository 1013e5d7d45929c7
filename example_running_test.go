package aio_test

import (
	"context"
	"fmt"

	"github.com/aio-go/aio"
)

// RunningTask gives the running task and its loop in one look; IsClosed
// tells, from anywhere, whether that loop has finished.
func ExampleRunningTask() {
	var loop *aio.Loop
	aio.Run(func(ctx context.Context) (int, error) {
		task, l, err := aio.RunningTask(ctx)
		fmt.Println(task == aio.CurrentTask(ctx), err, l.IsClosed())
		loop = l
		return 0, nil
	})
	fmt.Println(loop.IsClosed())
	// Output:
	// true <nil> false
	// true
}
