//go:build integration

package htmlreport

import (
	"context"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestIntegrationChromiumDrawsTheCharts renders the page in headless Chromium and checks the
// screenshot holds pixels of each chart's line colours: the charts are drawn, not just present
// in the source.
func TestIntegrationChromiumDrawsTheCharts(t *testing.T) {
	browser, err := FindBrowser(os.Getenv)
	if err != nil {
		t.Fatalf("%v; .ci/run installs chromium", err)
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	f, err := os.Create(page)
	if err != nil {
		t.Fatal(err)
	}
	r := sampleRun()
	if err := Write(f, r); err != nil {
		t.Fatal(err)
	}
	f.Close()
	shot := filepath.Join(dir, "shot.png")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if err := Screenshot(ctx, browser, page, shot, 1000, Height(r)); err != nil {
		t.Fatal(err)
	}
	img := decodeFile(t, shot)
	for name, c := range map[string]string{
		"output rate": colorOutputRate, "p99 latency": colorP99, "max latency": colorMax,
		"incoming records": colorIncoming, "outgoing records": colorOutgoing, "MAX VALUE": colorCapacity,
	} {
		if n := countNear(img, rgb(t, c)); n < 100 {
			t.Errorf("%s line: %d pixels of its colour %s in the screenshot, want a drawn line (≥ 100)", name, n, c)
		}
	}

	// The control: the same page without the verification draws no latency or rate charts, so
	// their colours must (nearly) vanish: the pixels counted above are the lines, not text or
	// anti-aliasing of something else.
	r.Verified, r.Generated = nil, nil
	if err := os.WriteFile(page, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err = os.OpenFile(page, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := Write(f, r); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := Screenshot(ctx, browser, page, shot, 1000, Height(r)); err != nil {
		t.Fatal(err)
	}
	img = decodeFile(t, shot)
	for name, c := range map[string]string{"output rate": colorOutputRate, "p99 latency": colorP99, "max latency": colorMax} {
		if n := countNear(img, rgb(t, c)); n >= 20 {
			t.Errorf("traffic-only page: %d pixels of the %s colour %s, want (nearly) none without that chart", n, name, c)
		}
	}
	for name, c := range map[string]string{"incoming records": colorIncoming, "MAX VALUE": colorCapacity} {
		if n := countNear(img, rgb(t, c)); n < 100 {
			t.Errorf("traffic-only page: %s line has %d pixels of %s, want ≥ 100", name, n, c)
		}
	}
}

func rgb(t *testing.T, hex string) [3]uint8 {
	t.Helper()
	var c [3]uint8
	if _, err := fmt.Sscanf(hex, "#%02x%02x%02x", &c[0], &c[1], &c[2]); err != nil {
		t.Fatalf("colour %q: %v", hex, err)
	}
	return c
}

func countNear(img image.Image, c [3]uint8) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if near(r>>8, c[0]) && near(g>>8, c[1]) && near(bl>>8, c[2]) {
				n++
			}
		}
	}
	return n
}

func near(v uint32, want uint8) bool {
	d := int(v) - int(want)
	return d > -24 && d < 24
}
