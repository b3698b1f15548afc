package images

import (
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
)

func mustRef(t *testing.T, s string) name.Reference {
	t.Helper()
	r, err := name.ParseReference(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
