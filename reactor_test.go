//go:build linux

package aio_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/aio-go/aio"
)

// The reactor's rules, on both backends: trio's test_io.py (wait_readable,
// wait_writable, notify_closing, BusyResourceError) in Go's form.

var backends = []struct {
	name string
	opts []aio.Option
}{
	{"epoll", nil},
	{"portable", []aio.Option{aio.WithPortableReactor()}},
}

// eachBackend runs fn once per reactor backend, on the real and the
// virtual clock.
func eachBackend(t *testing.T, fn func(t *testing.T, opts ...aio.Option)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { fn(t, b.opts...) })
		t.Run(b.name+"/virtual", func(t *testing.T) {
			fn(t, append([]aio.Option{aio.WithVirtualClock()}, b.opts...)...)
		})
	}
}

// socketpair returns a connected pair of non-blocking Unix stream sockets,
// closed at the end of the test.
func socketpair(t testing.TB) (a, b int) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fds[0]); unix.Close(fds[1]) })
	return fds[0], fds[1]
}

func runT(t testing.TB, main func(ctx context.Context) error, opts ...aio.Option) {
	t.Helper()
	if _, err := aio.Run(func(ctx context.Context) (struct{}, error) {
		return struct{}{}, main(ctx)
	}, opts...); err != nil {
		t.Fatal(err)
	}
}

func TestWaitReadableReturnsWhenAnotherTaskWrites(t *testing.T) {
	eachBackend(t, func(t *testing.T, opts ...aio.Option) {
		a, b := socketpair(t)
		runT(t, func(ctx context.Context) error {
			return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
				tg.Go(func(ctx context.Context) error {
					if err := aio.Sleep(ctx, time.Millisecond); err != nil {
						return err
					}
					_, err := unix.Write(b, []byte("x"))
					return err
				})
				if err := aio.WaitReadable(ctx, uintptr(a)); err != nil {
					return err
				}
				var buf [4]byte
				n, err := unix.Read(a, buf[:])
				if err != nil || string(buf[:n]) != "x" {
					t.Errorf("read %q, %v after WaitReadable", buf[:n], err)
				}
				return nil
			})
		}, opts...)
	})
}

func TestWaitReadableReturnsAtOnceForAReadableFD(t *testing.T) {
	eachBackend(t, func(t *testing.T, opts ...aio.Option) {
		a, b := socketpair(t)
		unix.Write(b, []byte("x"))
		runT(t, func(ctx context.Context) error {
			if err := aio.WaitReadable(ctx, uintptr(a)); err != nil {
				return err
			}
			if err := aio.WaitWritable(ctx, uintptr(a)); err != nil {
				return err
			}
			return nil
		}, opts...)
	})
}

func TestVirtualClockJumpsPastAnFDThatNothingWrites(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			a, _ := socketpair(t)
			runT(t, func(ctx context.Context) error {
				err := aio.Timeout(ctx, time.Hour, func(ctx context.Context, _ *aio.Scope) error {
					return aio.WaitReadable(ctx, uintptr(a))
				})
				if !errors.Is(err, aio.ErrTimeout) {
					t.Errorf("WaitReadable on a silent fd under a 1h timeout = %v, want ErrTimeout", err)
				}
				return nil
			}, append([]aio.Option{aio.WithVirtualClock()}, be.opts...)...)
		})
	}
}

func TestCancelledWaitLeavesTheFDRegisteredAndKeepsTheEdge(t *testing.T) {
	eachBackend(t, func(t *testing.T, opts ...aio.Option) {
		a, b := socketpair(t)
		runT(t, func(ctx context.Context) error {
			f, err := aio.RegisterFD(ctx, uintptr(a))
			if err != nil {
				return err
			}
			defer f.Close()
			// Drain the edge of the fresh registration (writable).
			if err := f.WaitWritable(ctx); err != nil {
				return err
			}
			err = aio.Timeout(ctx, time.Millisecond, func(ctx context.Context, _ *aio.Scope) error {
				return f.WaitReadable(ctx)
			})
			if !errors.Is(err, aio.ErrTimeout) {
				t.Fatalf("WaitReadable under a timeout = %v, want ErrTimeout", err)
			}
			unix.Write(b, []byte("x"))
			if err := f.WaitReadable(ctx); err != nil {
				t.Errorf("WaitReadable after a cancelled one = %v", err)
			}
			return nil
		}, opts...)
	})
}

