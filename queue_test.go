package aio

import "testing"

// TestRingFIFOAcrossGrowthAndShrink pushes and pops in waves that wrap the
// buffer around, grow it past ringKeep and let it shrink back, checking the
// order of every element and that the burst's capacity is given back.
func TestRingFIFOAcrossGrowthAndShrink(t *testing.T) {
	var r ring[int]
	next, want := 0, 0
	const k = ringKeep / 1024
	for _, wave := range []struct{ push, pop int }{
		{10, 7}, {30, 20}, {5000 * k, 4000 * k}, {100 * k, 1100*k + 13}, {3000 * k, 1000 * k}, {0, 2000 * k}, {50, 40},
	} {
		for range wave.push {
			r.push(next)
			next++
		}
		for range wave.pop {
			if got := r.pop(); got != want {
				t.Fatalf("pop = %d, want %d", got, want)
			}
			want++
		}
		if r.len() != next-want {
			t.Fatalf("len = %d, want %d", r.len(), next-want)
		}
	}
	if len(r.buf) > ringKeep {
		t.Errorf("capacity %d after the burst, want at most %d", len(r.buf), ringKeep)
	}
}
