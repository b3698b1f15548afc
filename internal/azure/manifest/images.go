package manifest

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/streamscale/streamscale/internal/azure/plan"
)

// The ConfigMap that records which images the deployment runs: `azure up` applies it with
// the FlinkDeployment, and `azure run` reads it back (ImagesFrom), so that it re-applies the
// running job's spec unchanged and starts its generators from the same image.
const (
	ImagesConfigMapName = "streamscale-images"
	imagesKeyGenerator  = "generator-digest"
	imagesKeyJob        = "job-digest"
)

func imagesConfigMap(p *plan.Plan, labels map[string]string) *corev1.ConfigMap {
	im := p.Config.Images
	return &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Name: ImagesConfigMapName, Namespace: plan.K8sNamespace, Labels: labels},
		Data: map[string]string{
			imagesKeyGenerator: orPending(im.Generator),
			imagesKeyJob:       orPending(im.Job),
		},
	}
}

func orPending(d string) string {
	if d == "" {
		return "<computed by azure up>"
	}
	return d
}

// ImagesFrom reads the images' digests from the data of the ConfigMap ImagesConfigMapName.
func ImagesFrom(data map[string]string) (plan.Images, error) {
	im := plan.Images{Generator: data[imagesKeyGenerator], Job: data[imagesKeyJob]}
	if im.Generator == "" || im.Job == "" {
		return plan.Images{}, fmt.Errorf("configmap %s/%s has no image digests: run `streamscale azure up` first", plan.K8sNamespace, ImagesConfigMapName)
	}
	return im, nil
}
