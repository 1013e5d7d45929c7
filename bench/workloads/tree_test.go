package workloads

import (
	"math/big"
	"testing"
)

// TestFactorialIsFactorial500 checks the CPU-bound leaf of tree_cpu against
// math/big's own product of 1..500.
func TestFactorialIsFactorial500(t *testing.T) {
	if got, want := factorial(), new(big.Int).MulRange(1, cpuFactorialN); got.Cmp(want) != 0 {
		t.Errorf("factorial() = %v, want %v", got, want)
	}
}

// BenchmarkFactorial is the CPU-bound leaf of tree_cpu: compare with
// CPython's python3 -m timeit -s 'import math' 'math.factorial(500)'.
func BenchmarkFactorial(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		factorial()
	}
}
