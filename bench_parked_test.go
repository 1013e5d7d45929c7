package aio_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aio-go/aio"
)

// Memory per parked task, and per parked goroutine, measured the same way:
// a million of them parked, the heap and stack memory in use after a
// collection, less what was in use before, divided by a million.
//
// Each measurement runs in a fresh process (this test binary, started
// again for TestParkedMemoryChild). In the benchmark's own process a
// measurement is distorted by what ran before it: the goroutines of an
// earlier round, or of the benchmark before, have ended, and the runtime
// keeps their descriptors and stacks for reuse, so a second round of a
// million goroutines measured 4,213 B each (4,096 of them stack) where
// the first measures 2,686 B, which is also what a plain program measures.

const (
	parkedN        = 1_000_000
	parkedChildEnv = "AIO_PARKED_CHILD"
)

// BenchmarkParkedTasks parks a million tasks on one future, sets it, and
// reports the memory each parked task held (heap and stacks), measured in a
// fresh process. The figure includes 8 bytes a task of the benchmark's own
// (its slice of handles).
func BenchmarkParkedTasks(b *testing.B) { parkedInChild(b, "tasks", "B/task") }

// BenchmarkParkedGoroutinesBaseline parks a million goroutines on one
// channel and reports the memory each held, measured in a fresh process:
// its stack, its descriptor, its slot in the runtime's list of goroutines
// and what parking on a channel takes (a sudog), and the go statement's
// closure.
func BenchmarkParkedGoroutinesBaseline(b *testing.B) {
	parkedInChild(b, "goroutines", "B/goroutine")
}

// parkedInChild runs one measurement of which in a child process per
// iteration and reports the last.
func parkedInChild(b *testing.B, which, unit string) {
	for b.Loop() {
		cmd := exec.Command(os.Args[0], "-test.run=^TestParkedMemoryChild$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), parkedChildEnv+"="+which)
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("child: %v\n%s", err, out)
		}
		v, ok := parkedFigure(out)
		if !ok {
			b.Fatalf("child printed no figure:\n%s", out)
		}
		b.ReportMetric(v, unit)
	}
}

func parkedFigure(out []byte) (float64, bool) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "parked-bytes "); ok {
			v, err := strconv.ParseFloat(rest, 64)
			return v, err == nil
		}
	}
	return 0, false
}

// TestParkedMemoryChild is the child of the parked-memory benchmarks; it
// does nothing in a test run.
func TestParkedMemoryChild(t *testing.T) {
	var per float64
	switch os.Getenv(parkedChildEnv) {
	case "tasks":
		per = parkedTasksBytes(t)
	case "goroutines":
		per = parkedGoroutinesBytes()
	default:
		t.Skip("the child process of BenchmarkParkedTasks and BenchmarkParkedGoroutinesBaseline")
	}
	fmt.Printf("parked-bytes %.1f\n", per)
}

func inUse() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapInuse + m.StackInuse
}

func parkedTasksBytes(t *testing.T) float64 {
	var per float64
	_, err := aio.Run(func(ctx context.Context) (struct{}, error) {
		f := aio.NewFuture[int]()
		wait := func(ctx context.Context) (int, error) { return f.Await(ctx) }
		ts := make([]*aio.Task[int], parkedN)
		before := inUse()
		for i := range ts {
			task, err := aio.CreateTask(ctx, wait)
			if err != nil {
				return struct{}{}, err
			}
			ts[i] = task
		}
		if err := aio.Sleep(ctx, 0); err != nil { // let them all park
			return struct{}{}, err
		}
		per = float64(inUse()-before) / parkedN
		f.SetResult(1)
		for _, task := range ts {
			if v, err := task.Await(ctx); v != 1 || err != nil {
				return struct{}{}, fmt.Errorf("task = %d, %v", v, err)
			}
		}
		return struct{}{}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return per
}

func parkedGoroutinesBytes() float64 {
	ch := make(chan struct{})
	var parked, wg sync.WaitGroup
	parked.Add(parkedN)
	wg.Add(parkedN)
	before := inUse()
	for range parkedN {
		go func() {
			parked.Done()
			<-ch
			wg.Done()
		}()
	}
	parked.Wait()
	per := float64(inUse()-before) / parkedN
	close(ch)
	wg.Wait()
	return per
}
