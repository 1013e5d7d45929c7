package echo

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// The tools that count a server's system calls.
const (
	Perf   = "perf"   // perf stat -e raw_syscalls:sys_enter, enabled for the window only
	Strace = "strace" // strace -c -f, attached for the window (ptrace: slow)
)

// FindSyscallTool returns the first tool that counts system calls here,
// Perf then Strace, or "" and why neither does. It tries each as the client
// uses it, attached to a process that is not its child (a sleep), since
// that is what perf_event_paranoid and ptrace restrictions (Yama) forbid
// first.
func FindSyscallTool() (tool, why string) {
	var whys []string
	for _, tool := range []string{Perf, Strace} {
		if _, err := exec.LookPath(tool); err != nil {
			whys = append(whys, "no "+tool)
			continue
		}
		if tryCounter(tool) == nil {
			return tool, ""
		}
		whys = append(whys, tool+" cannot attach to a process here")
	}
	return "", strings.Join(whys, ", ")
}

// tryCounter counts the syscalls of a cat fed a few lines, with the tool.
func tryCounter(tool string) error {
	cat := exec.Command("cat")
	in, err := cat.StdinPipe()
	if err != nil {
		return err
	}
	if err := cat.Start(); err != nil {
		return err
	}
	defer func() {
		in.Close()
		cat.Wait()
	}()
	c, err := startCounter(tool, cat.Process.Pid)
	if err != nil {
		return err
	}
	for range 10 {
		io.WriteString(in, "x\n")
		time.Sleep(time.Millisecond)
	}
	n, _, err := c.stop()
	if err == nil && n == 0 {
		err = errors.New("no syscall counted")
	}
	return err
}

// A counter counts the system calls of a process from its start to stop:
// all of them, and by name those it can tell apart (strace: every call;
// perf: the calls of perfCalls that have a tracepoint here).
type counter interface {
	stop() (total int64, by map[string]int64, err error)
}

// perfCalls are the calls perf counts by name besides the total: those an
// echo server makes per request (reads, writes, polls), and those that say
// where else the time goes (a runtime's futexes and sleeps, the
// allocator's mappings). The total counts the others too.
var perfCalls = []string{
	"read", "write", "readv", "writev", "recvfrom", "sendto", "recvmsg", "sendmsg",
	"epoll_wait", "epoll_pwait", "epoll_pwait2", "epoll_ctl", "poll", "ppoll", "select", "pselect6",
	"futex", "nanosleep", "clock_nanosleep", "sched_yield", "tgkill", "rt_sigreturn", "getpid",
	"mmap", "munmap", "mremap", "madvise", "brk", "accept4", "close",
}

// perfEvents returns perf's events: the total, and a tracepoint for each of
// perfCalls that tracefs lists (none if tracefs cannot be read).
func perfEvents() string {
	events := []string{"raw_syscalls:sys_enter"}
	for _, dir := range []string{"/sys/kernel/tracing/events/syscalls", "/sys/kernel/debug/tracing/events/syscalls"} {
		if _, err := os.Stat(dir); err != nil {
			continue
		}
		for _, c := range perfCalls {
			if _, err := os.Stat(dir + "/sys_enter_" + c); err == nil {
				events = append(events, "syscalls:sys_enter_"+c)
			}
		}
		break
	}
	return strings.Join(events, ",")
}

// startCounter attaches the tool to the process pid and returns once it
// counts.
func startCounter(tool string, pid int) (counter, error) {
	switch tool {
	case Perf:
		return startPerf(pid)
	case Strace:
		return startStrace(pid)
	}
	return nil, fmt.Errorf("echo: unknown syscall tool %q", tool)
}

const toolTimeout = 10 * time.Second

type perfCounter struct {
	cmd      *exec.Cmd
	ctl, ack *os.File
	out      string
}

// startPerf runs perf stat attached to pid with its events disabled
// (--delay -1), and enables them through its control descriptors, waiting
// for the acknowledgement: the count covers from then to stop exactly,
// perf's own start-up excluded. perf counts the threads that exist when it
// attaches, which in a warmed-up server are all of them.
func startPerf(pid int) (counter, error) {
	out, err := os.CreateTemp("", "echo-perf-*.csv")
	if err != nil {
		return nil, err
	}
	out.Close()
	ctlR, ctlW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	ackR, ackW, err := os.Pipe()
	if err != nil {
		ctlR.Close()
		ctlW.Close()
		return nil, err
	}
	cmd := exec.Command("perf", "stat", "-x", ",", "-e", perfEvents(), "-o", out.Name(),
		"--delay", "-1", "--control", "fd:3,4", "-p", strconv.Itoa(pid))
	cmd.ExtraFiles = []*os.File{ctlR, ackW}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Start()
	ctlR.Close()
	ackW.Close()
	p := &perfCounter{cmd: cmd, ctl: ctlW, ack: ackR, out: out.Name()}
	if err != nil {
		p.cleanup()
		return nil, err
	}
	if err := p.command("enable"); err != nil {
		p.cmd.Process.Kill()
		p.cmd.Wait()
		p.cleanup()
		return nil, fmt.Errorf("perf stat: %v (%s)", err, lastLine(stderr.Bytes()))
	}
	return p, nil
}

