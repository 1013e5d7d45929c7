//go:build linux

package aio_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/aio-go/aio"
)

// RegisterOwnedFD's rules: the FD owns its fd, which costs no second
// descriptor on either backend, and closing the FD (or the loop) closes it.

// socket returns a non-blocking TCP socket that the caller closes.
func socket(t *testing.T) int {
	t.Helper()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	return fd
}

// isOpen reports whether fd is an open descriptor.
func isOpen(fd int) bool {
	_, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
	return err == nil
}

// registerEach registers n new sockets with register and returns their
// FDs, and how many descriptors the process opened for them: the sockets'
// and the reactor's, beyond those it holds already. The loop's reactor
// and Go's poller exist before the count starts, so that their own
// descriptors are not counted.
func registerEach(ctx context.Context, t *testing.T, n int, register func(context.Context, uintptr) (*aio.FD, error)) ([]*aio.FD, int, error) {
	first, err := aio.RegisterOwnedFD(ctx, uintptr(socket(t)))
	if err != nil {
		return nil, 0, err
	}
	fds := []*aio.FD{first}
	before := openFDs(t)
	for range n {
		fd := socket(t)
		f, err := register(ctx, uintptr(fd))
		if err != nil {
			unix.Close(fd)
			return fds, 0, err
		}
		fds = append(fds, f)
	}
	return fds, openFDs(t) - before, nil
}

func TestAnOwnedFDCostsOneDescriptorOnEitherBackend(t *testing.T) {
	const n = 64
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			runT(t, func(ctx context.Context) error {
				fds, opened, err := registerEach(ctx, t, n, aio.RegisterOwnedFD)
				defer func() {
					for _, f := range fds {
						f.Close()
					}
				}()
				if err != nil {
					return err
				}
				if opened != n {
					t.Errorf("%d owned FDs opened %d descriptors, want %d", n, opened, n)
				}
				return nil
			}, be.opts...)
		})
	}
}

// TestRegisterFDOnThePortableBackendHoldsADuplicate is the cost that
// RegisterOwnedFD avoids: an fd that the FD does not own is waited on
// through a duplicate.
func TestRegisterFDOnThePortableBackendHoldsADuplicate(t *testing.T) {
	const n = 64
	var fds []*aio.FD
	runT(t, func(ctx context.Context) error {
		var opened int
		var err error
		fds, opened, err = registerEach(ctx, t, n, aio.RegisterFD)
		for _, f := range fds[1:] {
			f.Close()
			if !isOpen(int(f.Fd())) {
				t.Errorf("closing the FD of RegisterFD closed fd %d", f.Fd())
			}
			unix.Close(int(f.Fd()))
		}
		if err != nil {
			return err
		}
		if opened != 2*n {
			t.Errorf("%d FDs opened %d descriptors, want %d (each fd and its duplicate)", n, opened, 2*n)
		}
		return nil
	}, aio.WithPortableReactor())
}

func TestClosingAnOwnedFDClosesItsFD(t *testing.T) {
	eachBackend(t, func(t *testing.T, opts ...aio.Option) {
		pair, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer unix.Close(pair[1])
		fd := socket(t)
		runT(t, func(ctx context.Context) error {
			f, err := aio.RegisterOwnedFD(ctx, uintptr(fd))
			if err != nil {
				return err
			}
			// A wait through an FD parks on the backend (the portable one
			// starts a watcher on the fd), which the close must end.
			g, err := aio.RegisterOwnedFD(ctx, uintptr(pair[0]))
			if err != nil {
				return err
			}
			waiter, err := aio.CreateTask(ctx, func(ctx context.Context) (struct{}, error) {
				return struct{}{}, g.WaitReadable(ctx)
			})
			if err != nil {
				return err
			}
			if err := aio.Sleep(ctx, 0); err != nil {
				return err
			}
			before := openFDs(t)
			f.Close()
			g.Close()
			if isOpen(fd) || isOpen(pair[0]) {
				t.Errorf("fds open after their FDs' Close: %d %v, %d %v", fd, isOpen(fd), pair[0], isOpen(pair[0]))
			}
			if after := openFDs(t); after != before-2 {
				t.Errorf("%d descriptors open after closing two owned FDs, %d before", after, before)
			}
			if _, err := waiter.Await(ctx); !errors.Is(err, fs.ErrClosed) {
				t.Errorf("the wait on a closed FD returned %v, want fs.ErrClosed", err)
			}
			return nil
		}, opts...)
	})
}

func TestTheLoopsCloseClosesTheOwnedFDsStillRegistered(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			fds := []int{socket(t), socket(t)}
			runT(t, func(ctx context.Context) error {
				for _, fd := range fds {
					// Left registered on purpose: the loop's close closes it.
					if _, err := aio.RegisterOwnedFD(ctx, uintptr(fd)); err != nil {
						return err
					}
				}
				return nil
			}, be.opts...)
			for _, fd := range fds {
				if isOpen(fd) {
					t.Errorf("fd %d open after the loop closed", fd)
					unix.Close(fd)
				}
			}
		})
	}
}

func TestAFailedRegisterOwnedFDLeavesTheFDOpenAndTheCallers(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			blocking, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer unix.Close(blocking)
			taken := socket(t)
			defer unix.Close(taken)
			runT(t, func(ctx context.Context) error {
				if f, err := aio.RegisterOwnedFD(ctx, uintptr(blocking)); err == nil {
					f.Close()
					return fmt.Errorf("RegisterOwnedFD of a blocking fd succeeded")
				}
				f, err := aio.RegisterFD(ctx, uintptr(taken))
				if err != nil {
					return err
				}
				defer f.Close()
				if g, err := aio.RegisterOwnedFD(ctx, uintptr(taken)); err == nil {
					g.Close()
					return fmt.Errorf("RegisterOwnedFD of a registered fd succeeded")
				}
				return nil
			}, be.opts...)
			if !isOpen(blocking) || !isOpen(taken) {
				t.Errorf("a refused RegisterOwnedFD closed its fd: %v, %v", isOpen(blocking), isOpen(taken))
			}
		})
	}
}
