package aio_test

import (
	"context"
	"fmt"
	"time"

	"github.com/aio-go/aio"
)

// A parking lot is the primitive the coordination types are built on: here
// a one-shot gate that lets every waiting task through at once.
func ExampleParkingLot() {
	aio.Run(func(ctx context.Context) (int, error) {
		var gate aio.ParkingLot
		err := aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			for i := range 3 {
				tg.Go(func(ctx context.Context) error {
					if err := gate.Park(ctx); err != nil {
						return err
					}
					fmt.Println("through:", i)
					return nil
				})
			}
			if err := aio.Sleep(ctx, time.Second); err != nil { // let them park
				return err
			}
			fmt.Println("waiting:", gate.Stats().Waiters)
			fmt.Println("opened for:", gate.UnparkAll())
			return nil
		})
		return 0, err
	}, aio.WithVirtualClock())
	// Output:
	// waiting: 3
	// opened for: 3
	// through: 0
	// through: 1
	// through: 2
}

// CancelScope is trio's bare cancel scope: a block with no deadline that
// Scope.Cancel ends at once, after which CancelScope returns nil.
func ExampleCancelScope() {
	aio.Run(func(ctx context.Context) (int, error) {
		start := aio.Now(ctx)
		err := aio.CancelScope(ctx, func(ctx context.Context, s *aio.Scope) error {
			aio.CallLater(ctx, 2*time.Second, func() { s.Cancel(nil) })
			return aio.Sleep(ctx, time.Hour)
		})
		fmt.Println("CancelScope:", err, "after", aio.Now(ctx).Sub(start))
		return 0, nil
	}, aio.WithVirtualClock())
	// Output:
	// CancelScope: <nil> after 2s
}

// Of two nested scopes whose deadlines pass in the same step, both say their
// deadline passed, and only the outer one caught the cancellation.
func ExampleScope_CancelledCaught() {
	aio.Run(func(ctx context.Context) (int, error) {
		var inner *aio.Scope
		err := aio.Timeout(ctx, time.Second, func(ctx context.Context, outer *aio.Scope) error {
			err := aio.Timeout(ctx, time.Second, func(ctx context.Context, s *aio.Scope) error {
				inner = s
				return aio.Sleep(ctx, time.Hour)
			})
			fmt.Println("inner: cancel called", inner.CancelCalled(), "caught", inner.CancelledCaught())
			return err
		})
		fmt.Println("outer:", err)
		return 0, nil
	}, aio.WithVirtualClock())
	// Output:
	// inner: cancel called true caught false
	// outer: aio: timeout
}
