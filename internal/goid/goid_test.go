package goid_test

import (
	"runtime"
	"testing"

	"github.com/aio-go/aio/internal/goid"
	"github.com/aio-go/aio/internal/leakcheck"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

func TestGIsStableWithinAGoroutineAndDiffersAcrossLiveOnes(t *testing.T) {
	if runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64" {
		t.Skip("no goroutine identity on " + runtime.GOARCH)
	}
	me := goid.G()
	if me == 0 || goid.G() != me {
		t.Fatalf("G = %#x then %#x", me, goid.G())
	}
	const n = 8
	ids := make(chan uintptr, n)
	release := make(chan struct{})
	for range n {
		go func() {
			ids <- goid.G()
			<-release // stay alive so that no descriptor is reused
		}()
	}
	seen := map[uintptr]bool{me: true}
	for range n {
		id := <-ids
		if seen[id] {
			t.Fatalf("two live goroutines share the identity %#x", id)
		}
		seen[id] = true
	}
	close(release)
}

func BenchmarkG(b *testing.B) {
	for b.Loop() {
		goid.G()
	}
}
