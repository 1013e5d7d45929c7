package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/aio-go/aio/bench/harness"
	"github.com/aio-go/aio/internal/leakcheck"
)

func TestMain(m *testing.M) {
	// The harness starts its Go workers as os.Executable() worker ...;
	// under test that is this binary, which then acts as the worker.
	if len(os.Args) > 1 && os.Args[1] == workerArg {
		os.Exit(cli(os.Args[1:], os.Stdout, os.Stderr))
	}
	leakcheck.Main(m)
}

// TestBenchSmoke runs "aio-bench --smoke" end to end: every workload in the
// aio and go runtimes (this test binary is their worker, see TestMain) and,
// where this machine has them, in the Python peers; then the report and the
// chart. A failed worker fails the run; a missing peer is only a note.
func TestBenchSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every workload in subprocesses")
	}
	quickRaceExit(t)
	dir := t.TempDir()
	out, chart := filepath.Join(dir, "BENCHMARKS.md"), filepath.Join(dir, "benchmarks.png")
	var stdout, stderr bytes.Buffer
	code := cli([]string{"--smoke", "--out", out, "--chart", chart}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("aio-bench --smoke: exit status %d\n%s", code, stderr.String())
	}
	md, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	report := string(md)
	for _, name := range harness.Names() {
		if !strings.Contains(report, "### "+name+"\n") {
			t.Errorf("the report has no section for %s", name)
		}
		if !strings.Contains(stderr.String(), "  "+name) {
			t.Errorf("no progress line for %s", name)
		}
	}
	for _, want := range []string{"**Smoke run**", "## Targets\n", "(benchmarks.png)", "| aio | ", "| Syscalls per operation | "} {
		if !strings.Contains(report, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if strings.Contains(report, "failed") {
		t.Errorf("the report mentions a failure:\n%s", report)
	}
	png, err := os.ReadFile(chart)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Errorf("the chart is not a PNG")
	}
}

