package htmlreport

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBeside(t *testing.T) {
	if got := Beside("/tmp/x/page"); got != (Files{HTML: "/tmp/x/page.html", PNG: "/tmp/x/page.png"}) {
		t.Errorf("Beside: %+v", got)
	}
}

// TestOutputWritesHTML: the page is written where asked and said; nothing asked, nothing
// written; a render error comes back; a PNG without a browser is a clear error (the browser
// itself: chromium_integration_test.go).
func TestOutputWritesHTML(t *testing.T) {
	dir := t.TempDir()
	var log bytes.Buffer
	o := Output{Log: &log, Getenv: func(string) string { return "" }}
	page := filepath.Join(dir, "p.html")
	if err := o.Write(context.Background(), Files{HTML: page}, 100, func(w io.Writer) error { _, err := io.WriteString(w, "<html>hi</html>"); return err }); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(page); err != nil || string(b) != "<html>hi</html>" || log.String() != "wrote "+page+"\n" {
		t.Errorf("page %q (%v), log %q", b, err, log.String())
	}
	if err := o.Write(context.Background(), Files{}, 100, func(io.Writer) error { t.Error("rendered with no files asked"); return nil }); err != nil {
		t.Error(err)
	}
	bad := errors.New("render failed")
	if err := o.Write(context.Background(), Files{HTML: filepath.Join(dir, "q.html")}, 100, func(io.Writer) error { return bad }); !errors.Is(err, bad) {
		t.Errorf("render error: %v", err)
	}
	t.Setenv("PATH", dir)
	err := o.Write(context.Background(), Files{PNG: filepath.Join(dir, "p.png")}, 100, func(io.Writer) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "no Chromium or Chrome found") {
		t.Errorf("png without a browser: %v", err)
	}
}
