package harness

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// writeEcho writes the echo workload's section: what it measures, a table
// per message size, the memory per idle connection and issue 14's targets.
func writeEcho(b *bytes.Buffer, e *EchoOutcome, syscallUser float64) {
	fmt.Fprintf(b, "### %s\n\n", EchoName)
	fmt.Fprintf(b, "Echo over TCP on 127.0.0.1, as vmbench and uvloop's examples/bench run it: a client in a Go process of its own "+
		"keeps %d connections busy, each sending a message, reading it back whole, then sending the next; "+
		"it counts the requests over a %v window after %v of warm-up. Each measurement is a fresh server process; "+
		"the servers take turns (A B C A B C), %d repetition%s, and a figure is the median. "+
		"The server's CPU per request is its user and system time over the window (/proc/<pid>/stat, all threads; 10 ms ticks), "+
		"the client's is its own (getrusage; both processes share the machine's cores). ",
		e.Conns, e.Window, e.Warmup, e.Reps, plural(e.Reps))
	switch e.SyscallTool {
	case "":
		fmt.Fprintf(b, "Syscalls per request were not counted: %s. ", e.SyscallNote)
	case "perf":
		b.WriteString("Syscalls per request are the server's `raw_syscalls:sys_enter` events over one more window, " +
			"after the last repetition, on the same server (`perf stat -p`, enabled for the window only), outside the timed runs. ")
	default:
		b.WriteString("Syscalls per request are counted by `strace -c -f -p` over one more window after the last repetition, " +
			"outside the timed runs (ptrace slows the server, so that window's rate is not reported). ")
	}
	b.WriteString("Servers:\n\n")
	for _, s := range e.Series {
		fmt.Fprintf(b, "- `%s`: %s\n", s.Kind, s.What)
	}
	b.WriteString("\n")
	if syscallUser > 0 {
		fmt.Fprintf(b, "The column \"user beyond its syscalls\" is the server's user µs/req less its syscalls per request times the user CPU this machine charges to a syscall (%s a getppid; see Machine and run): what the runtime's own code costs a request, on a machine where the switch back from a syscall shows as user time.\n\n", formatFigure(syscallUser, "ns"))
	}
	for _, size := range e.Sizes {
		writeEchoSize(b, e, size, syscallUser)
	}
	writeEchoIdle(b, e)
	writeEchoTargets(b, e)
}

func writeEchoSize(b *bytes.Buffer, e *EchoOutcome, size int, syscallUser float64) {
	fmt.Fprintf(b, "#### %s messages\n\n", sizeName(size))
	b.WriteString("| server | req/s | min – max | server user µs/req | user beyond its syscalls | server system µs/req | syscalls/req (by call) | client CPU µs/req |\n")
	b.WriteString("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, s := range e.Series {
		p := s.Of(size)
		switch {
		case s.Status == OK && p != nil && p.Failure != "":
			fmt.Fprintf(b, "| %s | %s | | | | | | |\n", s.Kind, failedCell(p.Failure))
			continue
		case s.Status != OK || p == nil || len(p.Rate) == 0:
			fmt.Fprintf(b, "| %s | %s | | | | | | |\n", s.Kind, echoStatusCell(s))
			continue
		}
		sc := "—"
		if p.Syscalls >= 0 {
			sc = num(p.Syscalls) + byCall(p)
		}
		fmt.Fprintf(b, "| %s | %s | %s – %s | %s | %s | %s | %s | %s |\n", s.Kind, perSecond(median(p.Rate)),
			perSecond(slices.Min(p.Rate)), perSecond(slices.Max(p.Rate)), medianOrDash(p.User), userBeyondSyscalls(p, syscallUser),
			medianOrDash(p.Sys), sc, medianOrDash(p.Client))
	}
	b.WriteString("\n")
}

// userBeyondSyscalls is a point's user µs/req less what its syscalls are
// charged as user time, or "—" without the figures it needs.
func userBeyondSyscalls(p *EchoPoint, syscallUser float64) string {
	if len(p.User) == 0 || p.Syscalls < 0 || syscallUser <= 0 {
		return "—"
	}
	return num(max(0, median(p.User)-p.Syscalls*syscallUser/1000))
}

func writeEchoIdle(b *bytes.Buffer, e *EchoOutcome) {
	fmt.Fprintf(b, "#### Memory per idle connection\n\n"+
		"A fresh server's resident set size (/proc/<pid>/statm) before the first connection, and with %s connections open "+
		"that have each echoed one 1 KiB message and then stay idle; the difference per connection. "+
		"Both processes raise RLIMIT_NOFILE where they may.\n\n", thousands(e.IdleConns))
	b.WriteString("| server | B/connection |\n| --- | ---: |\n")
	for _, s := range e.Series {
		cell := echoStatusCell(s)
		switch {
		case s.IdleBytes >= 0:
			cell = fmt.Sprintf("%.0f", s.IdleBytes)
		case s.Status == OK && s.IdleFailure != "":
			cell = failedCell(s.IdleFailure)
		case s.Status == OK && s.IdleNote != "":
			cell = "not measured: " + strings.ReplaceAll(s.IdleNote, "|", "\\|")
		}
		fmt.Fprintf(b, "| %s | %s |\n", s.Kind, cell)
	}
	b.WriteString("\n")
}

func echoStatusCell(s *EchoSeries) string {
	if s.Status == Unavailable {
		return "not built (bench/echo/server_aio.go)"
	}
	return statusCell(&Series{Status: s.Status, Note: s.Note})
}

// failedCell is the cell of a figure whose run failed.
func failedCell(why string) string {
	return statusCell(&Series{Status: Failed, Note: why})
}

