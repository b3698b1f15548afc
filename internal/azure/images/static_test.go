package images

import (
	"archive/tar"
	"bytes"
	"debug/elf"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// goBuild builds testdata/cgoprog for linux/amd64 with CGO_ENABLED=cgo and returns the binary.
func goBuild(t *testing.T, cgo string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "prog")
	cmd := exec.Command("go", "build", "-trimpath", "-o", out, "./testdata/cgoprog")
	cmd.Env = append(os.Environ(), "CGO_ENABLED="+cgo, "GOOS=linux", "GOARCH=amd64")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build CGO_ENABLED=%s: %v\n%s", cgo, err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// binaryInImage is the file at GeneratorBinaryPath in img's layers: what Container Instances
// runs.
func binaryInImage(t *testing.T, img v1.Image) []byte {
	t.Helper()
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range layers {
		rc, err := l.Uncompressed()
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		tr := tar.NewReader(rc)
		for {
			hdr, err := tr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if "/"+hdr.Name == GeneratorBinaryPath {
				b, err := io.ReadAll(tr)
				if err != nil {
					t.Fatal(err)
				}
				return b
			}
		}
	}
	t.Fatalf("no %s in the image", GeneratorBinaryPath)
	return nil
}

// linkage reads an ELF's program interpreter and DT_NEEDED entries, on its own (not through
// CheckStatic), so that the test checks what CheckStatic lets through.
func linkage(t *testing.T, bin []byte) (interp string, needed []string) {
	t.Helper()
	f, err := elf.NewFile(bytes.NewReader(bin))
	if err != nil {
		t.Fatalf("not an ELF: %v", err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			b, _ := io.ReadAll(p.Open())
			interp = strings.TrimRight(string(b), "\x00")
		}
	}
	needed, err = f.DynString(elf.DT_NEEDED)
	if err != nil && f.SectionByType(elf.SHT_DYNAMIC) != nil {
		t.Fatalf("dynamic section: %v", err)
	}
	return interp, needed
}

// TestGeneratorImageCarriesAStaticBuild builds a small program that uses os/user (libc's
// lookups when cgo is on) for linux/amd64 both ways: the CGO_ENABLED=0 build goes into the
// image, and the ELF read back from the image's layer has no program interpreter and no
// DT_NEEDED; the default cgo build (dynamically linked, as `go build` makes bin/streamscale)
// is refused in one line naming the fix. ~5 s with a warm build cache.
func TestGeneratorImageCarriesAStaticBuild(t *testing.T) {
	static := goBuild(t, "0")
	img, err := Generator(static, fakeCA)
	if err != nil {
		t.Fatalf("a CGO_ENABLED=0 build was refused: %v", err)
	}
	if interp, needed := linkage(t, binaryInImage(t, img)); interp != "" || len(needed) > 0 {
		t.Errorf("the image's binary is dynamically linked: interpreter %q, needs %v", interp, needed)
	}

	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skipf("the cgo half needs a linux/amd64 host with a C compiler; this is %s/%s", runtime.GOOS, runtime.GOARCH)
	}
	dynamic := goBuild(t, "1")
	interp, needed := linkage(t, dynamic)
	if interp == "" && len(needed) == 0 {
		t.Fatalf("the cgo build is static: this test's check could not fail")
	}
	_, err = Generator(dynamic, fakeCA)
	if err == nil {
		t.Fatalf("a dynamically linked binary (interpreter %q, needs %v) went into the image", interp, needed)
	}
	msg := err.Error()
	if !strings.Contains(msg, "dynamically linked") || !strings.Contains(msg, "make build") || !strings.Contains(msg, StaticBinaryName) || strings.Contains(msg, "\n") {
		t.Errorf("refusal is not one line naming the fix: %q", msg)
	}
}

func TestGeneratorBinaryPicksTheStaticSibling(t *testing.T) {
	dir := t.TempDir()
	self := filepath.Join(dir, "streamscale")
	if got := GeneratorBinary("", self); got != self {
		t.Errorf("no sibling: %s, want %s", got, self)
	}
	if err := os.WriteFile(filepath.Join(dir, StaticBinaryName), fakeELF, 0o755); err != nil {
		t.Fatal(err)
	}
	if got, want := GeneratorBinary("", self), filepath.Join(dir, StaticBinaryName); got != want {
		t.Errorf("with sibling: %s, want %s", got, want)
	}
	if got := GeneratorBinary("/given", self); got != "/given" {
		t.Errorf("flag ignored: %s", got)
	}
}
