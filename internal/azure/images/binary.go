package images

import (
	"bytes"
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// StaticBinaryName is the static linux/amd64 streamscale (CGO_ENABLED=0) that `make build`
// puts beside bin/streamscale; the generator image carries it.
const StaticBinaryName = "streamscale-linux-amd64-static"

// fixStatic is what every refusal of a generator binary tells the user to do.
const fixStatic = "run `make build` (it builds bin/" + StaticBinaryName + ") or pass --generator-binary a CGO_ENABLED=0 GOOS=linux GOARCH=amd64 build"

// GeneratorBinary picks the streamscale binary for the generator image: given (the
// --generator-binary flag) when set; else StaticBinaryName beside the running binary self,
// when it is there (`make build` made it); else self, which Generator takes only if it is
// itself static (a release build).
func GeneratorBinary(given, self string) string {
	if given != "" {
		return given
	}
	sibling := filepath.Join(filepath.Dir(self), StaticBinaryName)
	if st, err := os.Stat(sibling); err == nil && st.Mode().IsRegular() {
		return sibling
	}
	return self
}

// CheckStatic says why bin cannot run on an empty base image, or nil: it must be a 64-bit
// x86-64 ELF executable with no program interpreter (PT_INTERP) and no shared library
// (DT_NEEDED), as a CGO_ENABLED=0 Go build for linux/amd64 is. Container Instances starts the
// generator image with nothing else in it: no dynamic loader, no libc.
func CheckStatic(bin []byte) error {
	f, err := elf.NewFile(bytes.NewReader(bin))
	if err != nil {
		return errors.New("not a Linux (ELF) executable")
	}
	defer f.Close()
	switch {
	case f.Class != elf.ELFCLASS64 || f.Machine != elf.EM_X86_64:
		return fmt.Errorf("built for %s %s, not linux/amd64", f.Class, f.Machine)
	case f.Type != elf.ET_EXEC && f.Type != elf.ET_DYN:
		return fmt.Errorf("an ELF %s, not an executable", f.Type)
	}
	for _, p := range f.Progs {
		if p.Type != elf.PT_INTERP {
			continue
		}
		interp, _ := interpreter(p)
		return fmt.Errorf("dynamically linked (program interpreter %s)", interp)
	}
	libs, err := f.ImportedLibraries()
	if err != nil {
		return fmt.Errorf("unreadable dynamic section: %w", err)
	}
	if len(libs) > 0 {
		return fmt.Errorf("dynamically linked (needs %s)", strings.Join(libs, ", "))
	}
	return nil
}

// interpreter reads a PT_INTERP segment: the interpreter's path, NUL-terminated.
func interpreter(p *elf.Prog) (string, error) {
	b := make([]byte, p.Filesz)
	if _, err := p.ReadAt(b, 0); err != nil {
		return "?", err
	}
	return string(bytes.TrimRight(b, "\x00")), nil
}
