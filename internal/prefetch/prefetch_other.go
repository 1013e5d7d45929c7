//go:build !amd64 && !arm64

package prefetch

// Line does nothing on this architecture.
func Line(addr uintptr) {}

// Stack does nothing on this architecture.
func Stack(gp uintptr) {}
