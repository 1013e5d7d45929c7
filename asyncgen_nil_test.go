package aio_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aio-go/aio"
)

func TestANilAsyncGeneratorIsRefusedLikeAZeroOne(t *testing.T) {
	runV(t, func(ctx context.Context) (int, error) {
		for name, g := range map[string]*aio.AsyncGenerator[int, int]{"nil": nil, "zero": {}} {
			if g.Done() {
				return 0, fmt.Errorf("%s: Done = true", name)
			}
			for call, err := range map[string]error{
				"Err":    g.Err(),
				"AClose": g.AClose(ctx),
				"ASend":  agenErr(g.ASend(ctx, 0)),
				"Next":   agenErr(g.Next(ctx)),
				"AThrow": agenErr(g.AThrow(ctx, errors.New("x"))),
			} {
				if !errors.Is(err, aio.ErrInvalidState) {
					return 0, fmt.Errorf("%s AsyncGenerator: %s = %v, want ErrInvalidState", name, call, err)
				}
			}
		}
		return 0, nil
	})
}

func agenErr[T any](_ T, err error) error { return err }
