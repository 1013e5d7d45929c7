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
// Perf then Strace, or "" and why neither does (not installed, or not
// allowed: perf_event_paranoid, ptrace restrictions).
func FindSyscallTool() (tool, why string) {
	var whys []string
	if _, err := exec.LookPath("perf"); err != nil {
		whys = append(whys, "no perf")
	} else {
		out, err := exec.Command("perf", "stat", "-x", ",", "-e", "raw_syscalls:sys_enter", "--", "true").CombinedOutput()
		if _, perr := parsePerf(out); err == nil && perr == nil {
			return Perf, ""
		}
		whys = append(whys, "perf cannot count raw_syscalls:sys_enter ("+lastLine(out)+")")
	}
	if _, err := exec.LookPath("strace"); err != nil {
		whys = append(whys, "no strace")
	} else {
		if out, err := exec.Command("strace", "-f", "-c", "-o", os.DevNull, "true").CombinedOutput(); err == nil {
			return Strace, ""
		} else {
			whys = append(whys, "strace fails ("+lastLine(out)+")")
		}
	}
	return "", strings.Join(whys, ", ")
}

// A counter counts the system calls of a process from its start to stop.
type counter interface {
	stop() (int64, error)
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
	cmd := exec.Command("perf", "stat", "-x", ",", "-e", "raw_syscalls:sys_enter", "-o", out.Name(),
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

func (p *perfCounter) stop() (int64, error) {
	defer p.cleanup()
	derr := p.command("disable")
	p.cmd.Process.Signal(os.Interrupt)
	werr := p.cmd.Wait()
	if derr != nil {
		return 0, derr
	}
	b, err := os.ReadFile(p.out)
	if err != nil {
		return 0, err
	}
	n, err := parsePerf(b)
	if err != nil && werr != nil {
		err = fmt.Errorf("%w (perf: %v)", err, werr)
	}
	return n, err
}

// parsePerf reads the count of raw_syscalls:sys_enter from perf stat -x ,.
func parsePerf(out []byte) (int64, error) {
	for line := range strings.Lines(string(out)) {
		f := strings.Split(strings.TrimSpace(line), ",")
		if len(f) < 3 || f[2] != "raw_syscalls:sys_enter" {
			continue
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("perf counted %q", f[0])
		}
		return n, nil
	}
	return 0, fmt.Errorf("no raw_syscalls:sys_enter count in perf's output (%s)", lastLine(out))
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

func (s *straceCounter) stop() (int64, error) {
	defer os.Remove(s.out)
	s.cmd.Process.Signal(os.Interrupt)
	<-s.done
	werr := s.cmd.Wait()
	b, err := os.ReadFile(s.out)
	if err != nil {
		return 0, err
	}
	n, err := parseStrace(b)
	if err != nil && werr != nil {
		err = fmt.Errorf("%w (strace: %v)", err, werr)
	}
	return n, err
}

// parseStrace reads the calls of the "total" line of strace -c's summary:
// "100.00  0.001181  40  29  1 total" (the errors column may be empty).
func parseStrace(out []byte) (int64, error) {
	for line := range strings.Lines(string(out)) {
		f := strings.Fields(line)
		if len(f) >= 5 && f[len(f)-1] == "total" {
			return strconv.ParseInt(f[3], 10, 64)
		}
	}
	return 0, fmt.Errorf("no total in strace's summary (%s)", lastLine(out))
}

func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
