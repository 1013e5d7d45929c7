package aio_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

// Structure across yields (PEP 789, asyncgen_scope.go): a yield inside a
// scope the body opened is refused at the yield.

type ctxKeyT struct{}

func TestAsyncGenYieldInsideItsOwnScopeIsRefused(t *testing.T) {
	scopes := map[string]func(ctx context.Context, body func(ctx context.Context) error) error{
		"Timeout": func(ctx context.Context, body func(context.Context) error) error {
			return aio.Timeout(ctx, time.Hour, func(ctx context.Context, _ *aio.Scope) error { return body(ctx) })
		},
		"CancelScope": func(ctx context.Context, body func(context.Context) error) error {
			return aio.CancelScope(ctx, func(ctx context.Context, _ *aio.Scope) error { return body(ctx) })
		},
		"TaskGroup": func(ctx context.Context, body func(context.Context) error) error {
			return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
				tg.Go(func(ctx context.Context) error { return aio.Sleep(ctx, time.Second) })
				return body(ctx)
			})
		},
		"Shield": func(ctx context.Context, body func(context.Context) error) error {
			return body(aio.Shield(ctx))
		},
	}
	for name, scope := range scopes {
		t.Run("inside a "+name, func(t *testing.T) {
			runV(t, func(ctx context.Context) (int, error) {
				outside := false
				g := aio.NewAsyncGenerator(func(ctx context.Context, y *ay) error {
					err := scope(ctx, func(ctx context.Context) error {
						_, err := y.Yield(ctx, 1)
						return err
					})
					if !errors.Is(err, aio.ErrYieldInScope) {
						return fmt.Errorf("yield in the scope: %v", err)
					}
					// Outside the scope, the same body may yield.
					_, err = y.Yield(ctx, 2)
					outside = err == nil
					return err
				})
				v, err := g.Next(ctx)
				if v != 2 || err != nil {
					return 0, fmt.Errorf("Next: %d, %v", v, err)
				}
				if _, err := g.Next(ctx); !errors.Is(err, aio.ErrStopAsyncIteration) || !outside {
					return 0, fmt.Errorf("end: %v", err)
				}
				return 0, nil
			})
		})
	}
}

func TestAsyncGenYieldWithAValueContextOfItsOwnIsAllowed(t *testing.T) {
	runV(t, func(ctx context.Context) (int, error) {
		g := aio.NewAsyncGenerator(func(ctx context.Context, y *ay) error {
			vctx := context.WithValue(ctx, ctxKeyT{}, "v")
			_, err := y.Yield(vctx, 1)
			return err
		})
		// The driver awaits inside a scope of its own: the body's
		// context is that scope, so yielding there is no crossing.
		return 0, aio.Timeout(ctx, time.Hour, func(ctx context.Context, _ *aio.Scope) error {
			if v, err := g.Next(ctx); v != 1 || err != nil {
				return fmt.Errorf("Next: %d, %v", v, err)
			}
			return g.AClose(ctx)
		})
	})
}
