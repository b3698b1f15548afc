package kubetest

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// crdSchema is one CRD version's OpenAPI schema as the API server uses it: structural for
// pruning unknown fields, and a validator for types, enums and required fields.
type crdSchema struct {
	structural *structuralschema.Structural
	validator  validation.SchemaValidator
}

func newCRDSchema(v *apiextensionsv1.CustomResourceValidation) (*crdSchema, error) {
	if v == nil || v.OpenAPIV3Schema == nil {
		return nil, nil
	}
	var internal apiextensions.JSONSchemaProps
	if err := apiextensionsv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(v.OpenAPIV3Schema, &internal, nil); err != nil {
		return nil, err
	}
	s, err := structuralschema.NewStructural(&internal)
	if err != nil {
		return nil, fmt.Errorf("not a structural schema: %w", err)
	}
	val, _, err := validation.NewSchemaValidator(&internal)
	if err != nil {
		return nil, err
	}
	return &crdSchema{structural: s, validator: val}, nil
}

// validate refuses obj when its schema does not hold it: a field the schema does not have
// (the API server would prune it, with a warning, and the operator would never see it: an
// error here), or a value of the wrong type or outside an enum (the API server's 422).
func (s *crdSchema) validate(gvk schema.GroupVersionKind, obj *unstructured.Unstructured) error {
	cp := runtime.DeepCopyJSON(obj.Object)
	unknown := pruning.PruneWithOptions(cp, s.structural, true, structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true})
	if len(unknown) > 0 {
		return apierrors.NewBadRequest(fmt.Sprintf("%s %s: unknown field(s) %s (not in the CRD's schema)", gvk.Kind, obj.GetName(), strings.Join(unknown, ", ")))
	}
	if errs := validation.ValidateCustomResource(nil, obj.Object, s.validator); len(errs) > 0 {
		return apierrors.NewInvalid(gvk.GroupKind(), obj.GetName(), errs)
	}
	return nil
}

// served caches the kinds a CRD serves by the SHA-256 of its spec: building the schemas of
// the chart's CRDs is done once per test binary instead of once per install.
var served sync.Map

// serve makes a created CRD's served versions kinds of the cluster, with their schemas.
func (c *Cluster) serve(obj *unstructured.Unstructured) error {
	spec, err := json.Marshal(obj.Object["spec"])
	if err != nil {
		return err
	}
	key := sha256.Sum256(spec)
	kinds, ok := served.Load(key)
	if !ok {
		k, err := crdKinds(obj)
		if err != nil {
			return err
		}
		served.Store(key, k)
		kinds = k
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for gvk, k := range kinds.(map[schema.GroupVersionKind]Kind) {
		c.kinds[gvk] = k
	}
	return nil
}

func crdKinds(obj *unstructured.Unstructured) (map[schema.GroupVersionKind]Kind, error) {
	var crd apiextensionsv1.CustomResourceDefinition
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(obj.Object, &crd); err != nil {
		return nil, fmt.Errorf("CustomResourceDefinition %s: %w", obj.GetName(), err)
	}
	kinds := map[schema.GroupVersionKind]Kind{}
	for _, v := range crd.Spec.Versions {
		if !v.Served {
			continue
		}
		s, err := newCRDSchema(v.Schema)
		if err != nil {
			return nil, fmt.Errorf("CustomResourceDefinition %s version %s: %w", crd.Name, v.Name, err)
		}
		gvk := schema.GroupVersionKind{Group: crd.Spec.Group, Version: v.Name, Kind: crd.Spec.Names.Kind}
		kinds[gvk] = Kind{GVR: schema.GroupVersionResource{Group: crd.Spec.Group, Version: v.Name, Resource: crd.Spec.Names.Plural},
			Namespaced: crd.Spec.Scope == apiextensionsv1.NamespaceScoped, schema: s}
	}
	return kinds, nil
}

// ValidateCustomResource checks obj against the schema of the CRD the cluster serves for its
// kind, as the API server would on create; an unknown kind is an error.
func (c *Cluster) ValidateCustomResource(obj *unstructured.Unstructured) error {
	gvk := obj.GroupVersionKind()
	k, ok := c.KindOf(gvk)
	if !ok {
		return fmt.Errorf("no CRD serves %s", gvk)
	}
	if k.schema == nil {
		return fmt.Errorf("%s has no schema here", gvk)
	}
	return k.schema.validate(gvk, obj)
}
