// Package images builds the deployment's two container images without Docker, with
// go-containerregistry, reproducibly (fixed file and image times), and pushes them to the
// registry under tags made of their content, only when they are not there yet:
//
//   - the generator: a static linux/amd64 streamscale binary (CGO_ENABLED=0: nothing else is
//     in the image to load a libc) and the CA certificates it needs for TLS to Event Hubs, on
//     an empty base, run as a non-root user;
//   - the job: the official Flink image of the pinned release (plan.FlinkRelease; a flag:
//     --flink-base-image) plus one layer with the relay jar at plan.JobJarPath.
//
// Build makes both before anything is created on Azure, so a dynamically linked binary or a
// base image of another Flink release is refused in one line at once, and their digests go
// into the plan: the FlinkDeployment names the job image by digest, so a new jar is a spec
// change the operator rolls out through a savepoint.
package images

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/streamscale/streamscale/internal/azure/plan"
)

// Platform is the images' platform: AKS and Container Instances run linux/amd64 here.
var Platform = v1.Platform{OS: "linux", Architecture: "amd64"}

// File is one file of a layer.
type File struct {
	Path string // absolute, e.g. /streamscale
	Mode int64
	UID  int
	Data []byte
}

// epoch is every file's and image's time, so the same inputs give the same digest and a
// second push is a no-op.
var epoch = time.Unix(0, 0).UTC()

// Layer makes a reproducible layer of files (their parent directories included).
func Layer(files ...File) (v1.Layer, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	dirs := map[string]bool{}
	for _, f := range files {
		if len(f.Path) < 2 || f.Path[0] != '/' {
			return nil, fmt.Errorf("layer file %q: give an absolute path", f.Path)
		}
		for i := 1; i < len(f.Path); i++ {
			if f.Path[i] == '/' && !dirs[f.Path[1:i]] {
				dirs[f.Path[1:i]] = true
				if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: f.Path[1:i] + "/", Mode: 0o755, ModTime: epoch, Uid: f.UID, Gid: f.UID}); err != nil {
					return nil, err
				}
			}
		}
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: f.Path[1:], Mode: f.Mode, Size: int64(len(f.Data)), ModTime: epoch, Uid: f.UID, Gid: f.UID}); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f.Data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	b := buf.Bytes()
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil })
}

// GeneratorBinaryPath and the other paths in the generator image.
const (
	GeneratorBinaryPath = "/streamscale"
	caBundlePath        = "/etc/ssl/certs/ca-certificates.crt"
	// nonRoot is the distroless images' "nonroot" user.
	nonRoot = 65532
)

// Generator builds the generator image: binary (a static linux/amd64 streamscale, see
// CheckStatic) and caBundle (PEM roots, e.g. the build machine's
// /etc/ssl/certs/ca-certificates.crt) on an empty base.
func Generator(binary, caBundle []byte) (v1.Image, error) {
	if err := CheckStatic(binary); err != nil {
		return nil, fmt.Errorf("generator binary: %w: %s", err, fixStatic)
	}
	if !bytes.Contains(caBundle, []byte("BEGIN CERTIFICATE")) {
		return nil, errors.New("CA bundle: no PEM certificate in it; give the system's, e.g. /etc/ssl/certs/ca-certificates.crt")
	}
	layer, err := Layer(
		File{Path: caBundlePath, Mode: 0o644, Data: caBundle},
		File{Path: GeneratorBinaryPath, Mode: 0o755, Data: binary},
	)
	if err != nil {
		return nil, fmt.Errorf("generator layer: %w", err)
	}
	img, err := mutate.AppendLayers(empty.Image, layer)
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = Platform.OS, Platform.Architecture
	cf.Created = v1.Time{Time: epoch}
	cf.Config.Entrypoint = []string{GeneratorBinaryPath}
	cf.Config.User = fmt.Sprint(nonRoot)
	cf.Config.Env = []string{"SSL_CERT_FILE=" + caBundlePath}
	return mutate.ConfigFile(img, cf)
}

// flinkUID is the official Flink image's flink user (its Dockerfile: useradd --uid=9999).
const flinkUID = 9999

// Job builds the job image: base (the official Flink image of the pinned release,
// linux/amd64; see CheckFlinkBase) plus the jar at jarPath, owned by the flink user.
func Job(base v1.Image, jar []byte, jarPath string) (v1.Image, error) {
	if len(jar) < 2 || string(jar[:2]) != "PK" {
		return nil, errors.New("job jar: not a jar; run `make build` for build/jobs/relay-job.jar")
	}
	layer, err := Layer(File{Path: jarPath, Mode: 0o644, UID: flinkUID, Data: jar})
	if err != nil {
		return nil, fmt.Errorf("job layer: %w", err)
	}
	img, err := mutate.Append(base, mutate.Addendum{Layer: layer, History: v1.History{CreatedBy: "streamscale: relay job jar", Created: v1.Time{Time: epoch}}})
	if err != nil {
		return nil, fmt.Errorf("job image: %w", err)
	}
	return img, nil
}

// Pull reads an image for Platform.
func Pull(ctx context.Context, ref string, opts ...remote.Option) (v1.Image, error) {
	r, err := name.ParseReference(ref)
	if err != nil {
		return nil, fmt.Errorf("image %q: %w", ref, err)
	}
	img, err := remote.Image(r, append([]remote.Option{remote.WithContext(ctx), remote.WithPlatform(Platform)}, opts...)...)
	if err != nil {
		return nil, fmt.Errorf("pull %s: %w", ref, err)
	}
	return img, nil
}

// Push writes img to repo (host/name) under its plan.ContentTag unless that tag is there already;
// pushed says whether it wrote anything. A tag that names another digest is refused (never
// overwritten): images are immutable.
func Push(ctx context.Context, repo string, img v1.Image, opts ...remote.Option) (pushed bool, err error) {
	want, err := img.Digest()
	if err != nil {
		return false, err
	}
	ref := repo + ":" + plan.ContentTag(want.String())
	r, err := name.ParseReference(ref)
	if err != nil {
		return false, fmt.Errorf("image %q: %w", ref, err)
	}
	opts = append([]remote.Option{remote.WithContext(ctx)}, opts...)
	desc, err := remote.Head(r, opts...)
	var te *transport.Error
	switch {
	case err == nil && desc.Digest == want:
		return false, nil
	case err == nil:
		return false, fmt.Errorf("image %s is %s, not %s: its content tag names another image; delete the tag (`az acr repository untag`) and run again", ref, desc.Digest, want)
	case !(errors.As(err, &te) && te.StatusCode == http.StatusNotFound):
		return false, fmt.Errorf("read %s: %w", ref, err)
	}
	if err := remote.Write(r, img, opts...); err != nil {
		return false, fmt.Errorf("push %s: %w", ref, err)
	}
	return true, nil
}
