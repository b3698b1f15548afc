//go:build integration

package integration

import (
	"archive/tar"
	"bytes"
	"context"
	"debug/elf"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/streamscale/streamscale/internal/azure/images"
	"github.com/streamscale/streamscale/internal/azure/plan"
)

// TestIntegrationGeneratorImageFromMakeBuild checks the binaries `make build` made
// (bin/streamscale and bin/streamscale-linux-amd64-static): `azure up` picks the static one
// by default, the ELF read back from the generator image's layer has no program interpreter
// and no DT_NEEDED and runs with an empty environment, bin/streamscale itself (cgo on:
// dynamically linked) is refused in one line naming `make build`, and the dry run of the
// built CLI shows the image's real content tag. ~10 s (two 100+ MB layers gzipped).
func TestIntegrationGeneratorImageFromMakeBuild(t *testing.T) {
	bin, err := filepath.Abs(filepath.Join("..", "bin", "streamscale"))
	if err != nil {
		t.Fatal(err)
	}
	static := filepath.Join(filepath.Dir(bin), images.StaticBinaryName)
	for _, f := range []string{bin, static} {
		if _, err := os.Stat(f); err != nil {
			t.Fatalf("%v: run `make build` before the integration tests", err)
		}
	}
	if got := images.GeneratorBinary("", bin); got != static {
		t.Fatalf("azure up would put %s in the generator image, not %s", got, static)
	}
	const ca = "/etc/ssl/certs/ca-certificates.crt"
	img, err := images.BuildGenerator(images.Sources{GeneratorBinary: static, CABundle: ca})
	if err != nil {
		t.Fatalf("make build's static binary was refused: %v", err)
	}
	inImage := layerFile(t, img.Layers, "streamscale")
	interp, needed := elfLinkage(t, inImage)
	if interp != "" || len(needed) > 0 {
		t.Fatalf("the generator image's binary is dynamically linked: interpreter %q, needs %v", interp, needed)
	}
	exe := filepath.Join(t.TempDir(), "streamscale")
	if err := os.WriteFile(exe, inImage, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "--version")
	cmd.Env = []string{}
	if out, err := cmd.CombinedOutput(); err != nil || !strings.HasPrefix(string(out), "streamscale version") {
		t.Errorf("the image's binary did not run: %v %s", err, out)
	}

	// bin/streamscale is what `go build` makes with cgo on: dynamically linked.
	raw, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if interp, needed := elfLinkage(t, raw); interp == "" && len(needed) == 0 {
		t.Fatalf("bin/streamscale is static: the refusal below proves nothing")
	}
	_, err = images.BuildGenerator(images.Sources{GeneratorBinary: bin, CABundle: ca})
	if err == nil || !strings.Contains(err.Error(), "dynamically linked") || !strings.Contains(err.Error(), "make build") || strings.Contains(err.Error(), "\n") {
		t.Errorf("bin/streamscale in the generator image: %v", err)
	}

	// The built CLI's dry run builds the same image and prints its content tag.
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "azure", "up", "--tier", "10", "--resource-group", "RG", "--location", "westeurope", "--dry-run").CombinedOutput()
	if err != nil {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	if want := "/streamscale-generator:" + plan.ContentTag(d.String()); !bytes.Contains(out, []byte(want)) {
		t.Errorf("the dry run does not show %s:\n%s", want, out)
	}
}

// layerFile is the file name (no leading slash) in an image's layers.
func layerFile(t *testing.T, layers func() ([]v1.Layer, error), name string) []byte {
	t.Helper()
	ls, err := layers()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		rc, err := l.Uncompressed()
		if err != nil {
			t.Fatal(err)
		}
		tr := tar.NewReader(rc)
		for {
			h, err := tr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if h.Name == name {
				b, err := io.ReadAll(tr)
				rc.Close()
				if err != nil {
					t.Fatal(err)
				}
				return b
			}
		}
		rc.Close()
	}
	t.Fatalf("no %s in the image", name)
	return nil
}

// elfLinkage reads an ELF's program interpreter and DT_NEEDED entries (not through the
// images package's own check).
func elfLinkage(t *testing.T, b []byte) (interp string, needed []string) {
	t.Helper()
	f, err := elf.NewFile(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not an ELF: %v", err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			s, _ := io.ReadAll(p.Open())
			interp = strings.TrimRight(string(s), "\x00")
		}
	}
	if f.SectionByType(elf.SHT_DYNAMIC) != nil {
		if needed, err = f.DynString(elf.DT_NEEDED); err != nil {
			t.Fatal(err)
		}
	}
	return interp, needed
}