func TestSecondWaiterInOneDirectionIsBusy(t *testing.T) {
	eachBackend(t, func(t *testing.T, opts ...aio.Option) {
		a, b := socketpair(t)
		runT(t, func(ctx context.Context) error {
			f, err := aio.RegisterFD(ctx, uintptr(a))
			if err != nil {
				return err
			}
			defer f.Close()
			return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
				tg.Go(func(ctx context.Context) error { return f.WaitReadable(ctx) })
				if err := aio.Sleep(ctx, 0); err != nil {
					return err
				}
				if err := f.WaitReadable(ctx); !errors.Is(err, aio.ErrBusyResource) {
					t.Errorf("a second WaitReadable = %v, want ErrBusyResource", err)
				}
				if err := aio.WaitReadable(ctx, uintptr(a)); !errors.Is(err, aio.ErrBusyResource) {
					t.Errorf("WaitReadable(fd) of an fd registered with RegisterFD = %v, want ErrBusyResource", err)
				}
				_, err := unix.Write(b, []byte("x"))
				return err
			})
		}, opts...)
	})
}

func TestRegisteringAnFDTwiceIsBusy(t *testing.T) {
	eachBackend(t, func(t *testing.T, opts ...aio.Option) {
		a, _ := socketpair(t)
		runT(t, func(ctx context.Context) error {
			f, err := aio.RegisterFD(ctx, uintptr(a))
			if err != nil {
				return err
			}
			if _, err := aio.RegisterFD(ctx, uintptr(a)); !errors.Is(err, aio.ErrBusyResource) {
				t.Errorf("RegisterFD twice = %v, want ErrBusyResource", err)
			}
			f.Close()
			f2, err := aio.RegisterFD(ctx, uintptr(a))
			if err != nil {
				t.Errorf("RegisterFD after Close = %v", err)
				return nil
			}
			return f2.Close()
		}, opts...)
	})
}

func TestRegisterFDRefusesWhatCannotBePolled(t *testing.T) {
	eachBackend(t, func(t *testing.T, opts ...aio.Option) {
		fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer unix.Close(fds[0])
		defer unix.Close(fds[1])
		closed, _ := socketpair(t)
		unix.Close(closed)
		runT(t, func(ctx context.Context) error {
			if _, err := aio.RegisterFD(ctx, uintptr(fds[0])); err == nil {
				t.Error("RegisterFD of a blocking socket succeeded")
			}
			if err := aio.WaitReadable(ctx, uintptr(closed)); err == nil {
				t.Error("WaitReadable of a closed fd succeeded")
			}
			return nil
		}, opts...)
	})
}

func TestRegisterFDRefusesARegularFile(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "reg")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fd := int(f.Fd())
	unix.SetNonblock(fd, true)
	runT(t, func(ctx context.Context) error {
		_, err := aio.RegisterFD(ctx, uintptr(fd))
		if err == nil {
			t.Error("RegisterFD of a regular file succeeded on epoll")
		}
		return nil
	})
}

