package harness

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/aio-go/aio/internal/leakcheck"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

func series(rt string, vs ...float64) *Series { return &Series{Runtime: rt, Values: vs} }

// sampleReport is a report as a run on a machine with every peer but trio
// would produce it.
func sampleReport() *Report {
	spawn, _ := workload("spawn")
	parked, _ := workload("parked")
	gens, _ := workload("generators")
	trio := &Series{Runtime: Trio, Status: Skipped, Note: "no trio"}
	return &Report{
		Started: time.Date(2026, 11, 26, 5, 0, 0, 0, time.UTC),
		Wall:    90 * time.Second,
		Machine: Machine{CPU: "Test CPU", Cores: 2, Memory: "1 GiB", OS: "TestOS", Go: "go1.26"},
		Python:  &Python{Path: "/usr/bin/python3", Version: "3.11.2", Uvloop: "0.17.0"},
		Notes:   []string{"trio skipped: no trio."},
		Outcomes: []*Outcome{
			{Workload: gens, Size: gens.Size, Reps: 3, Series: []*Series{
				series(AIO, 30, 20, 25), series(Go, 5, 5, 5), series(CPython, 60, 50, 55)}},
			{Workload: spawn, Size: spawn.Size, Reps: 1, Series: []*Series{
				series(AIO, 100), series(Go, 50), series(Asyncio, 2000), series(Uvloop, 900), trio}},
			{Workload: parked, Size: parked.Size, Reps: 1, Series: []*Series{
				series(AIO, 3000), series(Go, 2700), series(Asyncio, 850), series(Uvloop, 850), trio}},
		},
	}
}

func TestRatioIsThePeersMedianOverAios(t *testing.T) {
	r := sampleReport()
	o := r.Outcomes[0]
	if got, ok := o.Ratio(CPython); !ok || got != 55.0/25 {
		t.Errorf("generators vs cpython: %v, %v; want %v", got, ok, 55.0/25)
	}
	if _, ok := r.Outcomes[1].Ratio(Trio); ok {
		t.Error("a ratio against a skipped peer")
	}
}

func TestMarkdownMarksTargetsMetAndMissed(t *testing.T) {
	var b bytes.Buffer
	if err := sampleReport().Markdown(&b, "aio-bench --only x", "benchmarks.png"); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{
		"`aio-bench --only x`",
		"![aio's speed-up over each peer](benchmarks.png)",
		"| 2.20× | ≥ 2× faster than cpython | met |",        // generators: 55/25
		"| 9.00× | ≥ 10× faster than uvloop | **missed** |", // spawn: 900/100
		"| parked | memory per parked task | 3000 B/task |",
		"CPython needs about 1.3 KB per task | **missed** |",
		"| 3.11.2 (`/usr/bin/python3`) |",
		"| trio | not installed (skipped) |",
		"- trio skipped: no trio.",
		"| trio | skipped (see the notes) |",
		"| aio | 25.0 ms/traversal | 20.0 ms – 30.0 ms | (aio) |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "sleep0_1") {
		t.Error("the report lists a target of a workload that did not run")
	}
}

func TestChartIsAPNG(t *testing.T) {
	var b bytes.Buffer
	if err := sampleReport().Chart(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte("\x89PNG\r\n")) {
		t.Errorf("not a PNG: % x", b.Bytes()[:min(8, b.Len())])
	}
	if err := (&Report{}).Chart(&b); err == nil {
		t.Error("a chart of nothing")
	}
}

func TestFiguresFollowTheWorkloadsUnit(t *testing.T) {
	spawn, _ := workload("spawn")
	parked, _ := workload("parked")
	random, _ := workload("sleep_random")
	for _, c := range []struct {
		o         *Outcome
		res       result
		v, extra  float64
		wantError bool
	}{
		{&Outcome{Workload: spawn, Size: 1000}, result{Seconds: 0.002, Ops: 1000}, 2000, -1, false},
		{&Outcome{Workload: parked, Size: 1000}, result{Seconds: 0.001, Ops: 1000, PeakRSSKB: 3000, BaseRSSKB: 1000}, 2048, 1, false},
		{&Outcome{Workload: random, Size: 1000}, result{Seconds: 0.5, Ops: 1, PeakRSSKB: 3000, BaseRSSKB: 1000}, 0.5, 2, false},
		{&Outcome{Workload: parked, Size: 1000}, result{Seconds: 0.001, Ops: 1000}, 0, 0, true},
		{&Outcome{Workload: spawn, Size: 1000}, result{Seconds: 0.001}, 0, 0, true},
	} {
		v, extra, err := c.o.figures(c.res)
		if (err != nil) != c.wantError || (err == nil && (v != c.v || extra != c.extra)) {
			t.Errorf("%s %+v: %v, %v, %v; want %v, %v", c.o.Name, c.res, v, extra, err, c.v, c.extra)
		}
	}
}

func TestFormatFigure(t *testing.T) {
	for _, c := range []struct {
		v    float64
		unit string
		want string
	}{
		{84.2, "ns/step", "84.2 ns/step"},
		{1234, "ns/step", "1.23 µs/step"},
		{19_500, "ns/task", "19.5 µs/task"},
		{0.5, "ms/tree", "500 µs/tree"},
		{123.4, "ms/tree", "123 ms/tree"},
		{2.5, "s", "2.50 s"},
		{3221.7, "B/task", "3222 B/task"},
	} {
		if got := formatFigure(c.v, c.unit); got != c.want {
			t.Errorf("formatFigure(%v, %q) = %q, want %q", c.v, c.unit, got, c.want)
		}
	}
}

func TestUnknownWorkloadIsAnError(t *testing.T) {
	_, err := Run(t.Context(), Options{Only: []string{"spawn", "nope"}, Worker: []string{"true"}})
	if err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("got %v", err)
	}
}

