package harness

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// sampleEcho is an echo outcome with go-net and uvloop measured, aio's
// epoll server given as measured, the portable one not built and trio
// skipped.
func sampleEcho(aio bool) *EchoOutcome {
	e := &EchoOutcome{Sizes: echoFull.sizes, Reps: 3, Conns: 10, Warmup: echoFull.warmup, Window: echoFull.window,
		IdleConns: 10_000, SyscallTool: "perf"}
	point := func(size int, rate, user, sys, sc float64) *EchoPoint {
		return &EchoPoint{Size: size, Rate: []float64{rate * 0.9, rate, rate * 1.1}, User: []float64{user}, Sys: []float64{sys}, Client: []float64{12}, Syscalls: sc}
	}
	series := func(kind string, idle float64, rates ...float64) *EchoSeries {
		i := slices.IndexFunc(EchoServers, func(s EchoServer) bool { return s.Kind == kind })
		s := &EchoSeries{EchoServer: EchoServers[i], IdleBytes: idle}
		for j, size := range e.Sizes {
			s.Points = append(s.Points, point(size, rates[j], 3, 8, 2.1))
		}
		return s
	}
	if aio {
		a := series("aio-epoll", 5000, 90_000, 80_000, 40_000)
		a.Points[0].User = []float64{0.8}
		a.Points[0].Syscalls = 2.0
		e.Series = append(e.Series, a)
	} else {
		e.Series = append(e.Series, &EchoSeries{EchoServer: EchoServers[0], Status: Unavailable, Note: "not built", IdleBytes: -1})
	}
	uvloopProtocols := series("uvloop-protocols", 1000, 82_000, 60_000, 38_000)
	uvloopProtocols.Points[0].SyscallsBy = map[string]float64{"read": 1, "write": 1, "epoll_wait": 0.005}
	e.Series = append(e.Series,
		&EchoSeries{EchoServer: EchoServers[1], Status: Unavailable, Note: "not built", IdleBytes: -1},
		series("go-net", 9000, 60_000, 50_000, 21_000),
		series("uvloop-streams", 3000, 69_000, 40_000, 3_000),
		uvloopProtocols,
		&EchoSeries{EchoServer: EchoServers[7], Status: Skipped, Note: "no trio", IdleBytes: -1},
	)
	return e
}

func echoMarkdown(t *testing.T, e *EchoOutcome) string {
	t.Helper()
	r := sampleReport()
	r.Echo = e
	var b bytes.Buffer
	if err := r.Markdown(&b, "aio-bench --only echo", ""); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	return md[strings.Index(md, "### echo\n"):]
}

func TestEchoSectionHasATablePerSizeAndTheIdleMemory(t *testing.T) {
	md := echoMarkdown(t, sampleEcho(false))
	for _, want := range []string{
		"#### 1 KiB messages", "#### 10 KiB messages", "#### 100 KiB messages",
		"| go-net | 60,000 | 54,000 – 66,000 | 3.00 | — | 8.00 | 2.10 | 12.0 |",
		"| uvloop-protocols | 82,000 | 73,800 – 90,200 | 3.00 | — | 8.00 | 2.10: read 1.00, write 1.00, other 0.10 | 12.0 |",
		"| aio-epoll | not built (bench/echo/server_aio.go) |",
		"| trio | skipped (see the notes) |",
		"#### Memory per idle connection", "10,000 connections", "| uvloop-protocols | 1000 |",
		"`raw_syscalls:sys_enter`",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the echo section lacks %q:\n%s", want, md)
		}
	}
}

