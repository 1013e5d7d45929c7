//go:build !plan9

package streamtest

import "syscall"

// errReset is what a reset connection's reads fail with (Hooks.ResetAfter).
var errReset error = syscall.ECONNRESET
