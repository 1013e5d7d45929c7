//go:build !unix

package streams

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"runtime"
)

// Without unix sockets and a readiness model (windows, plan9, js and wasip1), the
// loop has no reactor (aio.RegisterFD fails), so no socket is made: every
// call that would make one returns errUnsupported, and no Stream or
// Datagram exists to call the others on. The package builds, for code that
// also runs on unix, and for streamtest's memory streams, which work here.

var errUnsupported = fmt.Errorf("streams: sockets on the loop are not supported on %s, which has no I/O readiness for the loop to wait on: %w",
	runtime.GOOS, errors.ErrUnsupported)

type sockaddr any

// The errors that the unix side tells apart. No socket exists here to fail
// with them, and Plan 9 has no errno constants: distinct stand-ins keep the
// shared code's comparisons compiling.
type sysErr int

func (sysErr) Error() string { return errUnsupported.Error() }

const (
	errAgain sysErr = iota + 1
	errIntr
	errInProgress
	errConnAborted
	errMFile
	errNFile
	errNoBufs
	errNoMem
)

func checkSupported() error { return errUnsupported }

func inetSocket(netip.AddrPort, bool) (int, sockaddr, error) { return -1, nil, errUnsupported }
func unixSocket(string) (int, sockaddr, error)               { return -1, nil, errUnsupported }
func socketPair() ([2]int, error)                            { return [2]int{-1, -1}, errUnsupported }
func accept(int) (int, error)                                { return -1, errUnsupported }
func closeSocket(int)                                        {}
func connectSocket(int, sockaddr) error                      { return errUnsupported }
func bindSocket(int, sockaddr) error                         { return errUnsupported }
func shutdownWrite(int) error                                { return errUnsupported }
func shutdownRead(int)                                       {}
func socketError(int) error                                  { return errUnsupported }
func setNoDelay(int)                                         {}
func setV6Only(int, bool)                                    {}
func addrs(int) (net.Addr, net.Addr)                         { return nil, nil }
func localAddrPort(int) netip.AddrPort                       { return netip.AddrPort{} }
func sendTo(int, []byte, netip.AddrPort, bool) error         { return errUnsupported }
func send(int, []byte) error                                 { return errUnsupported }
func recvFrom(int, []byte) (int, netip.AddrPort, error)      { return 0, netip.AddrPort{}, errUnsupported }
func rawRead(int, []byte) (int, error)                       { return 0, errUnsupported }
func rawWrite(int, []byte) (int, error)                      { return 0, errUnsupported }