// TestEchoUserCPUBeyondSyscallsTakesOffWhatTheMachineChargesASyscall: with
// the machine's user share of a syscall measured, each row also gives the
// user time less that share times the row's syscalls per request.
func TestEchoUserCPUBeyondSyscallsTakesOffWhatTheMachineChargesASyscall(t *testing.T) {
	r := sampleReport()
	r.Machine.SyscallUser = 500 // ns
	r.Echo = sampleEcho(false)
	var b bytes.Buffer
	if err := r.Markdown(&b, "aio-bench --only echo", ""); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{
		"| go-net | 60,000 | 54,000 – 66,000 | 3.00 | 1.95 | 8.00 | 2.10 | 12.0 |", // 3.00 - 2.10 × 0.5
		"500 ns a getppid",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q:\n%s", want, md)
		}
	}
}

func TestEchoTargetsAreNotMeasuredWithoutAio(t *testing.T) {
	md := echoMarkdown(t, sampleEcho(false))
	targets := md[strings.Index(md, "#### Targets (`"):]
	if n := strings.Count(targets, "| not measured |"); n != len(echoTargets()) {
		t.Errorf("%d targets not measured, want all %d:\n%s", n, len(echoTargets()), targets)
	}
}

func TestEchoTargetsMetAndMissed(t *testing.T) {
	md := echoMarkdown(t, sampleEcho(true))
	for _, want := range []string{
		"| 1 KiB | req/s at least Go's net's | 90,000 req/s | ≥ 1× go-net (60,000) | met |",
		"| 1 KiB | server user CPU per request (a third of uvloop's protocol server) | 0.80 µs | ≤ 1.0 µs | met |",
		"| 10 KiB | server user CPU per request (a third of uvloop's protocol server) | 3.00 µs | ≤ 1.0 µs | **missed** |",
		"| 1 KiB | syscalls per request (a read, a write, a shared epoll_wait) | 2.00 | ≤ 2.2 | met |",
		"| 100 KiB | req/s at least 3× uvloop's streams' | 40,000 req/s | ≥ 3× uvloop-streams (9,000) | met |",
		"| — | memory per idle connection at most Go's net's | 5000 B | ≤ go-net (9000 B) | met |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the targets lack %q:\n%s", want, md)
		}
	}
}

func TestEchoIsAWorkloadName(t *testing.T) {
	if names := Names(); names[len(names)-1] != EchoName {
		t.Errorf("Names() = %q, want echo last", names)
	}
	list, err := selectWorkloads([]string{EchoName})
	if err != nil || len(list) != 0 {
		t.Errorf("selectWorkloads(echo) = %v, %v; want no workload and no error", list, err)
	}
}

func TestEveryEchoServerHasAKnownRuntime(t *testing.T) {
	for _, s := range EchoServers {
		if !slices.Contains(runtimes, s.Runtime) || s.What == "" {
			t.Errorf("%+v", s)
		}
	}
}

// TestEchoSkipsMissingPeersCleanly runs the echo workload with no Python
// and a worker whose server has no kind at all (exit status 3, as the aio
// kinds answer before they are built in): every Python server is skipped,
// every Go one is "not built", and nothing is a failure.
func TestEchoSkipsMissingPeersCleanly(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("shell scripts")
	}
	worker := filepath.Join(t.TempDir(), "worker")
	if err := os.WriteFile(worker, []byte("#!/bin/sh\necho \"no kind $3\" >&2\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	rep, err := Run(t.Context(), Options{Smoke: true, Only: []string{EchoName},
		Worker: []string{worker}, Pythons: []string{"/nonexistent/python3"}})
	if err != nil || len(rep.Failures) > 0 {
		t.Fatalf("%v %v", err, rep.Failures)
	}
	if rep.Echo == nil || len(rep.Outcomes) != 0 {
		t.Fatalf("echo %v, outcomes %v", rep.Echo, rep.Outcomes)
	}
	for _, s := range rep.Echo.Series {
		want := Unavailable
		if isPython(s.Runtime) {
			want = Skipped
		}
		if s.Status != want || s.IdleBytes != -1 {
			t.Errorf("%s: status %v (%s), idle %v; want status %v", s.Kind, s.Status, s.Note, s.IdleBytes, want)
		}
	}
}

