package gen_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/aio-go/aio/gen"
	"github.com/aio-go/aio/internal/leakcheck"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

// Helpers shared by the test files of the package.

// waitLimit bounds every wait on the garbage collector or on goroutines
// ending; a wait that hits it fails its test.
const waitLimit = 5 * time.Second

// catch runs f and returns what it panicked with, or nil.
func catch(f func()) (p any) {
	defer func() { p = recover() }()
	f()
	return nil
}

// baseline drains the coroutine pool and returns the number of goroutines
// left: what a test must get back to.
func baseline() int {
	gen.DrainPool()
	return runtime.NumGoroutine()
}

// expectGoroutines waits until, with the pool drained, no more than want
// goroutines are alive. A goroutine that is ending (a coroutine handed back
// by a runtime cleanup) may take a moment, so it polls, yielding the
// processor, and fails the test after waitLimit.
func expectGoroutines(t *testing.T, want int) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		gen.DrainPool()
		n := runtime.NumGoroutine()
		if n <= want {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			buf = buf[:runtime.Stack(buf, true)]
			t.Fatalf("%d goroutines alive, want at most %d:\n%s", n, want, buf)
		}
		runtime.Gosched()
	}
}

// collectUntil runs the garbage collector until done is closed, and fails
// the test (returning false) if that takes longer than waitLimit.
func collectUntil(t *testing.T, done <-chan struct{}, what string) bool {
	t.Helper()
	deadline := time.After(waitLimit)
	for {
		runtime.GC()
		select {
		case <-done:
			return true
		case <-deadline:
			t.Errorf("%s: not done %v after the generator became unreachable", what, waitLimit)
			return false
		default:
			runtime.Gosched()
		}
	}
}
