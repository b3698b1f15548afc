package images

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"

	"github.com/streamscale/streamscale/internal/azure/plan"
)

// officialFlinkConfig is the config apache/flink-docker's 2.2/scala_2.12-java17-ubuntu
// Dockerfile (release 2.2.1, read at commit 983be34) gives the image: its ENV lines, USER and
// ENTRYPOINT.
func officialFlinkConfig(release string) v1.Config {
	return v1.Config{
		Env: []string{
			"PATH=/opt/flink/bin:/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
			"FLINK_TGZ_URL=https://dlcdn.apache.org/flink/flink-" + release + "/flink-" + release + "-bin-scala_2.12.tgz",
			"FLINK_ASC_URL=https://downloads.apache.org/flink/flink-" + release + "/flink-" + release + "-bin-scala_2.12.tgz.asc",
			"GPG_KEY=F7529FAE24811A5C0DF3CA741596BBF0726835D8",
			"CHECK_GPG=true",
			"FLINK_HOME=/opt/flink",
		},
		User:       "flink",
		WorkingDir: "/opt/flink",
		Entrypoint: []string{"/docker-entrypoint.sh"},
		Cmd:        []string{"help"},
	}
}

// syntheticBase is a stand-in for the official image (which cannot be pulled here): random
// layers with cfg as its config.
func syntheticBase(t *testing.T, edit func(*v1.Config)) v1.Image {
	t.Helper()
	img, err := random.Image(64, 2)
	if err != nil {
		t.Fatal(err)
	}
	cfg := officialFlinkConfig(plan.FlinkRelease)
	if edit != nil {
		edit(&cfg)
	}
	img, err = mutate.Config(img, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func TestCheckFlinkBase(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*v1.Config)
		want string // "" accepted
	}{
		{"the official layout", nil, ""},
		{"another release", func(c *v1.Config) { c.Env = officialFlinkConfig("1.20.1").Env }, "installs https://dlcdn.apache.org/flink/flink-1.20.1/"},
		{"a later patch", func(c *v1.Config) { c.Env = officialFlinkConfig("2.2.2").Env }, "pins Flink " + plan.FlinkRelease},
		{"not built like the official image", func(c *v1.Config) { c.Env = []string{"PATH=/bin"} }, "no FLINK_TGZ_URL"},
		{"another entrypoint", func(c *v1.Config) { c.Entrypoint = []string{"/bin/sh"} }, "/docker-entrypoint.sh"},
		{"root", func(c *v1.Config) { c.User = "" }, "not the official image's flink"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckFlinkBase(syntheticBase(t, tc.edit), plan.FlinkRelease)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("got %v, want an error with %q", err, tc.want)
			case err != nil && !strings.Contains(err.Error(), plan.DefaultFlinkBaseImage):
				t.Errorf("the refusal names no fix: %v", err)
			}
		})
	}
}

// writeSources writes a generator binary, CA roots and a jar into a temp dir.
func writeSources(t *testing.T, jar []byte) Sources {
	t.Helper()
	dir := t.TempDir()
	src := Sources{GeneratorBinary: filepath.Join(dir, StaticBinaryName), CABundle: filepath.Join(dir, "ca.crt"),
		JobJar: filepath.Join(dir, "relay-job.jar"), FlinkBase: plan.DefaultFlinkBaseImage}
	for path, b := range map[string][]byte{src.GeneratorBinary: fakeELF, src.CABundle: fakeCA, src.JobJar: jar} {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return src
}

func TestBuild(t *testing.T) {
	base := syntheticBase(t, nil)
	var pulled []string
	pull := func(_ context.Context, ref string) (v1.Image, error) { pulled = append(pulled, ref); return base, nil }
	src := writeSources(t, fakeJar)
	b, err := Build(context.Background(), src, pull)
	if err != nil {
		t.Fatal(err)
	}
	if len(pulled) != 1 || pulled[0] != plan.DefaultFlinkBaseImage {
		t.Errorf("pulled %v", pulled)
	}
	gd, _ := b.Generator.Digest()
	jd, _ := b.Job.Digest()
	if b.Digests.Generator != gd.String() || b.Digests.Job != jd.String() {
		t.Errorf("digests %+v, images %s %s", b.Digests, gd, jd)
	}
	again, err := Build(context.Background(), writeSources(t, fakeJar), pull)
	if err != nil || again.Digests != b.Digests {
		t.Errorf("the same sources built %+v, then %+v (%v)", b.Digests, again.Digests, err)
	}

	other := syntheticBase(t, func(c *v1.Config) { c.Env = officialFlinkConfig("2.1.0").Env })
	_, err = Build(context.Background(), src, func(context.Context, string) (v1.Image, error) { return other, nil })
	if err == nil || !strings.Contains(err.Error(), "--flink-base-image") || !strings.Contains(err.Error(), "flink-2.1.0") {
		t.Errorf("a Flink 2.1.0 base: %v", err)
	}
	src.GeneratorBinary = filepath.Join(t.TempDir(), "missing")
	if _, err := Build(context.Background(), src, pull); err == nil || !strings.Contains(err.Error(), "--generator-binary") {
		t.Errorf("missing binary: %v", err)
	}
}
