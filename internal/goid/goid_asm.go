//go:build amd64 || arm64

package goid

// G returns the identity of the calling goroutine.
func G() uintptr
