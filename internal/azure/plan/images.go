package plan

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// FlinkRelease is the one Flink release streamscale pins on Azure. It drives the job image's
// base (DefaultFlinkBaseImage), the FlinkDeployment's flinkVersion (FlinkVersion), the Azure
// file system plugin the pods enable (AzureFSPlugin), and it is the job's Flink dependency
// version (jvm/pom.xml's flink.version; a test compares the two).
const FlinkRelease = "2.2.1"

// DefaultFlinkBaseImage is the official Flink image of FlinkRelease on Java 17 (the job is
// compiled for Java 17: jvm/pom.xml's maven.compiler.release).
const DefaultFlinkBaseImage = "flink:" + FlinkRelease + "-java17"

// AzureFSPlugin is the Azure file system plugin jar of FlinkRelease under /opt/flink/opt in
// the official image, which its entrypoint links into /opt/flink/plugins when named in
// ENABLE_BUILT_IN_PLUGINS.
const AzureFSPlugin = "flink-azure-fs-hadoop-" + FlinkRelease + ".jar"

// FlinkVersion is the FlinkDeployment's flinkVersion for FlinkRelease: v<major>_<minor>.
var FlinkVersion = operatorFlinkVersion(FlinkRelease)

func operatorFlinkVersion(release string) string {
	parts := strings.SplitN(release, ".", 3)
	return "v" + parts[0] + "_" + parts[1]
}

// minJava is the Java release the job is compiled for: a base image of an older Java cannot
// load it.
const minJava = 17

var (
	// flinkTag is a Flink image tag that starts with a release: 2.2.1-java17, 1.20-scala_2.12.
	flinkTag = regexp.MustCompile(`^(\d+)\.(\d+)(?:\.(\d+))?(?:[-_]|$)`)
	javaTag  = regexp.MustCompile(`(?:^|-)java(\d+)(?:-|$)`)
)

// checkFlinkBaseImage refuses a base image whose tag names another Flink release than
// FlinkRelease (or only its minor version, which floats to later patch releases and their
// plugin jar), or a Java older than the job's. A tag that names no release (a digest, latest,
// a mirror's own tag) passes here; images.Build checks the image itself once pulled.
func checkFlinkBaseImage(ref string) error {
	name := ref
	if i := strings.Index(name, "@"); i >= 0 {
		name = name[:i]
	}
	tag := ""
	if i := strings.LastIndex(name, ":"); i > strings.LastIndex(name, "/") {
		tag = name[i+1:]
	}
	fix := fmt.Sprintf("use %s or a copy of it", DefaultFlinkBaseImage)
	if m := flinkTag.FindStringSubmatch(tag); m != nil {
		release := m[1] + "." + m[2]
		if m[3] != "" {
			release += "." + m[3]
		}
		if release != FlinkRelease {
			return fmt.Errorf("--flink-base-image %s names Flink %s, but streamscale pins Flink %s (flinkVersion %s, %s, the job's dependencies): %s",
				ref, release, FlinkRelease, FlinkVersion, AzureFSPlugin, fix)
		}
	}
	if m := javaTag.FindStringSubmatch(tag); m != nil {
		if v, _ := strconv.Atoi(m[1]); v < minJava {
			return fmt.Errorf("--flink-base-image %s runs Java %s, but the job is compiled for Java %d: %s", ref, m[1], minJava, fix)
		}
	}
	return nil
}

// Images are the two images' digests ("sha256:" and 64 hex digits), known once `azure up`
// has built them (images.Build) or read back from the cluster (`azure run`). A plan without
// them, as a dry run's, names where they go.
type Images struct {
	Generator, Job string
}

var digestPattern = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

func (im Images) validate() error {
	for _, d := range []struct{ what, digest string }{{"generator", im.Generator}, {"job", im.Job}} {
		if d.digest != "" && !digestPattern.MatchString(d.digest) {
			return fmt.Errorf("%s image digest %q: want sha256: and 64 hex digits", d.what, d.digest)
		}
	}
	return nil
}

// ContentTag is the tag an image with digest d ("sha256:…") is pushed under: the first 16 hex
// digits of its digest, so the tag names its content and is never moved to another image.
func ContentTag(d string) string {
	return strings.TrimPrefix(d, "sha256:")[:16]
}

// Placeholders for a digest the plan does not know yet.
const (
	pendingTag    = "<content tag: computed by azure up>"
	pendingDigest = "sha256:<computed by azure up>"
)

// GeneratorRepo and JobRepo are the images' repositories in the registry.
func (p *Plan) GeneratorRepo() string { return p.Names.RegistryHost() + "/" + GeneratorImageRepo }

// JobRepo is the job image's repository in the registry.
func (p *Plan) JobRepo() string { return p.Names.RegistryHost() + "/" + JobImageRepo }

// GeneratorImage is the generator image's reference for Container Instances: its repository
// and content tag (ContentTag).
func (p *Plan) GeneratorImage() string {
	tag := pendingTag
	if d := p.Config.Images.Generator; d != "" {
		tag = ContentTag(d)
	}
	return p.GeneratorRepo() + ":" + tag
}

// JobImage is the job image's reference in the FlinkDeployment: its repository and digest,
// so a new jar (or base) is a new spec, and no node can pull another image under the same
// name.
func (p *Plan) JobImage() string {
	d := p.Config.Images.Job
	if d == "" {
		d = pendingDigest
	}
	return p.JobRepo() + "@" + d
}

// HasImages says whether the plan knows both images' digests: a plan without them is for
// printing, never for applying.
func (p *Plan) HasImages() bool {
	return p.Config.Images.Generator != "" && p.Config.Images.Job != ""
}

// WithImages is the plan with the images' digests im.
func (p *Plan) WithImages(im Images) (*Plan, error) {
	c := p.Config
	c.Images = im
	return New(c)
}