func TestClosingAnFDWakesItsWaiterWithErrClosed(t *testing.T) {
	eachBackend(t, func(t *testing.T, opts ...aio.Option) {
		a, _ := socketpair(t)
		runT(t, func(ctx context.Context) error {
			f, err := aio.RegisterFD(ctx, uintptr(a))
			if err != nil {
				return err
			}
			return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
				tg.Go(func(ctx context.Context) error {
					if err := f.WaitReadable(ctx); !errors.Is(err, fs.ErrClosed) {
						t.Errorf("WaitReadable when the FD closes = %v, want fs.ErrClosed", err)
					}
					return nil
				})
				if err := aio.Sleep(ctx, 0); err != nil {
					return err
				}
				if err := f.Close(); err != nil {
					return err
				}
				if err := f.Close(); err != nil {
					t.Errorf("second Close = %v", err)
				}
				if err := f.WaitWritable(ctx); !errors.Is(err, fs.ErrClosed) {
					t.Errorf("WaitWritable after Close = %v, want fs.ErrClosed", err)
				}
				return nil
			})
		}, opts...)
	})
}

func TestWaitFromAnotherGoroutineOrAfterCloseIsRefused(t *testing.T) {
	eachBackend(t, func(t *testing.T, opts ...aio.Option) {
		a, _ := socketpair(t)
		var f *aio.FD
		var saved context.Context
		runT(t, func(ctx context.Context) error {
			var err error
			if f, err = aio.RegisterFD(ctx, uintptr(a)); err != nil {
				return err
			}
			saved = ctx
			done := make(chan error)
			go func() { done <- f.WaitReadable(ctx) }()
			if err := <-done; !errors.Is(err, aio.ErrWrongTask) {
				t.Errorf("WaitReadable from another goroutine = %v, want ErrWrongTask", err)
			}
			go func() { done <- f.Close() }()
			if err := <-done; !errors.Is(err, aio.ErrWrongTask) {
				t.Errorf("FD.Close from another goroutine = %v, want ErrWrongTask", err)
			}
			return nil
		}, opts...)
		if err := f.WaitReadable(saved); !errors.Is(err, aio.ErrLoopClosed) {
			t.Errorf("WaitReadable after the loop closed = %v, want ErrLoopClosed", err)
		}
		if err := aio.WaitReadable(saved, uintptr(a)); !errors.Is(err, aio.ErrLoopClosed) {
			t.Errorf("WaitReadable(fd) after the loop closed = %v, want ErrLoopClosed", err)
		}
	})
}

func TestAnFDOfAnotherLoopIsRefused(t *testing.T) {
	a, _ := socketpair(t)
	var f *aio.FD
	runT(t, func(ctx context.Context) error {
		var err error
		f, err = aio.RegisterFD(ctx, uintptr(a))
		if err != nil {
			return err
		}
		done := make(chan error)
		go func() {
			_, err := aio.Run(func(ctx context.Context) (int, error) { return 0, f.WaitReadable(ctx) })
			done <- err
		}()
		if err := <-done; !errors.Is(err, aio.ErrWrongLoop) {
			t.Errorf("WaitReadable from another loop = %v, want ErrWrongLoop", err)
		}
		return f.Close()
	})
}

func TestAPostFromAnotherGoroutineWakesALoopWaitingForIO(t *testing.T) {
	eachBackend(t, func(t *testing.T, opts ...aio.Option) {
		a, _ := socketpair(t)
		runT(t, func(ctx context.Context) error {
			l, _ := aio.GetRunningLoop(ctx)
			fut := aio.NewFuture[int]()
			return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
				waiter, _ := aio.CreateTask(ctx, func(ctx context.Context) (struct{}, error) {
					return struct{}{}, aio.WaitReadable(ctx, uintptr(a))
				})
				go l.CallSoonThreadsafe(func() { fut.SetResult(7) })
				v, err := aio.Await(ctx, fut)
				if err != nil || v != 7 {
					t.Errorf("Await = %d, %v", v, err)
				}
				waiter.Cancel(nil)
				return nil
			})
		}, opts...)
	})
}