// fakeEchoWorker is a worker whose servers answer at once and whose client
// reports made-up figures: the aio-portable server's idle run fails (as a
// server that runs out of descriptors does), and so does go-net's rate
// run.
const fakeEchoWorker = `#!/bin/sh
if [ "$1" = echo-server ]; then
	case "$3" in
	aio-portable) port=1 ;;
	go-net) port=2 ;;
	*) port=3 ;;
	esac
	echo "{\"addr\":\"127.0.0.1:$port\",\"pid\":$$,\"nofile\":0}"
	cat >/dev/null
	exit 0
fi
shift
addr= idle=
while [ $# -gt 0 ]; do
	case "$1" in
	--addr) addr=$2; shift ;;
	--idle) idle=$2; shift ;;
	esac
	shift
done
if [ -n "$idle" ]; then
	if [ "$addr" = 127.0.0.1:1 ]; then
		echo "echo-client: connection 90 of 100: connection reset by peer" >&2
		exit 1
	fi
	echo "{\"requests\":0,\"seconds\":0,\"idle_conns\":$idle,\"base_rss_kb\":1000,\"idle_rss_kb\":2000}"
	exit 0
fi
if [ "$addr" = 127.0.0.1:2 ]; then
	echo "echo-client: connection refused" >&2
	exit 1
fi
echo '{"requests":1000,"seconds":0.5,"server_user_s":0.001,"server_sys_s":0.002,"client_user_s":0.001,"client_sys_s":0.001,"syscalls":2000}'
`

// TestAFailedEchoPointFailsItsOwnTableOnly: aio-portable's idle run fails
// and go-net's rate run fails; each is failed in that table alone, and the
// other figures of both servers are reported.
func TestAFailedEchoPointFailsItsOwnTableOnly(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("shell scripts")
	}
	worker := filepath.Join(t.TempDir(), "worker")
	if err := os.WriteFile(worker, []byte(fakeEchoWorker), 0o755); err != nil {
		t.Fatal(err)
	}
	rep, err := Run(t.Context(), Options{Smoke: true, Only: []string{EchoName}, Syscalls: SyscallsOff,
		Worker: []string{worker}, Pythons: []string{"/nonexistent/python3"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Failures) != 2 {
		t.Errorf("failures %q, want aio-portable's idle run and go-net's rate run", rep.Failures)
	}
	size := echoSmoke.sizes[0]
	portable, goNet := rep.Echo.Of("aio-portable"), rep.Echo.Of("go-net")
	if p := portable.Of(size); portable.Status != OK || p.Failure != "" || len(p.Rate) != 1 || p.Rate[0] != 2000 {
		t.Errorf("aio-portable: status %v, point %+v; want its rate of 2000 req/s", portable.Status, p)
	}
	if !strings.Contains(portable.IdleFailure, "connection reset by peer") || portable.IdleBytes != -1 {
		t.Errorf("aio-portable: idle failure %q, %v B; want the client's error", portable.IdleFailure, portable.IdleBytes)
	}
	if p := goNet.Of(size); goNet.Status != OK || !strings.Contains(p.Failure, "connection refused") || len(p.Rate) != 0 {
		t.Errorf("go-net: status %v, point %+v; want the rate run's failure", goNet.Status, p)
	}
	if goNet.IdleFailure != "" || goNet.IdleBytes != 1000*1024/100 {
		t.Errorf("go-net: idle %v B, failure %q; want 10240 B from a server of its own", goNet.IdleBytes, goNet.IdleFailure)
	}
	md := echoMarkdown(t, rep.Echo)
	for _, want := range []string{
		"| aio-portable | 2,000 | 2,000 – 2,000 |",
		"| go-net | **failed**: ",
		"| aio-portable | **failed**: ",
		"| go-net | 10240 |",
		"| aio-epoll | 10240 |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the echo section lacks %q:\n%s", want, md)
		}
	}
}
