//go:build amd64 || arm64

package prefetch

// Line starts fetching the cache line that holds addr.
func Line(addr uintptr)

// Stack starts fetching the top of the stack of the parked goroutine whose
// runtime descriptor is at gp (internal/goid's identity): the first 320
// bytes from its saved stack pointer, where the frames that resuming it
// returns into lie. gp == 0 does nothing. It reads the saved stack pointer
// at its offset in the runtime's g (the test checks the offset against the
// descriptor's own stack bounds): were the layout to change, it would
// prefetch the wrong line, which is harmless.
func Stack(gp uintptr)

// word returns the word at addr, for the test of Stack's offset.
func word(addr uintptr) uintptr
