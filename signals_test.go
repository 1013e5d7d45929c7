//go:build unix

package aio_test

// Signals under WithSignals, after CPython's asyncio.Runner
// (Lib/test/test_asyncio/test_runners.py: test_signal_install_not_supported_ok,
// test_interrupt_call_soon, test_interrupt_wait, and the second Ctrl-C that
// raises KeyboardInterrupt at once). The signals are real: the tests send
// SIGINT and SIGTERM to their own process, and only while a Run with
// WithSignals is waiting for them; without a handler either signal would
// end the test process.

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/aio-go/aio"
)

var etSignals = []struct {
	name string
	sig  syscall.Signal
}{{"SIGINT", syscall.SIGINT}, {"SIGTERM", syscall.SIGTERM}}

// etFakeExit replaces the exit hook for the test, so that a second signal
// reports its status on the returned channel instead of ending the process.
func etFakeExit(t *testing.T) <-chan int {
	codes := make(chan int, 2)
	t.Cleanup(aio.SetExitHook(func(code int) { codes <- code }))
	return codes
}

func TestAFirstSignalCancelsMainWithErrInterrupted(t *testing.T) {
	for _, s := range etSignals {
		sig := s.sig
		t.Run(s.name, func(t *testing.T) {
			codes := etFakeExit(t)
			var awaitErr error
			err := etRun(t, []aio.Option{aio.WithSignals()}, func(ctx context.Context) error {
				if err := syscall.Kill(os.Getpid(), sig); err != nil {
					return err
				}
				_, awaitErr = aio.NewFuture[int]().Await(ctx) // nothing else ends this await
				return awaitErr
			})
			if err := etWantCancel(awaitErr, aio.ErrInterrupted); err != nil {
				t.Errorf("main's await: %v", err)
			}
			if err := etWantCancel(err, aio.ErrInterrupted); err != nil {
				t.Errorf("Run: %v", err)
			}
			select {
			case code := <-codes:
				t.Errorf("one signal exited with %d", code)
			default:
			}
		})
	}
}

func TestASecondSignalExitsWith128PlusTheSignal(t *testing.T) {
	for _, s := range etSignals {
		sig := s.sig
		t.Run(s.name, func(t *testing.T) {
			codes := etFakeExit(t)
			code := 0
			err := etRun(t, []aio.Option{aio.WithSignals()}, func(ctx context.Context) error {
				if err := syscall.Kill(os.Getpid(), sig); err != nil {
					return err
				}
				_, err := aio.NewFuture[int]().Await(ctx)
				if err := etWantCancel(err, aio.ErrInterrupted); err != nil {
					t.Errorf("main's await: %v", err)
				}
				// A cleanup that hangs: the user presses Ctrl-C again.
				if err := syscall.Kill(os.Getpid(), sig); err != nil {
					return err
				}
				// The exit does not need the loop: its thread may wait.
				code, err = etRecv(codes, "the exit of a second signal")
				return err
			})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if want := 128 + int(sig); code != want {
				t.Errorf("exit status %d, want %d", code, want)
			}
		})
	}
}

// TestRunRemovesItsSignalHandlerWhenItReturns checks in a child process that
// a SIGINT after Run returned is not swallowed: it kills the process, as it
// does in a program that never installed a handler. In this process a
// signal.Notify channel of the test's own would receive the signal whether
// Run's channel was still registered or not, so it could not tell.
func TestRunRemovesItsSignalHandlerWhenItReturns(t *testing.T) {
	if os.Getenv("AIO_TEST_SIGNAL_CHILD") == "1" {
		aio.Run(func(ctx context.Context) (int, error) { return 0, nil }, aio.WithSignals())
		syscall.Kill(os.Getpid(), syscall.SIGINT)
		// The signal kills the process long before this ends; if it
		// was swallowed, the child exits normally and the parent fails.
		time.Sleep(etPatience)
		os.Exit(0)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestRunRemovesItsSignalHandlerWhenItReturns$", "-test.count=1")
	cmd.Env = append(os.Environ(), "AIO_TEST_SIGNAL_CHILD=1")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("child = %v, want it killed by SIGINT: the signal was swallowed\n%s", err, out)
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGINT {
		t.Fatalf("child ended with %v, want killed by SIGINT\n%s", err, out)
	}
}
