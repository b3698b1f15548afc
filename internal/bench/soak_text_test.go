package bench

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestWriteSoakJSONAndReportDir(t *testing.T) {
	if got := SoakReportDir("/h", time.Date(2026, 12, 7, 23, 5, 9, 0, time.FixedZone("x", 3600))); got != "/h/soaks/20261207-220509" {
		t.Errorf("SoakReportDir = %s", got)
	}
	dir := filepath.Join(t.TempDir(), "a", "b")
	if err := WriteSoakJSON(dir, SoakResult{Missing: 3, TargetRate: 5000}); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "soak.json"))
	if err != nil {
		t.Fatal(err)
	}
	var back SoakResult
	if err := json.Unmarshal(raw, &back); err != nil || back.Missing != 3 || back.TargetRate != 5000 {
		t.Fatalf("soak.json = %s (%v)", raw, err)
	}
}
