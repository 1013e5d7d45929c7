package workloads_test

import (
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/aio-go/aio/bench/workloads"
	"github.com/aio-go/aio/internal/leakcheck"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

func isMemory(workload string) bool { return workload == "sleep_random" || workload == "parked" }

// TestEveryWorkloadRunsAtATinySize runs each workload once in each runtime
// that has it, with the smoke run's trees, after a warm-up round where the
// workload takes one, and checks what it reports.
func TestEveryWorkloadRunsAtATinySize(t *testing.T) {
	t.Setenv("BENCH_TREE_LEVELS", "2")
	t.Setenv("BENCH_TREE_BRANCHES", "2")
	for _, name := range workloads.Names() {
		for _, rt := range []string{workloads.AIO, workloads.Go} {
			t.Run(name+" in "+rt, func(t *testing.T) {
				size := 40
				if strings.HasPrefix(name, "tree_") || name == "sleep_random" {
					size = 1 // these sleep: 50 ms a tree, up to 0.5 s a task
				}
				warmup := 1
				if isMemory(name) {
					warmup = 0
				}
				res, err := workloads.Run(rt, name, size, warmup)
				if !workloads.Has(rt, name) {
					if !errors.Is(err, workloads.ErrNoWorkload) {
						t.Fatalf("got %v, want ErrNoWorkload", err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if res.Runtime != rt || res.Workload != name || res.Size != size || res.Seconds <= 0 || res.Ops <= 0 {
					t.Errorf("result %+v", res)
				}
				memory := isMemory(name)
				if memory != (res.PeakRSSKB != 0) && runtime.GOOS == "linux" {
					t.Errorf("memory figures %+v for a workload that %s", res, map[bool]string{true: "measures memory", false: "does not"}[memory])
				}
				if memory && res.PeakRSSKB < res.BaseRSSKB {
					t.Errorf("peak %d KB below base %d KB", res.PeakRSSKB, res.BaseRSSKB)
				}
			})
		}
	}
}

// TestOpsFollowTheREADME checks the operations each workload reports, which
// the harness divides the time by.
func TestOpsFollowTheREADME(t *testing.T) {
	t.Setenv("BENCH_TREE_LEVELS", "1")
	for _, c := range []struct {
		workload string
		size     int
		ops      int
	}{
		{"gen_send", 10, 10},
		{"generators", 10, 10}, // 10 traversals whatever the size
		{"async_generators", 10, 10},
		{"sleep0_2", 11, 10}, // size/2 steps by each of two tasks
		{"pingpong_future", 11, 10},
		{"pingpong_event", 1, 2}, // at least one round trip
		{"queue_pingpong", 11, 10},
		{"sleep_random", 5, 1}, // the total wall time
		{"parked", 7, 7},
		{"tree_memo", 3, 3},
		{"executor_20k", 4, 20}, // 5 rounds
	} {
		warmup := 2
		if isMemory(c.workload) {
			warmup = 0
		}
		res, err := workloads.Run(workloads.AIO, c.workload, c.size, warmup)
		if err != nil {
			t.Fatalf("%s: %v", c.workload, err)
		}
		if res.Ops != c.ops {
			t.Errorf("%s of size %d after %d warm-up rounds: %d ops, want %d", c.workload, c.size, warmup, res.Ops, c.ops)
		}
	}
}

// TestMemoryWorkloadsRefuseAWarmup checks that a warm-up, which would raise
// the peak RSS that they report, is refused for the memory workloads.
func TestMemoryWorkloadsRefuseAWarmup(t *testing.T) {
	for _, name := range []string{"sleep_random", "parked"} {
		for _, rt := range []string{workloads.AIO, workloads.Go} {
			if _, err := workloads.Run(rt, name, 1, 1); !errors.Is(err, workloads.ErrNoWarmup) {
				t.Errorf("%s in %s with a warm-up: got %v, want ErrNoWarmup", name, rt, err)
			}
		}
	}
}

func TestRunRefusesWhatItDoesNotKnow(t *testing.T) {
	for _, c := range []struct{ rt, workload string }{
		{"uvloop", "spawn"},
		{workloads.AIO, "no_such_workload"},
	} {
		if _, err := workloads.Run(c.rt, c.workload, 1, 0); err == nil || errors.Is(err, workloads.ErrNoWorkload) {
			t.Errorf("%s in %s: got %v, want an error other than ErrNoWorkload", c.workload, c.rt, err)
		}
	}
	if _, err := workloads.Run(workloads.Go, "sleep0_1", 1, 0); !errors.Is(err, workloads.ErrNoWorkload) {
		t.Errorf("sleep0_1 in go: got %v, want ErrNoWorkload", err)
	}
	if _, err := workloads.Run(workloads.AIO, "spawn", 0, 0); err == nil {
		t.Error("size 0: no error")
	}
	if _, err := workloads.Run(workloads.AIO, "spawn", 1, -1); err == nil {
		t.Error("warm-up -1: no error")
	}
	t.Setenv("BENCH_TREE_LEVELS", "x")
	if _, err := workloads.Run(workloads.AIO, "tree_none", 1, 0); err == nil {
		t.Error("BENCH_TREE_LEVELS=x: no error")
	}
}
