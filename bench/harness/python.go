package harness

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// Python is the interpreter that runs the Python peers, and what it has.
type Python struct {
	Path    string
	Version string
	Uvloop  string // uvloop's version, "" if it cannot be imported
	Trio    string // trio's version, "" if it cannot be imported
}

// probe prints the interpreter's version and those of uvloop and trio
// (null for a package it cannot import), as JSON.
const probe = `import json, sys
v = {"python": sys.version.split()[0]}
for m in ("uvloop", "trio"):
    try:
        v[m] = getattr(__import__(m), "__version__", "?")
    except Exception:
        v[m] = None
print(json.dumps(v))`

// findPython returns the first candidate that imports both uvloop and trio
// or, if none does, the candidate that imports more of them (the first of
// equals). Without candidates it tries python3 on PATH, then
// /usr/bin/python3. It fails only if no candidate runs at all.
func findPython(candidates []string) (*Python, error) {
	if candidates == nil {
		if p, err := exec.LookPath("python3"); err == nil {
			candidates = append(candidates, p)
		}
		if !slices.Contains(candidates, "/usr/bin/python3") {
			candidates = append(candidates, "/usr/bin/python3")
		}
	}
	var best *Python
	score := func(p *Python) int {
		n := 0
		if p.Uvloop != "" {
			n++
		}
		if p.Trio != "" {
			n++
		}
		return n
	}
	var tried []string
	for _, c := range candidates {
		p, err := probePython(c)
		if err != nil {
			tried = append(tried, fmt.Sprintf("%s: %v", c, err))
			continue
		}
		if best == nil || score(p) > score(best) {
			best = p
		}
		if score(p) == 2 {
			break
		}
	}
	if best == nil {
		if len(tried) == 0 {
			return nil, errors.New("no python3 found")
		}
		return nil, fmt.Errorf("no python3 runs (%s)", strings.Join(tried, "; "))
	}
	return best, nil
}

func probePython(path string) (*Python, error) {
	out, err := exec.Command(path, "-c", probe).Output()
	if err != nil {
		return nil, err
	}
	var v struct {
		Python string
		Uvloop *string
		Trio   *string
	}
	if err := json.Unmarshal(out, &v); err != nil || v.Python == "" {
		return nil, fmt.Errorf("unexpected answer %q", strings.TrimSpace(string(out)))
	}
	p := &Python{Path: path, Version: v.Python}
	if v.Uvloop != nil {
		p.Uvloop = *v.Uvloop
	}
	if v.Trio != nil {
		p.Trio = *v.Trio
	}
	return p, nil
}

// findPeers looks for the Python worker and an interpreter for it, and
// notes the peers it must skip.
func (r *runner) findPeers() {
	skipAll := func(why string) {
		for _, rt := range runtimes {
			if isPython(rt) {
				r.skip[rt] = why
			}
		}
		r.note("Python peers skipped: %s.", why)
	}
	script := r.opts.Script
	if script == "" {
		script = findScript()
	}
	if script == "" {
		skipAll("bench/python/workloads.py not found from the working directory")
		return
	}
	r.rep.Script = script
	py, err := findPython(r.opts.Pythons)
	if err != nil {
		skipAll(err.Error())
		return
	}
	r.rep.Python = py
	missing := func(rt, module string) {
		why := fmt.Sprintf("%s cannot import %s (Debian: apt-get install python3-%s)", py.Path, module, module)
		r.skip[rt] = why
		r.note("%s skipped: %s.", rt, why)
	}
	if py.Uvloop == "" {
		missing(Uvloop, "uvloop")
	}
	if py.Trio == "" {
		missing(Trio, "trio")
	}
}

func (r *runner) note(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	r.rep.Notes = append(r.rep.Notes, msg)
	fmt.Fprintf(r.progress, "note: %s\n", msg)
}

// findScript returns bench/python/workloads.py in the repository that holds
// the working directory, or "".
func findScript() string {
	root := RepoRoot()
	if root == "" {
		return ""
	}
	return filepath.Join(root, "bench", "python", "workloads.py")
}

// RepoRoot returns the root of the aio repository that holds the working
// directory: the working directory or the nearest of its parents that has
// bench/python/workloads.py. It returns "" outside such a tree. The suite
// runs from anywhere in it (the bench module is bench/, below the root), and
// its report and chart belong in the root's docs/.
func RepoRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "bench", "python", "workloads.py")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}
