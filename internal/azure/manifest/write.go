package manifest

import (
	"fmt"
	"io"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// Write prints the set as a multi-document YAML stream, as `azure up --dry-run` shows it and
// `kubectl apply -f` would take it. Every Secret value is replaced by Redacted: the printed
// manifests never hold a secret.
func (s *Set) Write(w io.Writer) error {
	for i, obj := range s.Objects() {
		if sec, ok := obj.(*corev1.Secret); ok {
			obj = redact(sec)
		}
		b, err := yaml.Marshal(obj)
		if err != nil {
			return fmt.Errorf("manifest %d: %w", i+1, err)
		}
		if _, err := fmt.Fprintf(w, "---\n%s", b); err != nil {
			return err
		}
	}
	return nil
}

// redact is a copy of s with its values replaced.
func redact(s *corev1.Secret) *corev1.Secret {
	c := s.DeepCopy()
	c.StringData = map[string]string{}
	for k := range s.StringData {
		c.StringData[k] = Redacted
	}
	for k := range s.Data {
		c.StringData[k] = Redacted
	}
	c.Data = nil
	return c
}
