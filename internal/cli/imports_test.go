package cli

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// forbiddenImports are the client libraries internal/cli must not import: it holds flags and
// printing; the domain packages own the clients (docs/architecture.md, issue 18).
var forbiddenImports = []string{
	"github.com/twmb/franz-go/",
	"github.com/Azure/azure-sdk-for-go/",
	"k8s.io/client-go/",
}

// TestCLIImportsNoClientLibrary: no non-test file of internal/cli imports franz-go, the Azure
// SDK or client-go.
func TestCLIImportsNoClientLibrary(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		checked++
		for _, imp := range forbiddenIn(t, name) {
			t.Errorf("%s imports %s: internal/cli holds flags and printing; move the client's use into the package that owns the concept", name, imp)
		}
	}
	if checked < 10 {
		t.Fatalf("checked only %d files: is the test running in internal/cli?", checked)
	}
}

// forbiddenIn are the forbidden imports of the Go file name.
func forbiddenIn(t *testing.T, name string) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, spec := range f.Imports {
		path, err := strconv.Unquote(spec.Path.Value)
		if err != nil {
			t.Fatal(err)
		}
		for _, prefix := range forbiddenImports {
			if strings.HasPrefix(path, prefix) {
				out = append(out, path)
			}
		}
	}
	return out
}
