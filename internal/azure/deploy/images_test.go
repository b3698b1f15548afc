package deploy

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	dynfake "k8s.io/client-go/dynamic/fake"

	"github.com/streamscale/streamscale/internal/azure/images"
	"github.com/streamscale/streamscale/internal/azure/kube"
	"github.com/streamscale/streamscale/internal/azure/manifest"
	"github.com/streamscale/streamscale/internal/azure/plan"
)

// jobPlan builds the job image from base and jar (as `azure up` does) and returns the plan
// that names it.
func jobPlan(t *testing.T, base v1.Image, jar []byte) *plan.Plan {
	t.Helper()
	img, err := images.Job(base, jar, plan.JobJarPath)
	if err != nil {
		t.Fatal(err)
	}
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.New(plan.Config{Tier: 10, ResourceGroup: "rg", Location: "westeurope"})
	if err != nil {
		t.Fatal(err)
	}
	p, err = p.WithImages(plan.Images{Generator: "sha256:" + strings.Repeat("1", 64), Job: d.String()})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// applied is what kube.Apply sends for p: the manifests as YAML, and the FlinkDeployment's
// spec as the unstructured object the API server receives.
func applied(t *testing.T, p *plan.Plan) ([]byte, map[string]any) {
	t.Helper()
	set := manifest.Build(p, manifest.Inputs{FlinkIdentityClientID: "kubelet", InConnectionString: "in", OutConnectionString: "out"})
	var b bytes.Buffer
	if err := set.Write(&b); err != nil {
		t.Fatal(err)
	}
	objs, err := kube.Unstructured(set.Objects())
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		if o.GetKind() == manifest.FlinkKind {
			spec, _, _ := unstructured.NestedMap(o.Object, "spec")
			return b.Bytes(), spec
		}
	}
	t.Fatal("no FlinkDeployment")
	return nil, nil
}

// TestANewJarIsASpecChange: the job image is built reproducibly and named by digest, so
// rebuilding the same jar applies byte-identical manifests (the operator leaves the job
// alone), and a changed jar changes the FlinkDeployment's spec.image (the operator upgrades
// the job through a savepoint, upgradeMode savepoint), pulled IfNotPresent.
func TestANewJarIsASpecChange(t *testing.T) {
	base, err := random.Image(128, 2)
	if err != nil {
		t.Fatal(err)
	}
	base, err = mutate.Config(base, v1.Config{User: "flink", Entrypoint: []string{"/docker-entrypoint.sh"}})
	if err != nil {
		t.Fatal(err)
	}
	jar := append([]byte("PK\x03\x04"), bytes.Repeat([]byte("relay"), 64)...)
	newJar := append(append([]byte{}, jar...), 'x')

	yamlA, specA := applied(t, jobPlan(t, base, jar))
	yamlA2, _ := applied(t, jobPlan(t, base, append([]byte{}, jar...)))
	yamlB, specB := applied(t, jobPlan(t, base, newJar))
	if !bytes.Equal(yamlA, yamlA2) {
		t.Errorf("the same jar rebuilt gave other manifests:\n%s\n---\n%s", yamlA, yamlA2)
	}
	if bytes.Equal(yamlA, yamlB) || specA["image"] == specB["image"] {
		t.Fatalf("a new jar left the spec's image at %v", specA["image"])
	}
	for k := range specA {
		if k != "image" && !reflect.DeepEqual(specA[k], specB[k]) {
			t.Errorf("a new jar changed spec.%s too", k)
		}
	}
	img := specB["image"].(string)
	if !strings.Contains(img, ".azurecr.io/streamscale-job@sha256:") || len(img[strings.Index(img, "@sha256:")+8:]) != 64 {
		t.Errorf("image %s is not named by digest", img)
	}
	if specB["imagePullPolicy"] != "IfNotPresent" || specB["job"].(map[string]any)["upgradeMode"] != "savepoint" {
		t.Errorf("pull policy %v, upgrade mode %v", specB["imagePullPolicy"], specB["job"])
	}
}

// TestRunningImagesReadsWhatUpApplied_FakeDynamic: `azure run` gets the digests `up`
// recorded in the cluster, so it re-applies the same spec; a cluster without them is an
// error naming `azure up`.
func TestRunningImagesReadsWhatUpApplied_FakeDynamic(t *testing.T) {
	base, _ := random.Image(64, 1)
	up := jobPlan(t, base, []byte("PK\x03\x04jar"))
	objs, err := kube.Unstructured([]any{manifest.Build(up, manifest.Inputs{}).Images})
	if err != nil {
		t.Fatal(err)
	}
	c := up.Config
	c.Images = plan.Images{}
	fresh, err := plan.New(c)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := RunningImages(ctx, dynfake.NewSimpleDynamicClient(runtime.NewScheme()), fresh); err == nil || !strings.Contains(err.Error(), "azure up") {
		t.Errorf("no configmap: %v", err)
	}
	got, err := RunningImages(ctx, dynfake.NewSimpleDynamicClient(runtime.NewScheme(), objs[0]), fresh)
	if err != nil {
		t.Fatal(err)
	}
	if got.JobImage() != up.JobImage() || got.GeneratorImage() != up.GeneratorImage() {
		t.Errorf("read %s %s, up applied %s %s", got.JobImage(), got.GeneratorImage(), up.JobImage(), up.GeneratorImage())
	}
}
