// Package leakcheck is the goroutine leak check that every package's
// TestMain runs: after the tests, idle pooled coroutines are ended (they are
// reuse, not leaks) and any goroutine still alive fails the run.
package leakcheck

import (
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"

	"github.com/aio-go/aio/internal/coro"
)

// Main runs the tests of m and then checks for leaked goroutines; it exits
// the process with a failure if the tests failed or something leaked.
func Main(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if err := Check(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}
	os.Exit(code)
}

// Check drains the coroutine pool and reports any goroutine other than the
// caller's and the runtime's own.
func Check() error {
	coro.Default.Drain()
	if err := goleak.Find(); err != nil {
		return fmt.Errorf("leakcheck: goroutines left after the tests: %w", err)
	}
	return nil
}