// command sends perf a control command and waits for its "ack".
func (p *perfCounter) command(c string) error {
	if _, err := io.WriteString(p.ctl, c+"\n"); err != nil {
		return err
	}
	p.ack.SetReadDeadline(time.Now().Add(toolTimeout))
	buf := make([]byte, 16)
	n, err := p.ack.Read(buf)
	if err != nil {
		return fmt.Errorf("no ack for %s: %w", c, err)
	}
	if !strings.HasPrefix(string(buf[:n]), "ack") {
		return fmt.Errorf("perf answered %q to %s", buf[:n], c)
	}
	return nil
}

func (p *perfCounter) cleanup() {
	p.ctl.Close()
	p.ack.Close()
	os.Remove(p.out)
}

func (p *perfCounter) stop() (int64, map[string]int64, error) {
	defer p.cleanup()
	derr := p.command("disable")
	p.cmd.Process.Signal(os.Interrupt)
	werr := p.cmd.Wait()
	if derr != nil {
		return 0, nil, derr
	}
	b, err := os.ReadFile(p.out)
	if err != nil {
		return 0, nil, err
	}
	n, by, err := parsePerfCalls(b)
	if err != nil && werr != nil {
		err = fmt.Errorf("%w (perf: %v)", err, werr)
	}
	return n, by, err
}

// parsePerf reads the count of raw_syscalls:sys_enter from perf stat -x ,.
func parsePerf(out []byte) (int64, error) {
	n, _, err := parsePerfCalls(out)
	return n, err
}

// parsePerfCalls reads perf stat -x , (lines "COUNT,,EVENT,...") : the
// count of raw_syscalls:sys_enter, and those of the syscalls:sys_enter_NAME
// events above 0, by NAME.
func parsePerfCalls(out []byte) (int64, map[string]int64, error) {
	total, by := int64(-1), map[string]int64{}
	for line := range strings.Lines(string(out)) {
		f := strings.Split(strings.TrimSpace(line), ",")
		if len(f) < 3 {
			continue
		}
		name, isCall := strings.CutPrefix(f[2], "syscalls:sys_enter_")
		if f[2] != "raw_syscalls:sys_enter" && !isCall {
			continue
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, nil, fmt.Errorf("perf counted %q for %s", f[0], f[2])
		}
		switch {
		case !isCall:
			total = n
		case n > 0:
			by[name] = n
		}
	}
	if total < 0 {
		return 0, nil, fmt.Errorf("no raw_syscalls:sys_enter count in perf's output (%s)", lastLine(out))
	}
	return total, by, nil
}

type straceCounter struct {
	cmd  *exec.Cmd
	out  string
	done chan struct{} // stderr drained
}

// startStrace attaches strace -c -f to pid and returns once strace says it
// is attached (to every thread, with -f).
func startStrace(pid int) (counter, error) {
	out, err := os.CreateTemp("", "echo-strace-*.txt")
	if err != nil {
		return nil, err
	}
	out.Close()
	cmd := exec.Command("strace", "-c", "-f", "-o", out.Name(), "-p", strconv.Itoa(pid))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		os.Remove(out.Name())
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		os.Remove(out.Name())
		return nil, err
	}
	s := &straceCounter{cmd: cmd, out: out.Name(), done: make(chan struct{})}
	attached := make(chan string, 1)
	go func() {
		defer close(s.done)
		sc := bufio.NewScanner(stderr)
		var lines []string
		for sc.Scan() {
			lines = append(lines, sc.Text())
			if strings.Contains(sc.Text(), "attached") {
				select {
				case attached <- "":
				default:
				}
			}
		}
		select {
		case attached <- strings.Join(lines, " | "):
		default:
		}
	}()
	select {
	case msg := <-attached:
		if msg == "" {
			return s, nil
		}
		err = fmt.Errorf("strace did not attach: %s", msg)
	case <-time.After(toolTimeout):
		err = errors.New("strace did not attach in time")
	}
	cmd.Process.Kill()
	<-s.done
	cmd.Wait()
	os.Remove(s.out)
	return nil, err
}

func (s *straceCounter) stop() (int64, map[string]int64, error) {
	defer os.Remove(s.out)
	s.cmd.Process.Signal(os.Interrupt)
	<-s.done
	werr := s.cmd.Wait()
	b, err := os.ReadFile(s.out)
	if err != nil {
		return 0, nil, err
	}
	n, by, err := parseStrace(b)
	if err != nil && werr != nil {
		err = fmt.Errorf("%w (strace: %v)", err, werr)
	}
	return n, by, err
}

// parseStrace reads strace -c's summary, whose rows are "% time, seconds,
// usecs/call, calls, errors (may be empty), syscall": the calls of the
// "total" row, and of every other row by name.
func parseStrace(out []byte) (int64, map[string]int64, error) {
	by := map[string]int64{}
	for line := range strings.Lines(string(out)) {
		f := strings.Fields(line)
		if len(f) < 5 {
			continue
		}
		n, err := strconv.ParseInt(f[3], 10, 64)
		if err != nil {
			continue // the header, the rules
		}
		if name := f[len(f)-1]; name != "total" {
			by[name] = n
			continue
		}
		return n, by, nil
	}
	return 0, nil, fmt.Errorf("no total in strace's summary (%s)", lastLine(out))
}

func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
