package aio_test

import (
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"go/types"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestExportedSurfaceHoldsOnlyWhatUsersCall reads the packages' documented
// API as go doc shows it and fails on every exported declaration whose
// signature names an internal package (a method that exists for the
// kernel's plumbing, such as one taking a *coro.Coro) or an unexported type,
// which users can neither name nor use.
func TestExportedSurfaceHoldsOnlyWhatUsersCall(t *testing.T) {
	for _, dir := range []string{".", "gen", "streams", "streamtest"} {
		for _, bad := range exposedInternals(t, dir) {
			t.Errorf("%s: %s", dir, bad)
		}
	}
}

// exposedInternals returns a line for each exported declaration of the
// package in dir that mentions an internal package or an unexported type.
func exposedInternals(t *testing.T, dir string) []string {
	t.Helper()
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, func(fi fs.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, p := range pkgs {
		for _, f := range p.Files {
			files = append(files, f)
		}
	}
	sort.Slice(files, func(i, j int) bool { return fset.File(files[i].Pos()).Name() < fset.File(files[j].Pos()).Name() })
	p, err := doc.NewFromFiles(fset, files, "example.com/"+filepath.Base(dir))
	if err != nil {
		t.Fatal(err)
	}
	// The import paths by file, to tell what a selector's package is.
	imports := map[*token.File]map[string]string{}
	for _, f := range files {
		m := map[string]string{}
		for _, im := range f.Imports {
			path, _ := strconv.Unquote(im.Path.Value)
			name := path[strings.LastIndex(path, "/")+1:]
			if im.Name != nil {
				name = im.Name.Name
			}
			m[name] = path
		}
		imports[fset.File(f.Pos())] = m
	}
	var bad []string
	check := func(what string, n ast.Node, typeParams ...*ast.FieldList) {
		if n == nil {
			return
		}
		params := map[string]bool{}
		for _, tp := range typeParams {
			if tp == nil {
				continue
			}
			for _, f := range tp.List {
				for _, name := range f.Names {
					params[name.Name] = true
				}
			}
		}
		for _, found := range internalNames(n, imports[fset.File(n.Pos())], params) {
			bad = append(bad, what+" mentions "+found)
		}
	}
	checkFunc := func(what string, fd *ast.FuncDecl) {
		var recvParams *ast.FieldList
		if fd.Recv != nil && len(fd.Recv.List) == 1 {
			recvParams = receiverTypeParams(fd.Recv.List[0].Type)
		}
		check(what, fd.Type, fd.Type.TypeParams, recvParams)
	}
	for _, f := range p.Funcs {
		checkFunc("func "+f.Name, f.Decl)
	}
	for _, typ := range p.Types {
		for _, spec := range typ.Decl.Specs {
			if ts, ok := spec.(*ast.TypeSpec); ok && ts.Name.IsExported() {
				check("type "+ts.Name.Name, ts.Type, ts.TypeParams)
			}
		}
		for _, f := range typ.Funcs {
			checkFunc("func "+f.Name, f.Decl)
		}
		for _, m := range typ.Methods {
			checkFunc("method "+typ.Name+"."+m.Name, m.Decl)
		}
	}
	for _, v := range append(p.Vars, p.Consts...) {
		for _, spec := range v.Decl.Specs {
			if vs, ok := spec.(*ast.ValueSpec); ok {
				check("var or const "+vs.Names[0].Name, vs.Type)
			}
		}
	}
	return bad
}

// receiverTypeParams returns the type parameters a generic receiver names
// (T in *Task[T]) as a field list.
func receiverTypeParams(recv ast.Expr) *ast.FieldList {
	if star, ok := recv.(*ast.StarExpr); ok {
		recv = star.X
	}
	var idx []ast.Expr
	switch r := recv.(type) {
	case *ast.IndexExpr:
		idx = []ast.Expr{r.Index}
	case *ast.IndexListExpr:
		idx = r.Indices
	}
	fl := &ast.FieldList{}
	for _, e := range idx {
		if id, ok := e.(*ast.Ident); ok {
			fl.List = append(fl.List, &ast.Field{Names: []*ast.Ident{id}})
		}
	}
	return fl
}

// internalNames returns the internal packages and unexported types that
// the type expressions under n name. Parameter names, unexported struct
// fields and unexported interface methods (which go doc hides) are not
// looked at.
func internalNames(n ast.Node, imports map[string]string, typeParams map[string]bool) []string {
	var found []string
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		switch x := n.(type) {
		case nil:
		case *ast.SelectorExpr:
			if pkg, ok := x.X.(*ast.Ident); ok {
				if path := imports[pkg.Name]; strings.Contains(path, "/internal/") {
					found = append(found, "the internal package "+path+" ("+pkg.Name+"."+x.Sel.Name+")")
				}
				return
			}
			walk(x.X)
		case *ast.Ident:
			if !x.IsExported() && !typeParams[x.Name] && types.Universe.Lookup(x.Name) == nil {
				found = append(found, "the unexported name "+x.Name)
			}
		case *ast.FieldList:
			for _, f := range x.List {
				walk(f.Type)
			}
		case *ast.StructType:
			for _, f := range x.Fields.List {
				if len(f.Names) == 0 || f.Names[0].IsExported() {
					walk(f.Type)
				}
			}
		case *ast.InterfaceType:
			for _, f := range x.Methods.List {
				if len(f.Names) == 0 || f.Names[0].IsExported() {
					walk(f.Type)
				}
			}
		case *ast.FuncType:
			walk(x.Params)
			if x.Results != nil {
				walk(x.Results)
			}
		default:
			ast.Inspect(n, func(c ast.Node) bool {
				if c == n {
					return true
				}
				walk(c)
				return false
			})
		}
	}
	walk(n)
	return found
}
