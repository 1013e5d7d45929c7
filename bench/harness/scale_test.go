package harness

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestScalingTableSetsAioBesideUvloop(t *testing.T) {
	r := sampleReport()
	for _, c := range []struct {
		name     string
		aio, uvl float64
	}{{"ready_1", 100, 2500}, {"ready_1k", 150, 1500}, {"ready_100k", 700, 1400}, {"timers_1k", 300, 1200}} {
		w, ok := workload(c.name)
		if !ok {
			t.Fatalf("no workload %s", c.name)
		}
		r.Outcomes = append(r.Outcomes, &Outcome{Workload: w, Size: w.Size, Reps: 1,
			Series: []*Series{series(AIO, c.aio), series(Uvloop, c.uvl)}})
	}
	var b bytes.Buffer
	if err := r.Markdown(&b, "aio-bench", ""); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{
		"## Scaling\n",
		"| operation | runtime | N = 1 | N = 1,000 | N = 100,000 |",
		"| `sleep(0)` step among N ready tasks (`ready_*`) | aio | 100 ns | 150 ns | 700 ns |",
		"|  | uvloop | 2.50 µs | 1.50 µs | 1.40 µs |",
		"| | aio's speed-up | 25.0× | 10.0× | 2.00× |",
		// timers_1 and timers_100k did not run: their cells are empty.
		"| timer armed and cancelled among N pending (`timers_*`) | aio |  | 300 ns |  |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q:\n%s", want, md)
		}
	}
	if strings.Index(md, "## Targets") > strings.Index(md, "## Scaling") {
		t.Error("the scaling table is not after the targets")
	}
}

func TestScalingWorkloadsHaveTheirCountsInTheirSize(t *testing.T) {
	for _, c := range scaleCounts {
		for _, f := range scaleFamilies {
			w, ok := workload(f.prefix + "_" + c.suffix)
			if !ok {
				t.Fatalf("no workload %s_%s", f.prefix, c.suffix)
			}
			if w.Size < c.n {
				t.Errorf("%s: size %d below its %d tasks or timers", w.Name, w.Size, c.n)
			}
		}
	}
}

// TestChartPanels checks that a report of speed-ups alone, of memory alone
// and of both each makes a chart.
func TestChartPanels(t *testing.T) {
	full := sampleReport()
	speed, memory := sampleReport(), sampleReport()
	speed.Outcomes = full.Outcomes[:2]
	memory.Outcomes = full.Outcomes[2:]
	for name, r := range map[string]*Report{"both": full, "speed-ups": speed, "memory": memory} {
		var b bytes.Buffer
		if err := r.Chart(&b); err != nil || !bytes.HasPrefix(b.Bytes(), []byte("\x89PNG\r\n")) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestPythonWorkerSaysWhetherEager runs an eager tree and a scaling
// workload in the Python worker, where this machine has one (the smoke run
// runs all of them): the eager tree says whether its tasks started eagerly
// (CPython 3.12 and later), and the other says nothing of it.
func TestPythonWorkerSaysWhetherEager(t *testing.T) {
	py, err := findPython(nil)
	script := findScript()
	if err != nil || script == "" {
		t.Skipf("no Python worker here (%v, script %q)", err, script)
	}
	r := &runner{opts: Options{Timeout: time.Minute}, rep: &Report{Python: py, Script: script}, env: workerEnv(true)}
	var major, minor int
	fmt.Sscanf(py.Version, "%d.%d", &major, &minor)
	for _, c := range []struct {
		workload string
		size     int
	}{{"tree_none_tg_eager", 1}, {"timers_100k", 40}} {
		res, err := r.runWorker(t.Context(), Asyncio, c.workload, c.size, 0)
		if err != nil {
			t.Errorf("%s: %v", c.workload, err)
			continue
		}
		if res.Ops != c.size || res.Seconds <= 0 {
			t.Errorf("%s: %+v, want %d ops", c.workload, res, c.size)
		}
		if want := isEager(c.workload); (res.Eager != nil) != want {
			t.Errorf("%s: eager %v", c.workload, res.Eager)
		} else if want && *res.Eager != (major > 3 || major == 3 && minor >= 12) {
			t.Errorf("%s: eager %v in Python %s", c.workload, *res.Eager, py.Version)
		}
	}
}
