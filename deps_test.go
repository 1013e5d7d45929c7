package aio_test

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// allowedRequirements are the only modules the aio module may require, with
// why: every program that imports aio inherits its requirements, so what
// only the benchmarks or the tools need lives in a module of its own
// (bench/go.mod).
var allowedRequirements = map[string]string{
	"go.uber.org/goleak": "the leak check in every package's TestMain",
	"golang.org/x/sys":   "the system calls of an I/O poller (epoll, kqueue)",
}

func TestModuleRequiresOnlyWhatAioNeeds(t *testing.T) {
	data, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	reqs := requirements(string(data))
	for _, path := range reqs {
		if _, ok := allowedRequirements[path]; !ok {
			t.Errorf("go.mod requires %s; a program that imports aio would inherit it (allowed: goleak, x/sys; put what only the benchmarks need in bench/go.mod)", path)
		}
	}
	// The check above passes on a go.mod it failed to read: make sure it
	// read the one requirement there always is.
	found := false
	for _, path := range reqs {
		found = found || path == "go.uber.org/goleak"
	}
	if !found {
		t.Errorf("found no requirement of go.uber.org/goleak in go.mod among %q", reqs)
	}
}

// requirements returns the module paths of go.mod's require directives, in
// both forms: "require path version" and a "require ( ... )" block.
func requirements(gomod string) []string {
	var reqs []string
	block := "" // the directive of the block being read, "" outside one
	for line := range strings.Lines(gomod) {
		line, _, _ = strings.Cut(line, "//")
		f := strings.Fields(line)
		switch {
		case len(f) == 0:
		case block != "" && f[0] == ")":
			block = ""
		case block == "require":
			reqs = append(reqs, unquote(f[0]))
		case block != "":
		case len(f) == 2 && f[1] == "(":
			block = f[0]
		case f[0] == "require" && len(f) > 1:
			reqs = append(reqs, unquote(f[1]))
		}
	}
	return reqs
}

func unquote(path string) string {
	if p, err := strconv.Unquote(path); err == nil {
		return p
	}
	return path
}

func TestRequirementsReadsBothFormsOfRequire(t *testing.T) {
	gomod := `module example.com/m

go 1.26

require go.uber.org/goleak v1.3.0 // the leak check

require (
	golang.org/x/sys v0.30.0
	"example.com/quoted" v1.0.0
	// example.com/commented v1.0.0
)

replace (
	example.com/replaced => ../replaced
)

exclude example.com/excluded v0.1.0
`
	got := strings.Join(requirements(gomod), " ")
	if want := "go.uber.org/goleak golang.org/x/sys example.com/quoted"; got != want {
		t.Errorf("requirements = %q, want %q", got, want)
	}
}
