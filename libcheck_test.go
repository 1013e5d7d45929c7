package aio_test

// The kernel's boundary: the libraries in the root package (locks, queues,
// channels, async generators: files marked with a line "//aio:library"
// before their package clause) are written on the kernel's exported names
// alone, ParkingLot and Future first, as trio's _sync.py is written on
// trio.lowlevel. The checker type-checks the package and reports every use,
// in a library file, of an unexported name that a kernel file declares
// (functions, types, fields, methods, variables) and every import of an
// internal package.

import (
	"fmt"
	"go/ast"
	"go/build"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const libraryMark = "//aio:library"

// libViolations type-checks the root package, with extra files added to
// it, and returns what its library files use of the kernel's unexported
// names.
func libViolations(t *testing.T, extra ...string) []string {
	t.Helper()
	fset := token.NewFileSet()
	paths, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	paths = slices.DeleteFunc(paths, func(p string) bool {
		// The files of this build only: the reactor's backends declare
		// the same names under different build constraints.
		ok, err := build.Default.MatchFile(".", p)
		return strings.HasSuffix(p, "_test.go") || err != nil || !ok
	})
	paths = append(paths, extra...)
	var files []*ast.File
	library := map[string]bool{}
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, p, src, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
		if isLibrary(f) {
			library[p] = true
		}
	}
	info := &types.Info{Uses: map[*ast.Ident]types.Object{}, Selections: map[*ast.SelectorExpr]*types.Selection{}}
	conf := types.Config{Importer: exportImporter(t, fset)}
	pkg, err := conf.Check("github.com/aio-go/aio", fset, files, info)
	if err != nil {
		t.Fatalf("type-checking the package: %v", err)
	}
	var bad []string
	report := func(pos token.Pos, obj types.Object) {
		if obj == nil || obj.Pkg() != pkg || obj.Exported() || !obj.Pos().IsValid() {
			return
		}
		if library[fset.Position(obj.Pos()).Filename] {
			return // the library's own names
		}
		if v, ok := obj.(*types.Var); ok && !v.IsField() && v.Parent() != pkg.Scope() {
			return // a local variable or parameter
		}
		p := fset.Position(pos)
		bad = append(bad, fmt.Sprintf("%s:%d: %s", filepath.Base(p.Filename), p.Line, obj.Name()))
	}
	for _, f := range files {
		name := fset.Position(f.Pos()).Filename
		if !library[name] {
			continue
		}
		for _, imp := range f.Imports {
			if strings.Contains(imp.Path.Value, "/internal/") {
				bad = append(bad, fmt.Sprintf("%s: imports %s", filepath.Base(name), imp.Path.Value))
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				if sel, ok := info.Selections[n]; ok {
					report(n.Sel.Pos(), sel.Obj())
				}
			case *ast.Ident:
				report(n.Pos(), info.Uses[n])
			}
			return true
		})
	}
	slices.Sort(bad)
	return slices.Compact(bad)
}

// exportImporter imports the package's dependencies from the export data
// that `go list -export` leaves in the build cache: type-checking them
// from source takes seconds under the race detector.
func exportImporter(t *testing.T, fset *token.FileSet) types.Importer {
	t.Helper()
	out, err := exec.Command("go", "list", "-export", "-deps", "-f", "{{.ImportPath}}={{.Export}}", ".").Output()
	if err != nil {
		t.Fatalf("go list -export: %v", err)
	}
	files := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if path, file, ok := strings.Cut(line, "="); ok && file != "" {
			files[path] = file
		}
	}
	return importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		file, ok := files[path]
		if !ok {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(file)
	})
}

// isLibrary reports whether f is marked as a library file: a line
// "//aio:library" before its package clause.
func isLibrary(f *ast.File) bool {
	for _, g := range f.Comments {
		if g.Pos() > f.Package {
			break
		}
		for _, c := range g.List {
			if c.Text == libraryMark {
				return true
			}
		}
	}
	return false
}

func TestLibraryFilesUseOnlyExportedKernelNames(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks the package from source")
	}
	if bad := libViolations(t); len(bad) > 0 {
		t.Errorf("library files use unexported kernel names:\n%s", strings.Join(bad, "\n"))
	}
}

func TestLibraryCheckerCatchesKernelNames(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks the package from source")
	}
	// A checker that reports nothing would pass the test above: it must
	// find every reach into the kernel in a bad file, and nothing in a
	// good one.
	bad := libViolations(t, filepath.Join("testdata", "libcheck", "bad.go.txt"))
	for _, want := range []string{"taskBase", "waitable", "wake", "node", "loop", "park"} {
		if !slices.ContainsFunc(bad, func(s string) bool { return strings.HasSuffix(s, ": "+want) }) {
			t.Errorf("the checker missed %s in the bad file; it found:\n%s", want, strings.Join(bad, "\n"))
		}
	}
	if good := libViolations(t, filepath.Join("testdata", "libcheck", "good.go.txt")); len(good) > 0 {
		t.Errorf("the checker reports a file written on public names:\n%s", strings.Join(good, "\n"))
	}
}
