package images

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/streamscale/streamscale/internal/azure/plan"
)

// Sources are the files and the base image the two images are built from.
type Sources struct {
	// GeneratorBinary is a static linux/amd64 streamscale (GeneratorBinary picks it);
	// CABundle the PEM roots it trusts; JobJar the relay job jar (build/jobs/relay-job.jar).
	GeneratorBinary, CABundle, JobJar string
	// FlinkBase is the job image's base, the official Flink image of plan.FlinkRelease.
	FlinkBase string
}

// Built are the two images, built and not pushed, with their digests.
type Built struct {
	Generator, Job v1.Image
	Digests        plan.Images
}

// PullFunc reads an image for Platform (Pull, with the options it needs).
type PullFunc func(ctx context.Context, ref string) (v1.Image, error)

// Build reads src, checks it (a static binary, PEM roots, a jar, a base image of the pinned
// Flink release built like the official one) and builds both images, pulling the base's
// manifest and config with pull (nil: Pull, anonymously); its layers are read only when the
// job image is pushed.
func Build(ctx context.Context, src Sources, pull PullFunc) (*Built, error) {
	if pull == nil {
		pull = func(ctx context.Context, ref string) (v1.Image, error) { return Pull(ctx, ref) }
	}
	gen, err := BuildGenerator(src)
	if err != nil {
		return nil, err
	}
	jar, err := readFile("job jar (--job-jar; run `make build`)", src.JobJar)
	if err != nil {
		return nil, err
	}
	base, err := pull(ctx, src.FlinkBase)
	if err != nil {
		return nil, err
	}
	if err := CheckFlinkBase(base, plan.FlinkRelease); err != nil {
		return nil, fmt.Errorf("--flink-base-image %s: %w", src.FlinkBase, err)
	}
	job, err := Job(base, jar, plan.JobJarPath)
	if err != nil {
		return nil, err
	}
	b := &Built{Generator: gen, Job: job}
	for _, d := range []struct {
		img  v1.Image
		into *string
	}{{gen, &b.Digests.Generator}, {job, &b.Digests.Job}} {
		h, err := d.img.Digest()
		if err != nil {
			return nil, fmt.Errorf("image digest: %w", err)
		}
		*d.into = h.String()
	}
	return b, nil
}

// BuildGenerator builds the generator image alone from src's binary and CA roots: it needs
// no network, so a dry run shows its real content tag.
func BuildGenerator(src Sources) (v1.Image, error) {
	bin, err := readFile("generator binary "+src.GeneratorBinary+" (--generator-binary)", src.GeneratorBinary)
	if err != nil {
		return nil, err
	}
	ca, err := readFile("CA bundle (--ca-bundle)", src.CABundle)
	if err != nil {
		return nil, err
	}
	img, err := Generator(bin, ca)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", src.GeneratorBinary, err)
	}
	return img, nil
}

func readFile(what, path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return b, nil
}

// The official Flink image's layout, as its Dockerfile (github.com/apache/flink-docker,
// 2.2/scala_2.12-java17-ubuntu) makes it: the release it installed in FLINK_TGZ_URL, its
// entrypoint (which links ENABLE_BUILT_IN_PLUGINS from /opt/flink/opt into
// /opt/flink/plugins) and its user.
const (
	flinkTGZEnv     = "FLINK_TGZ_URL"
	flinkEntrypoint = "/docker-entrypoint.sh"
	flinkUser       = "flink"
)

// CheckFlinkBase says why base is not the official Flink image of release (or a copy of
// it), or nil: the Flink it installed (its FLINK_TGZ_URL names flink-<release>-bin), the
// entrypoint that enables the Azure plugin, and the flink user.
func CheckFlinkBase(base v1.Image, release string) error {
	cf, err := base.ConfigFile()
	if err != nil {
		return fmt.Errorf("read its config: %w", err)
	}
	url := ""
	for _, e := range cf.Config.Env {
		if v, ok := strings.CutPrefix(e, flinkTGZEnv+"="); ok {
			url = v
		}
	}
	fix := "use " + plan.DefaultFlinkBaseImage + " or a copy of it"
	switch {
	case url == "":
		return fmt.Errorf("no %s in its environment: not built like the official Flink image; %s", flinkTGZEnv, fix)
	case !strings.Contains(url, "/flink-"+release+"-bin-"):
		return fmt.Errorf("it installs %s, but streamscale pins Flink %s (its plugin %s and flinkVersion %s); %s", url, release, plan.AzureFSPlugin, plan.FlinkVersion, fix)
	case !slices.Equal(cf.Config.Entrypoint, []string{flinkEntrypoint}):
		return fmt.Errorf("entrypoint %q, not the official %s that enables the Azure file system plugin; %s", cf.Config.Entrypoint, flinkEntrypoint, fix)
	case cf.Config.User != flinkUser:
		return fmt.Errorf("user %q, not the official image's %s (uid %d); %s", cf.Config.User, flinkUser, flinkUID, fix)
	}
	return nil
}
