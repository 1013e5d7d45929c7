//go:build !unix

package aio

import "errors"

var errNoReactor = errors.New("I/O readiness is not supported on this system")

func newBackend(*reactor, bool) (backend, error) { return nil, errNoReactor }

func isNonblock(uintptr) (bool, error) { return false, errNoReactor }

type portableFD struct{}

// closeFD is never called: no FD is ever registered here.
func closeFD(uintptr) {}