// TestABusyLoopPollsForIOWithinABoundedNumberOfSteps is the rule that a
// loop whose ready queue never empties still serves I/O: within pollEvery
// (256) steps, and so with a system call for every 256 steps, not one per
// step.
func TestABusyLoopPollsForIOWithinABoundedNumberOfSteps(t *testing.T) {
	a, b := socketpair(t)
	runT(t, func(ctx context.Context) error {
		f, err := aio.RegisterFD(ctx, uintptr(a))
		if err != nil {
			return err
		}
		defer f.Close()
		if err := f.WaitWritable(ctx); err != nil {
			return err
		}
		woke := false
		return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
			tg.Go(func(ctx context.Context) error {
				err := f.WaitReadable(ctx)
				woke = true
				return err
			})
			if err := aio.Sleep(ctx, 0); err != nil {
				return err
			}
			unix.Write(b, []byte("x"))
			steps := 0
			for ; !woke && steps < 10_000; steps++ {
				if err := aio.Sleep(ctx, 0); err != nil {
					return err
				}
			}
			if !woke || steps > 2*256 {
				t.Errorf("the waiter woke after %d steps of a busy loop (woke=%v), want at most 512", steps, woke)
			}
			return nil
		})
	})
}

// openFDs counts the process's open descriptors.
func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	return len(ents)
}

func TestLoopCloseReleasesTheReactorsDescriptors(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			a, _ := socketpair(t)
			before := openFDs(t)
			runT(t, func(ctx context.Context) error {
				// Left registered on purpose: the loop's close unregisters it.
				_, err := aio.RegisterFD(ctx, uintptr(a))
				if err != nil {
					return err
				}
				if openFDs(t) == before && be.name == "epoll" {
					t.Error("no descriptor opened for the epoll instance")
				}
				return nil
			}, be.opts...)
			if after := openFDs(t); after != before {
				t.Errorf("%d descriptors open after Run, %d before", after, before)
			}
		})
	}
}

func TestVirtualClockStandsStillForReadyIO(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			a, b := socketpair(t)
			runT(t, func(ctx context.Context) error {
				start := aio.Now(ctx)
				return aio.WithTaskGroup(ctx, func(ctx context.Context, tg *aio.TaskGroup) error {
					tg.Go(func(ctx context.Context) error { return aio.Sleep(ctx, time.Hour) })
					tg.Go(func(ctx context.Context) error {
						_, err := unix.Write(b, []byte("x"))
						return err
					})
					if err := aio.WaitReadable(ctx, uintptr(a)); err != nil {
						return err
					}
					if d := aio.Now(ctx).Sub(start); d != 0 {
						t.Errorf("the virtual clock moved %v before ready I/O was served", d)
					}
					tg.Cancel(nil)
					return nil
				})
			}, append([]aio.Option{aio.WithVirtualClock()}, be.opts...)...)
		})
	}
}

func TestClearReadableDropsAnEdgeThatAReadConsumed(t *testing.T) {
	for _, clear := range []bool{false, true} {
		runT(t, func(ctx context.Context) error {
			a, b := socketpair(t)
			unix.Write(b, []byte("x"))
			f, err := aio.RegisterFD(ctx, uintptr(a))
			if err != nil {
				return err
			}
			defer f.Close()
			// The wait for writing collects the event that says readable
			// too, and no task waits to read: the edge is kept.
			if err := f.WaitWritable(ctx); err != nil {
				return err
			}
			buf := make([]byte, 16)
			if n, err := unix.Read(a, buf); n != 1 || err != nil {
				t.Fatalf("read = %d, %v", n, err)
			}
			if clear {
				f.ClearReadable()
			}
			returned := false
			err = aio.MoveOnAfter(ctx, time.Second, func(ctx context.Context, _ *aio.Scope) error {
				err := f.WaitReadable(ctx)
				returned = err == nil
				return err
			})
			if err != nil {
				return err
			}
			// Without ClearReadable the kept edge returns the wait at
			// once (the breaking case, for data already read); with it,
			// the wait parks until the timeout.
			if returned == clear {
				t.Errorf("clear %v: WaitReadable returned %v, want %v", clear, returned, !clear)
			}
			return nil
		}, aio.WithVirtualClock())
	}
}
