package deploy

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/streamscale/streamscale/internal/azure/manifest"
	"github.com/streamscale/streamscale/internal/azure/plan"
)

// RunningImages reads the digests of the images `azure up` deployed from the cluster (the
// ConfigMap manifest.ImagesConfigMapName), and returns p with them: `azure run` re-applies
// the running job's spec unchanged and starts its generators from the same image, building
// nothing.
func RunningImages(ctx context.Context, dyn dynamic.Interface, p *plan.Plan) (*plan.Plan, error) {
	gvr := schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	cm, err := dyn.Resource(gvr).Namespace(plan.K8sNamespace).Get(ctx, manifest.ImagesConfigMapName, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, fmt.Errorf("configmap %s/%s does not exist: run `streamscale azure up` first (it builds the images and records them there)", plan.K8sNamespace, manifest.ImagesConfigMapName)
	}
	if err != nil {
		return nil, fmt.Errorf("read configmap %s/%s: %w", plan.K8sNamespace, manifest.ImagesConfigMapName, err)
	}
	data, _, err := unstructured.NestedStringMap(cm.Object, "data")
	if err != nil {
		return nil, fmt.Errorf("configmap %s/%s: %w", plan.K8sNamespace, manifest.ImagesConfigMapName, err)
	}
	im, err := manifest.ImagesFrom(data)
	if err != nil {
		return nil, err
	}
	withImages, err := p.WithImages(im)
	if err != nil {
		return nil, fmt.Errorf("configmap %s/%s: %w", plan.K8sNamespace, manifest.ImagesConfigMapName, err)
	}
	return withImages, nil
}
