package plan

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFlinkPinMatchesTheJobsDependencies: the job's Flink dependencies (jvm/pom.xml's
// flink.version) are the release the image, flinkVersion and plugin follow.
func TestFlinkPinMatchesTheJobsDependencies(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", "jvm", "pom.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var pom struct {
		Properties struct {
			Flink string `xml:"flink.version"`
			Java  string `xml:"maven.compiler.release"`
		} `xml:"properties"`
	}
	if err := xml.Unmarshal(raw, &pom); err != nil {
		t.Fatal(err)
	}
	if pom.Properties.Flink != FlinkRelease {
		t.Errorf("jvm/pom.xml's flink.version is %q, plan.FlinkRelease %q: change both together", pom.Properties.Flink, FlinkRelease)
	}
	if pom.Properties.Java != "17" || !strings.HasSuffix(DefaultFlinkBaseImage, "-java17") {
		t.Errorf("the job is compiled for Java %q, the base image is %s", pom.Properties.Java, DefaultFlinkBaseImage)
	}
}

// TestFlinkPinDrivesEveryName: the base image's tag, flinkVersion and the plugin jar all
// come from FlinkRelease (and the plan prints them).
func TestFlinkPinDrivesEveryName(t *testing.T) {
	if FlinkVersion != "v2_2" || DefaultFlinkBaseImage != "flink:2.2.1-java17" || AzureFSPlugin != "flink-azure-fs-hadoop-2.2.1.jar" {
		t.Errorf("pin %s: flinkVersion %s, base %s, plugin %s", FlinkRelease, FlinkVersion, DefaultFlinkBaseImage, AzureFSPlugin)
	}
	if got := operatorFlinkVersion("1.20.1"); got != "v1_20" {
		t.Errorf("operatorFlinkVersion(1.20.1) = %s", got)
	}
}

func TestFlinkBaseImageAgainstThePin(t *testing.T) {
	for _, tc := range []struct {
		ref  string
		want string // "" accepted
	}{
		{"flink:2.2.1-java17", ""},
		{"flink:2.2.1-scala_2.12-java17", ""},
		{"myacr.azurecr.io/mirror/flink:2.2.1-java21", ""},
		{"localhost:5000/flink:2.2.1", ""},
		{"flink@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", ""}, // checked once pulled
		{"flink:latest", ""},                                                                  // the same
		{"flink:1.20.1-java17", "names Flink 1.20.1, but streamscale pins Flink 2.2.1"},
		{"flink:2.1-java17", "names Flink 2.1,"},
		{"flink:2.2-java17", "names Flink 2.2,"}, // floats to later patches and their plugin jar
		{"flink:2.2.2-java17", "names Flink 2.2.2,"},
		{"localhost:5000/flink:2.3.0", "names Flink 2.3.0,"},
		{"flink:2.2.1-java11", "runs Java 11, but the job is compiled for Java 17"},
	} {
		t.Run(tc.ref, func(t *testing.T) {
			_, err := New(Config{Tier: 1, ResourceGroup: "rg", Location: "westeurope", FlinkBaseImage: tc.ref})
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("got %v, want %q", err, tc.want)
			case err != nil && (!strings.HasPrefix(err.Error(), "--flink-base-image "+tc.ref) || !strings.Contains(err.Error(), "use flink:2.2.1-java17") || strings.Contains(err.Error(), "\n")):
				t.Errorf("not one line naming the flag and the fix: %v", err)
			}
		})
	}
}

const (
	digestA = "sha256:aaaaaaaaaaaaaaaa0123456789abcdef0123456789abcdef0123456789abcdef"
	digestB = "sha256:bbbbbbbbbbbbbbbb0123456789abcdef0123456789abcdef0123456789abcdef"
)

func TestImageReferencesAreContentAddressed(t *testing.T) {
	p, err := New(Config{Tier: 1, ResourceGroup: "rg", Location: "westeurope"})
	if err != nil {
		t.Fatal(err)
	}
	if p.HasImages() || !strings.Contains(p.JobImage(), "@sha256:<computed by azure up>") {
		t.Errorf("no digests yet: %s %v", p.JobImage(), p.HasImages())
	}
	q, err := p.WithImages(Images{Generator: digestA, Job: digestB})
	if err != nil {
		t.Fatal(err)
	}
	host := p.Names.RegistryHost()
	if got, want := q.JobImage(), host+"/streamscale-job@"+digestB; got != want {
		t.Errorf("JobImage %s, want %s", got, want)
	}
	if got, want := q.GeneratorImage(), host+"/streamscale-generator:aaaaaaaaaaaaaaaa"; got != want {
		t.Errorf("GeneratorImage %s, want %s", got, want)
	}
	if !q.HasImages() || p.HasImages() {
		t.Errorf("WithImages changed the plan it was called on, or did not set its own")
	}
	if _, err := p.WithImages(Images{Job: "sha256:short"}); err == nil || !strings.Contains(err.Error(), "job image digest") {
		t.Errorf("a bad digest: %v", err)
	}
}
