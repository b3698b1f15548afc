package cli

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
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

// pendingImports are the files whose client imports move out on another branch of issue 18
// (the Azure commands', hubreport's): each must still import what is listed, so the list only
// shrinks — once a file is clean the test fails until its entry is deleted here.
var pendingImports = map[string][]string{
	"azure.go": {
		"github.com/Azure/azure-sdk-for-go/sdk/azcore",
		"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm",
		"github.com/Azure/azure-sdk-for-go/sdk/azidentity",
		"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob",
		"k8s.io/client-go/dynamic",
	},
	"azure_ops.go": {
		"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/monitor/armmonitor",
		"k8s.io/client-go/kubernetes",
		"k8s.io/client-go/tools/clientcmd",
	},
	"azure_run.go": {"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/monitor/armmonitor"},
	"hubreport.go": {"github.com/twmb/franz-go/pkg/kadm"},
}

// TestCLIImportsNoClientLibrary: no non-test file of internal/cli imports franz-go, the Azure
// SDK or client-go (beyond pendingImports, which must shrink).
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
		forbidden := forbiddenIn(t, name)
		pending := pendingImports[name]
		for _, imp := range forbidden {
			if !slices.Contains(pending, imp) {
				t.Errorf("%s imports %s: internal/cli holds flags and printing; move the client's use into the package that owns the concept", name, imp)
			}
		}
		for _, imp := range pending {
			if !slices.Contains(forbidden, imp) {
				t.Errorf("%s no longer imports %s: delete it from pendingImports", name, imp)
			}
		}
	}
	for name := range pendingImports {
		if _, err := os.Stat(name); err != nil {
			t.Errorf("pendingImports names %s, which is gone: delete its entry", name)
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
