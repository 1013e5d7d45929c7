package gen

import (
	"testing"
	"unsafe"
)

// TestStateSize guards what a generator allocates: its state is one
// allocation of every generator's life, and a field more moves it up an
// allocation size class (BenchmarkNewRun). Change the limit knowingly.
func TestStateSize(t *testing.T) {
	if n := unsafe.Sizeof(state[int, struct{}, int]{}); n > 64 {
		t.Errorf("state[int, struct{}, int] (BenchmarkNewRun's) is %d bytes, more than 64", n)
	}
	if n := unsafe.Sizeof(state[int, int, int]{}); n > 72 {
		t.Errorf("state[int, int, int] is %d bytes, more than 72", n)
	}
}
