package workloads_test

import (
	"strings"
	"testing"

	"github.com/aio-go/aio/bench/workloads"
)

// TestEagerTreesSayWhetherTheyRanEagerly checks that every eager tree
// reports whether its tasks started eagerly, and no other workload does:
// the harness marks the figures of a build without eager tasks by it.
func TestEagerTreesSayWhetherTheyRanEagerly(t *testing.T) {
	t.Setenv("BENCH_TREE_LEVELS", "1")
	t.Setenv("BENCH_TREE_BRANCHES", "2")
	eager := 0
	for _, name := range workloads.Names() {
		if !strings.HasPrefix(name, "tree_") {
			continue
		}
		res, err := workloads.Run(workloads.AIO, name, 1, 0)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if isEager := strings.HasSuffix(name, "_eager"); isEager != (res.Eager != nil) {
			t.Errorf("%s: eager %v in the result", name, res.Eager)
		}
		if strings.HasSuffix(name, "_eager") {
			eager++
			if workloads.Has(workloads.Go, name) {
				t.Errorf("%s in plain Go, which has no eager tasks", name)
			}
		}
	}
	if eager != 8 {
		t.Errorf("%d eager trees, want 8 (4 leaves, gather and task group)", eager)
	}
}
