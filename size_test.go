package aio

import (
	"testing"
	"unsafe"

	"github.com/aio-go/aio/internal/coro"
)

// TestSizes guards the sizes that decide what a task costs: a million parked
// tasks hold a million of each, and every field added to them moves them up
// an allocation size class. Change the limits knowingly.
func TestSizes(t *testing.T) {
	for _, c := range []struct {
		name      string
		size, max uintptr
	}{
		{"Task[int]", unsafe.Sizeof(Task[int]{}), 192},
		{"goTask", unsafe.Sizeof(goTask{}), 192},
		{"coro.Coro", unsafe.Sizeof(coro.Coro{}), 64},
		{"Future[int]", unsafe.Sizeof(Future[int]{}), 64},
	} {
		if c.size > c.max {
			t.Errorf("%s is %d bytes, more than %d", c.name, c.size, c.max)
		}
	}
}
