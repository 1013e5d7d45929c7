//go:build amd64 || arm64

package prefetch

import (
	"iter"
	"testing"
	"unsafe"

	"github.com/aio-go/aio/internal/goid"
)

// TestStackReadsTheParkedGoroutinesStackPointer checks the offset that Stack
// reads in the runtime's g: for a parked coroutine's goroutine, the word
// there lies within the stack bounds that the descriptor's first two words
// hold. It fails if a Go release moves the field, which would leave Stack
// prefetching the wrong memory.
func TestStackReadsTheParkedGoroutinesStackPointer(t *testing.T) {
	var g uintptr
	next, stop := iter.Pull(func(yield func(struct{}) bool) {
		g = goid.G()
		yield(struct{}{})
	})
	defer stop()
	next() // the coroutine is now parked in its yield
	if g == 0 {
		t.Fatal("no goroutine identity")
	}
	lo, hi, sp := word(g), word(g+8), word(g+schedSP)
	if lo == 0 || hi <= lo || sp < lo || sp >= hi {
		t.Fatalf("g+%d = %#x is not a stack pointer within the stack [%#x, %#x)", schedSP, sp, lo, hi)
	}
	Stack(g)
}

// schedSP is the offset that the assembly reads.
const schedSP = 56

func TestPrefetchesNeverFault(t *testing.T) {
	for _, a := range []uintptr{0, 1, 1 << 47, ^uintptr(0)} {
		Line(a)
	}
	Stack(0)
	var x [64]byte
	Line(uintptr(unsafe.Pointer(&x)))
}
