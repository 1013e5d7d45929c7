package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"strconv"
	"strings"
)

// result is the worker protocol's JSON line.
type result struct {
	Runtime   string  `json:"runtime"`
	Workload  string  `json:"workload"`
	Size      int     `json:"size"`
	Seconds   float64 `json:"seconds"`
	Ops       int     `json:"ops"`
	PeakRSSKB int64   `json:"peak_rss_kb"`
	BaseRSSKB int64   `json:"base_rss_kb"`
	// Eager is the eager trees' only: false if the runtime ran the plain
	// tree, having no eager tasks.
	Eager *bool `json:"eager"`
}

// figures turns a worker's result into the workload's figure and its second
// figure (-1 if it has none).
func (o *Outcome) figures(res result) (v, extra float64, err error) {
	if res.Seconds <= 0 || res.Ops <= 0 {
		return 0, 0, fmt.Errorf("worker reported %g s for %d ops", res.Seconds, res.Ops)
	}
	switch o.metric {
	case total:
		kb := float64(res.PeakRSSKB-res.BaseRSSKB) / float64(o.Size)
		return res.Seconds * o.scale, kb, nil
	case perTask:
		if res.PeakRSSKB <= 0 {
			return 0, 0, errors.New("worker reported no peak RSS")
		}
		b := float64(res.PeakRSSKB-res.BaseRSSKB) * 1024 / float64(o.Size)
		return b, res.Seconds / float64(res.Ops) * 1e6, nil
	}
	return res.Seconds / float64(res.Ops) * o.scale, -1, nil
}

// exitError is a worker's non-zero exit, with the end of what it wrote on
// standard error.
type exitError struct {
	code   int
	stderr string
}

func (e *exitError) Error() string {
	msg := fmt.Sprintf("exit status %d", e.code)
	if e.stderr != "" {
		msg += ": " + e.stderr
	}
	return msg
}

// runWorker runs one measurement in a fresh process, after warmup untimed
// rounds in that process.
func (r *runner) runWorker(ctx context.Context, rt, name string, size, warmup int) (result, error) {
	return r.runWorkerUnder(ctx, nil, nil, rt, name, size, warmup)
}

// runWorkerUnder is runWorker with the worker's command line passed
// through wrap (a syscall counter's, or nil for none) and env added to the
// workers' environment.
func (r *runner) runWorkerUnder(ctx context.Context, wrap func([]string) []string, env []string, rt, name string, size, warmup int) (result, error) {
	var argv []string
	if isPython(rt) {
		argv = []string{r.rep.Python.Path, r.rep.Script}
	} else {
		argv = slices.Clone(r.opts.Worker)
	}
	argv = append(argv, "--runtime", rt, "--workload", name, "--size", strconv.Itoa(size), "--warmup", strconv.Itoa(warmup))
	if wrap != nil {
		argv = wrap(argv)
	}
	ctx, cancel := context.WithTimeout(ctx, r.opts.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(slices.Clip(r.env), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() == context.DeadlineExceeded {
		return result{}, fmt.Errorf("no result within %v", r.opts.Timeout)
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() > 0 {
		return result{}, &exitError{code: ee.ExitCode(), stderr: lastLines(stderr.String(), 3)}
	}
	if err != nil {
		return result{}, err
	}
	var res result
	line := bytes.TrimSpace(stdout.Bytes())
	if err := json.Unmarshal(line, &res); err != nil {
		return result{}, fmt.Errorf("worker printed %q: %v", lastLines(string(line), 1), err)
	}
	if res.Runtime != rt || res.Workload != name {
		return result{}, fmt.Errorf("worker answered for %s in %s", res.Workload, res.Runtime)
	}
	return res, nil
}

// lastLines returns the last n non-empty lines of s, joined by " | ".
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
