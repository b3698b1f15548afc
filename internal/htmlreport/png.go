package htmlreport

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// browserNames are the Chromium-family executables FindBrowser looks for, in order.
var browserNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"}

// FindBrowser returns the headless browser to render PNGs with: $STREAMSCALE_BROWSER when set,
// else the first Chromium-family executable on PATH.
func FindBrowser(getenv func(string) string) (string, error) {
	if b := getenv("STREAMSCALE_BROWSER"); b != "" {
		p, err := exec.LookPath(b)
		if err != nil {
			return "", fmt.Errorf("STREAMSCALE_BROWSER=%s: %w", b, err)
		}
		return p, nil
	}
	for _, name := range browserNames {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no Chromium or Chrome found to render the PNG: install one (Debian: apt-get install chromium) or set STREAMSCALE_BROWSER")
}

// Height is a window height in pixels that shows the whole page of r.
func Height(r Report) int {
	h := 160
	if r.Verified != nil {
		h += 560 + 4*330 // tables, rate and three latency charts
	}
	if r.Generated != nil {
		h += 200
	}
	if len(r.Traffic) > 0 {
		rows := len(r.Traffic) * len(r.Traffic[0].Hubs)
		if r.Capacity.ThroughputUnits > 0 {
			rows += len(r.Traffic)
		}
		h += 160 + 30*rows + 330*len(r.Traffic[0].Hubs)
	}
	return h
}

// Screenshot renders the HTML file page with the headless browser into the PNG file out,
// width × height pixels. The browser runs with a throwaway profile that is removed after.
func Screenshot(ctx context.Context, browser, page, out string, width, height int) error {
	absPage, err := filepath.Abs(page)
	if err != nil {
		return fmt.Errorf("render png: %w", err)
	}
	absOut, err := filepath.Abs(out)
	if err != nil {
		return fmt.Errorf("render png: %w", err)
	}
	profile, err := os.MkdirTemp("", "streamscale-browser-")
	if err != nil {
		return fmt.Errorf("render png: %w", err)
	}
	defer os.RemoveAll(profile)
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+profile, fmt.Sprintf("--window-size=%d,%d", width, height), "--screenshot="+absOut, "file://"+absPage)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("render png with %s: %w: %s", browser, err, lastLine(string(b)))
	}
	if _, err := os.Stat(absOut); err != nil {
		return fmt.Errorf("render png with %s: no screenshot written: %w", browser, err)
	}
	return trimBottom(absOut, 24)
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}
