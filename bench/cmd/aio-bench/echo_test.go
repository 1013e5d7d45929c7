package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aio-go/aio/bench/echo"
)

// TestEchoSmokeLeavesNoProcess runs the echo workload's smoke run end to
// end: the go-net server gives figures (this test binary is its server and
// its client, see TestMain), and so do the aio kinds once
// bench/echo/server_aio.go is built in ("not built" until then); the
// Python servers run where this machine has them; and no server, client or
// syscall counter outlives the run.
func TestEchoSmokeLeavesNoProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("runs servers and clients in subprocesses")
	}
	quickRaceExit(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "BENCHMARKS.md")
	var stdout, stderr bytes.Buffer
	start := time.Now()
	code := cli([]string{"--smoke", "--only", "echo", "--out", out, "--chart", filepath.Join(dir, "b.png")}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit status %d\n%s", code, stderr.String())
	}
	t.Logf("the echo smoke run took %v", time.Since(start).Round(time.Millisecond))
	md, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	report := string(md)
	wants := []*regexp.Regexp{regexp.MustCompile(`#### Targets \(`)}
	for _, kind := range []string{echo.GoNet, echo.AIOEpoll, echo.AIOPortable} {
		if echo.Lookup(kind) == nil {
			wants = append(wants, regexp.MustCompile(`\| `+kind+` \| not built`))
			continue
		}
		wants = append(wants,
			regexp.MustCompile(`\| `+kind+` \| [\d,]+ \| [\d,]+ – [\d,]+ \|`), // its rate
			regexp.MustCompile(`\| `+kind+` \| \d+ \|`))                       // its idle memory
	}
	for _, want := range wants {
		if !want.MatchString(report) {
			t.Errorf("the report lacks %s:\n%s", want, report)
		}
	}
	if strings.Contains(report, "failed") {
		t.Errorf("the report mentions a failure:\n%s", report)
	}
	if left := leftovers(t); len(left) > 0 {
		t.Errorf("processes left after the run: %q", left)
	}
}

// leftovers lists the processes that this test's run may have left: this
// process's children, and any process running this binary or this
// repository's echo.py.
func leftovers(t *testing.T) []string {
	if runtime.GOOS != "linux" {
		t.Log("no /proc: not checked")
		return nil
	}
	exe, _ := os.Executable()
	script, _ := filepath.Abs(filepath.Join("..", "..", "python", "echo.py"))
	self := os.Getpid()
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	var left []string
	for _, d := range dirs {
		pid, _ := strconv.Atoi(filepath.Base(d))
		if pid == self {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join(d, "cmdline"))
		if err != nil {
			continue
		}
		cmd := strings.ReplaceAll(string(cmdline), "\x00", " ")
		stat, _ := os.ReadFile(filepath.Join(d, "stat"))
		f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		child := len(f) > 1 && f[1] == strconv.Itoa(self)
		if child || strings.Contains(cmd, exe+" worker echo-") || strings.Contains(cmd, script) {
			left = append(left, cmd)
		}
	}
	return left
}
