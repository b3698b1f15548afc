package bench

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/streamscale/streamscale/internal/htmlreport"
)

func TestCompareWriteFilesHTML(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "docs", "bench", "compare-2026-11-29.json"))
	if err != nil {
		t.Fatal(err)
	}
	var res CompareResult
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "compare.html")
	if err := res.WriteFiles(t.Context(), htmlreport.Output{Log: &strings.Builder{}}, htmlreport.Files{HTML: out}); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"p99 latency by offered rate", "max sustainable rate", "CPU seconds per million", "streamscale-relay", "<svg"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("page lacks %q", want)
		}
	}
}