func TestEveryTargetNamesAWorkload(t *testing.T) {
	for _, tg := range Targets {
		if _, ok := workload(tg.Workload); !ok {
			t.Errorf("target of unknown workload %q", tg.Workload)
		}
	}
}

// fakePython writes an executable that answers the probe as an interpreter
// with the given packages would.
func fakePython(t *testing.T, name, answer string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte("#!/bin/sh\necho '"+answer+"'\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFindPythonPrefersOneWithUvloopAndTrio(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("shell scripts")
	}
	plain := fakePython(t, "plain", `{"python": "3.12.1", "uvloop": null, "trio": null}`)
	uv := fakePython(t, "uv", `{"python": "3.11.2", "uvloop": "0.17.0", "trio": null}`)
	both := fakePython(t, "both", `{"python": "3.11.2", "uvloop": "0.17.0", "trio": "0.22.0"}`)
	for _, c := range []struct {
		candidates []string
		want       string
	}{
		{[]string{plain, uv, both}, both},
		{[]string{"/nonexistent/python3", plain, uv}, uv},
		{[]string{plain}, plain},
	} {
		p, err := findPython(c.candidates)
		if err != nil || p.Path != c.want {
			t.Errorf("%v: got %+v, %v; want %s", c.candidates, p, err, c.want)
		}
	}
	if p, err := findPython([]string{"/nonexistent/python3"}); err == nil {
		t.Errorf("found %+v", p)
	}
}

// TestRunPassesTheInProcessWarmup runs a smoke run of two workloads with a
// fake aio worker that logs its arguments, and checks that spawn's workers
// are asked for an in-process warm-up and gen_send's for none.
func TestRunPassesTheInProcessWarmup(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("shell scripts")
	}
	dir := t.TempDir()
	log := filepath.Join(dir, "args")
	worker := filepath.Join(dir, "worker")
	script := "#!/bin/sh\necho \"$@\" >> " + log + "\n" +
		`printf '{"runtime": "%s", "workload": "%s", "size": %s, "seconds": 0.001, "ops": 1}\n' "$2" "$4" "$6"` + "\n"
	if err := os.WriteFile(worker, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	rep, err := Run(t.Context(), Options{Smoke: true, Only: []string{"spawn", "gen_send"},
		Worker: []string{worker}, Pythons: []string{"/nonexistent/python3"}})
	if err != nil || len(rep.Failures) > 0 {
		t.Fatalf("%v %v", err, rep.Failures)
	}
	args, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"--runtime aio --workload spawn --size 1000 --warmup 1\n",
		"--runtime go --workload spawn --size 1000 --warmup 1\n",
		"--runtime aio --workload gen_send --size 1000 --warmup 0\n",
	} {
		if !strings.Contains(string(args), want) {
			t.Errorf("no worker ran with %q; they ran with:\n%s", want, args)
		}
	}
}

// TestPythonWorkerWarmsUp runs the Python worker, where this machine has
// one, with --warmup as the harness passes it: the warm-up rounds are not
// counted in the ops, and a memory workload refuses them (exit status 2).
func TestPythonWorkerWarmsUp(t *testing.T) {
	py, err := findPython(nil)
	script := findScript()
	if err != nil || script == "" {
		t.Skipf("no Python worker here (%v, script %q)", err, script)
	}
	r := &runner{opts: Options{Timeout: time.Minute}, rep: &Report{Python: py, Script: script}, env: workerEnv(true)}
	for _, c := range []struct {
		workload     string
		size, warmup int
	}{
		{"spawn", 10, 2},
		{"tree_memo", 2, 1},
		{"gen_send", 10, 1},
	} {
		rt := Asyncio
		if c.workload == "gen_send" {
			rt = CPython
		}
		res, err := r.runWorker(t.Context(), rt, c.workload, c.size, c.warmup)
		if err != nil {
			t.Errorf("%s in %s after %d warm-up rounds: %v", c.workload, rt, c.warmup, err)
			continue
		}
		if res.Ops != c.size || res.Seconds <= 0 {
			t.Errorf("%s in %s after %d warm-up rounds: %+v, want %d ops", c.workload, rt, c.warmup, res, c.size)
		}
	}
	_, err = r.runWorker(t.Context(), Asyncio, "parked", 10, 1)
	if ex := (*exitError)(nil); !errors.As(err, &ex) || ex.code != 2 {
		t.Errorf("parked with a warm-up: %v, want exit status 2", err)
	}
}

// TestEagerTreeWithoutEagerTasksIsNoVerdict checks that an eager tree that
// aio ran without eager tasks is marked, and its target neither met nor
// missed.
func TestEagerTreeWithoutEagerTasksIsNoVerdict(t *testing.T) {
	w, _ := workload("tree_none_eager")
	aio := series(AIO, 10)
	aio.NotEager = true
	uv := series(Uvloop, 200)
	uv.NotEager = true
	r := sampleReport()
	r.Outcomes = append(r.Outcomes, &Outcome{Workload: w, Size: 2, Reps: 1, Series: []*Series{aio, series(Asyncio, 300), uv}})
	var b bytes.Buffer
	if err := r.Markdown(&b, "aio-bench", ""); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{
		"| tree_none_eager | async_tree none, eager | 10.0 ms/tree (not eager) | uvloop 200 ms/tree (not eager) | 20.0× | ≥ 15× faster than uvloop | eager unavailable |",
		"| uvloop (not eager) | 200 ms/tree |",
		"Not eager: aio (this build of aio has no eager tasks); uvloop (Python 3.11.2 has no eager task factory, which 3.12 added).",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q:\n%s", want, md)
		}
	}
}