// quickRaceExit spares each worker built with -race the race detector's
// one-second pause at exit (GORACE's atexit_sleep_ms), which would make up
// most of the smoke run's time; the workers inherit the environment.
func quickRaceExit(t *testing.T) {
	t.Setenv("GORACE", strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
}

// TestBenchSmokeWritesNothingByDefault checks that a smoke run without
// --out and --chart leaves the working directory alone.
func TestBenchSmokeWritesNothingByDefault(t *testing.T) {
	quickRaceExit(t)
	dir := t.TempDir()
	t.Chdir(dir)
	var stdout, stderr bytes.Buffer
	if code := cli([]string{"--smoke", "--only", "gen_send"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit status %d\n%s", code, stderr.String())
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("the smoke run wrote %v", entries)
	}
}

// TestFullRunOutsideTheRepositoryNeedsOutAndChart checks that a full run
// refuses to start where it cannot find the docs/ it writes to by default,
// before any worker runs.
func TestFullRunOutsideTheRepositoryNeedsOutAndChart(t *testing.T) {
	t.Chdir(t.TempDir())
	var stdout, stderr bytes.Buffer
	if code := cli([]string{"--only", "gen_send"}, &stdout, &stderr); code != 2 {
		t.Errorf("exit status %d, want 2\n%s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "--out and --chart") {
		t.Errorf("stderr %q does not say what to give", stderr.String())
	}
	if strings.Contains(stderr.String(), "gen_send") {
		t.Errorf("a workload ran:\n%s", stderr.String())
	}
}

// TestBuiltBinaryIsItsOwnWorker builds aio-bench as a user would and runs
// one workload with it: the harness must start the binary itself, with
// "worker", as the aio and go workers (under go test that is the test
// binary instead, which TestMain turns into the worker).
func TestBuiltBinaryIsItsOwnWorker(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build aio-bench with")
	}
	bin := filepath.Join(t.TempDir(), "aio-bench")
	if out, err := exec.Command(gobin, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "--smoke", "--only", "gen_send")
	cmd.Dir = t.TempDir()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("aio-bench --smoke --only gen_send: %v\n%s", err, stderr.String())
	}
	for _, rt := range []string{harness.AIO, harness.Go} {
		if !regexp.MustCompile(`gen_send +` + rt + ` +rep 1/1 +\d`).MatchString(stderr.String()) {
			t.Errorf("no figure from the %s worker:\n%s", rt, stderr.String())
		}
	}
}

func TestBenchUsage(t *testing.T) {
	for _, args := range [][]string{
		{"--only", "no_such_workload", "--smoke"},
		{"--reps", "-1"},
		{"extra"},
		{"worker", "--runtime", "aio", "--workload", "no_such_workload", "--size", "1"},
		{"worker", "--runtime", "uvloop", "--workload", "spawn", "--size", "1"},
		{"worker", "--runtime", "go", "--workload", "spawn", "--size", "0"},
		{"worker", "--runtime", "go", "--workload", "spawn", "--size", "1", "--warmup", "-1"},
		{"worker", "--runtime", "aio", "--workload", "parked", "--size", "1", "--warmup", "1"},
	} {
		var stdout, stderr bytes.Buffer
		if code := cli(args, &stdout, &stderr); code != 2 {
			t.Errorf("%q: exit status %d, want 2\n%s", args, code, stderr.String())
		}
	}
}

// TestBenchWorkerProtocol checks the worker's side of bench/README.md: one
// JSON line for a workload it has, exit status 3 and nothing on stdout for
// one it has not.
func TestBenchWorkerProtocol(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := cli([]string{"worker", "--runtime", "go", "--workload", "parked", "--size", "100"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit status %d\n%s", code, stderr.String())
	}
	var res struct {
		Runtime, Workload string
		Size, Ops         int
		Seconds           float64
		PeakRSSKB         int64 `json:"peak_rss_kb"`
		BaseRSSKB         int64 `json:"base_rss_kb"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatalf("%q: %v", stdout.String(), err)
	}
	if res.Runtime != "go" || res.Workload != "parked" || res.Size != 100 || res.Ops != 100 || res.Seconds <= 0 {
		t.Errorf("result %+v", res)
	}
	if runtime.GOOS == "linux" && (res.BaseRSSKB <= 0 || res.PeakRSSKB < res.BaseRSSKB) {
		t.Errorf("memory figures %+v", res)
	}
	if n := strings.Count(stdout.String(), "\n"); n != 1 {
		t.Errorf("%d lines, want 1", n)
	}

	stdout.Reset()
	if code := cli([]string{"worker", "--runtime", "go", "--workload", "sleep0_1", "--size", "10"}, &stdout, &stderr); code != 3 {
		t.Errorf("sleep0_1 in go: exit status %d, want 3", code)
	}
	if stdout.Len() > 0 {
		t.Errorf("sleep0_1 in go printed %q", stdout.String())
	}
}

// TestBenchWorkerWarmup checks the worker's --warmup: the warm-up rounds
// run (a failing one would fail the worker) but are not counted in the
// measured ops, for a workload whose round is the whole size and for a
// tree, whose round is one tree.
func TestBenchWorkerWarmup(t *testing.T) {
	t.Setenv("BENCH_TREE_LEVELS", "2")
	t.Setenv("BENCH_TREE_BRANCHES", "2")
	for _, c := range []struct{ rt, workload, size string }{
		{"aio", "spawn", "100"},
		{"go", "spawn", "100"},
		{"aio", "tree_memo", "2"},
		{"go", "tree_none_tg", "2"},
	} {
		var stdout, stderr bytes.Buffer
		args := []string{"worker", "--runtime", c.rt, "--workload", c.workload, "--size", c.size, "--warmup", "2"}
		if code := cli(args, &stdout, &stderr); code != 0 {
			t.Errorf("%q: exit status %d\n%s", args, code, stderr.String())
			continue
		}
		var res struct {
			Size, Ops int
			Seconds   float64
		}
		if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
			t.Fatalf("%q: %v", stdout.String(), err)
		}
		if fmt.Sprint(res.Size) != c.size || fmt.Sprint(res.Ops) != c.size || res.Seconds <= 0 {
			t.Errorf("%q: result %+v, want %s ops", args, res, c.size)
		}
	}
}
