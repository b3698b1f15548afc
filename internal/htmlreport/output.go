package htmlreport

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// Files are where a page goes: its HTML and a PNG rendered from it; either may be "".
type Files struct {
	HTML, PNG string
}

// Beside is base.html and base.png, next to each other.
func Beside(base string) Files { return Files{HTML: base + ".html", PNG: base + ".png"} }

// Output writes pages and renders their PNGs: the one HTML + PNG helper of every report.
type Output struct {
	// Getenv reads STREAMSCALE_BROWSER (nil: os.Getenv).
	Getenv func(string) string
	// Log is told each file written ("wrote <path>"; nil: nothing is said).
	Log io.Writer
	// Width of the PNG in pixels (0: 1000).
	Width int
}

// Write writes the page render makes to files.HTML (a temporary file when only a PNG is
// asked for) and renders files.PNG from it, height pixels tall, with headless Chromium. The
// render gets its own two minutes even when ctx has ended (the report is the run's last word).
func (o Output) Write(ctx context.Context, files Files, height int, render func(io.Writer) error) error {
	if files.HTML == "" && files.PNG == "" {
		return nil
	}
	htmlPath := files.HTML
	if htmlPath == "" {
		dir, err := os.MkdirTemp("", "streamscale-report-")
		if err != nil {
			return fmt.Errorf("write png: %w", err)
		}
		defer os.RemoveAll(dir)
		htmlPath = filepath.Join(dir, "report.html")
	}
	if err := writeHTML(htmlPath, render); err != nil {
		return err
	}
	if files.HTML != "" {
		o.said(files.HTML)
	}
	if files.PNG == "" {
		return nil
	}
	getenv := o.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	browser, err := FindBrowser(getenv)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	width := o.Width
	if width <= 0 {
		width = 1000
	}
	if err := Screenshot(ctx, browser, htmlPath, files.PNG, width, height); err != nil {
		return err
	}
	o.said(files.PNG)
	return nil
}

// WriteReport is Write for a Report page, as tall as Height says.
func (o Output) WriteReport(ctx context.Context, files Files, r Report) error {
	return o.Write(ctx, files, Height(r), func(w io.Writer) error { return Write(w, r) })
}

func (o Output) said(path string) {
	if o.Log != nil {
		fmt.Fprintf(o.Log, "wrote %s\n", path)
	}
}

func writeHTML(path string, render func(io.Writer) error) error {
	file, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write html report: %w", err)
	}
	if err := render(file); err != nil {
		file.Close()
		return err
	}
	if err := file.Close(); err != nil {
		return fmt.Errorf("write html report: %w", err)
	}
	return nil
}