func medianOrDash(xs []float64) string {
	if len(xs) == 0 {
		return "—"
	}
	return num(median(xs))
}

// echoTarget is a goal of issue 14 for aio's epoll server.
type echoTarget struct {
	size int // 0: the memory per idle connection
	what string
	// check returns aio's figure, the bound it is held to, and whether it
	// meets it; ok is false if either is unmeasured.
	check func(e *EchoOutcome, size int) (fig, bound string, met, ok bool)
}

// rateAtLeast is "aio's req/s at least factor times the peer's".
func rateAtLeast(peer string, factor float64) func(e *EchoOutcome, size int) (string, string, bool, bool) {
	return func(e *EchoOutcome, size int) (string, string, bool, bool) {
		a, p := echoMedian(e, AIOKind, size, rate), echoMedian(e, peer, size, rate)
		bound := fmt.Sprintf("≥ %g× %s", factor, peer)
		if p >= 0 {
			bound += fmt.Sprintf(" (%s)", perSecond(p*factor))
		}
		return perSecond(a) + " req/s", bound, a >= factor*p, a >= 0 && p >= 0
	}
}

// AIOKind is the aio server that issue 14's targets hold to.
const AIOKind = "aio-epoll"

type echoFigure int

const (
	rate echoFigure = iota
	user
	syscalls
)

// echoMedian returns a median figure of a kind at a size, -1 if unmeasured.
func echoMedian(e *EchoOutcome, kind string, size int, f echoFigure) float64 {
	s := e.Of(kind)
	if s == nil || s.Status != OK {
		return -1
	}
	p := s.Of(size)
	if p == nil || p.Failure != "" {
		return -1
	}
	var xs []float64
	switch f {
	case rate:
		xs = p.Rate
	case user:
		xs = p.User
	case syscalls:
		return p.Syscalls
	}
	if len(xs) == 0 {
		return -1
	}
	return median(xs)
}

func echoTargets() []echoTarget {
	var ts []echoTarget
	for _, size := range []int{1 << 10, 10 << 10} {
		ts = append(ts,
			echoTarget{size, "req/s at least Go's net's", rateAtLeast("go-net", 1)},
			echoTarget{size, "req/s at least uvloop's protocol server's", rateAtLeast("uvloop-protocols", 1)},
			echoTarget{size, "server user CPU per request (a third of uvloop's protocol server)", func(e *EchoOutcome, size int) (string, string, bool, bool) {
				a := echoMedian(e, AIOKind, size, user)
				return num(a) + " µs", "≤ 1.0 µs", a <= 1.0, a >= 0
			}},
			echoTarget{size, "syscalls per request (a read, a write, a shared epoll_wait)", func(e *EchoOutcome, size int) (string, string, bool, bool) {
				a := echoMedian(e, AIOKind, size, syscalls)
				return num(a), "≤ 2.2", a <= 2.2, a >= 0
			}},
		)
	}
	ts = append(ts,
		echoTarget{100 << 10, "req/s at least 3× uvloop's streams'", rateAtLeast("uvloop-streams", 3)},
		echoTarget{100 << 10, "req/s at least uvloop's protocol server's", rateAtLeast("uvloop-protocols", 1)},
		echoTarget{0, "memory per idle connection at most Go's net's", func(e *EchoOutcome, _ int) (string, string, bool, bool) {
			a, g := idleBytes(e, AIOKind), idleBytes(e, "go-net")
			return fmt.Sprintf("%.0f B", a), fmt.Sprintf("≤ go-net (%.0f B)", g), a <= g, a >= 0 && g >= 0
		}},
	)
	return ts
}

func idleBytes(e *EchoOutcome, kind string) float64 {
	if s := e.Of(kind); s != nil && s.Status == OK {
		return s.IdleBytes
	}
	return -1
}

func writeEchoTargets(b *bytes.Buffer, e *EchoOutcome) {
	fmt.Fprintf(b, "#### Targets (`%s`)\n\n", AIOKind)
	b.WriteString("| messages | target | aio | bound | met |\n| --- | --- | ---: | ---: | --- |\n")
	for _, t := range echoTargets() {
		if t.size != 0 && !slices.Contains(e.Sizes, t.size) {
			continue
		}
		fig, bound, met, ok := t.check(e, t.size)
		if !ok {
			fig = "—"
		}
		size := "—"
		if t.size != 0 {
			size = sizeName(t.size)
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", size, t.what, fig, bound, verdict(ok, met))
	}
	b.WriteString("\n")
}

// perSecond formats a rate to the unit: 61,947.
func perSecond(v float64) string { return thousands(int(v + 0.5)) }

// byCall lists the calls of at least 0.01 per request, most first, at most
// five, and what the others add up to: ": read 1.00, write 1.00, other 0.13".
func byCall(p *EchoPoint) string {
	if len(p.SyscallsBy) == 0 {
		return ""
	}
	type call struct {
		name string
		n    float64
	}
	var calls []call
	rest := p.Syscalls
	for name, n := range p.SyscallsBy {
		calls = append(calls, call{name, n})
	}
	slices.SortFunc(calls, func(a, b call) int {
		if a.n != b.n {
			return cmp.Compare(b.n, a.n)
		}
		return strings.Compare(a.name, b.name)
	})
	var parts []string
	for _, c := range calls {
		if len(parts) == 5 || c.n < 0.01 {
			break
		}
		parts = append(parts, c.name+" "+num(c.n))
		rest -= c.n
	}
	if rest >= 0.01 {
		parts = append(parts, "other "+num(rest))
	}
	return ": " + strings.Join(parts, ", ")
}
