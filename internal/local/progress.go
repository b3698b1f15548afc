package local

import (
	"fmt"
	"io"
	"os"
)

// progressLine shows a status line that rewrites itself on a terminal and prints only changes
// otherwise, so logs of non-interactive runs stay short.
type progressLine struct {
	w    io.Writer
	tty  bool
	last string
}

func newProgressLine(w io.Writer) *progressLine {
	tty := false
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	return &progressLine{w: w, tty: tty}
}

func (p *progressLine) set(s string) {
	if s == p.last {
		return
	}
	p.last = s
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K%s", s)
		return
	}
	fmt.Fprintln(p.w, s)
}

func (p *progressLine) done() {
	if p.tty && p.last != "" {
		fmt.Fprintln(p.w)
	}
}
