//go:build linux

package aio_test

import (
	"context"
	"errors"
	"fmt"
	"syscall"

	"github.com/aio-go/aio"
)

// A descriptor of the program's own on the loop (trio.lowlevel's
// wait_readable, tokio's AsyncFd): one end of a socket pair is handed to
// the loop with RegisterOwnedFD, a task reads it whenever WaitReadable says
// there is something, and the FD's Close closes the descriptor. The other
// end is written by a second task. The reads are non-blocking: EAGAIN
// means wait.
func ExampleRegisterOwnedFD() {
	_, err := aio.Run(func(ctx context.Context) (struct{}, error) {
		fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC, 0)
		if err != nil {
			return struct{}{}, err
		}
		defer syscall.Close(fds[1])
		f, err := aio.RegisterOwnedFD(ctx, uintptr(fds[0]))
		if err != nil {
			syscall.Close(fds[0]) // a refused registration leaves it ours
			return struct{}{}, err
		}
		defer f.Close() // closes fds[0]

		writer, err := aio.CreateTask(ctx, func(ctx context.Context) (struct{}, error) {
			for _, msg := range []string{"ping", "pong"} {
				if err := aio.Sleep(ctx, 0); err != nil {
					return struct{}{}, err
				}
				if _, err := syscall.Write(fds[1], []byte(msg)); err != nil {
					return struct{}{}, err
				}
			}
			return struct{}{}, syscall.Shutdown(fds[1], syscall.SHUT_WR)
		})
		if err != nil {
			return struct{}{}, err
		}

		var got []byte // a stream: the reads may split and join the writes
		buf := make([]byte, 64)
		for {
			n, err := syscall.Read(int(f.Fd()), buf)
			switch {
			case errors.Is(err, syscall.EAGAIN):
				f.ClearReadable()
				if err := f.WaitReadable(ctx); err != nil {
					return struct{}{}, err
				}
				continue
			case err != nil:
				return struct{}{}, err
			case n == 0:
				fmt.Printf("read %q, then the end of the stream\n", got)
				_, err := writer.Await(ctx)
				return struct{}{}, err
			}
			got = append(got, buf[:n]...)
		}
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// read "pingpong", then the end of the stream
}
