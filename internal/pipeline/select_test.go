package pipeline

import (
	"strings"
	"testing"
)

func TestSelectTarget(t *testing.T) {
	for _, tt := range []struct {
		name     string
		external bool
		want     string
		err      string
	}{
		{"", false, TargetLocal, ""},
		{"", true, TargetCluster, ""},
		{"local", false, TargetLocal, ""},
		{"local", true, "", "--target local runs on the local stack"},
		{"cluster", true, TargetCluster, ""},
		{"cluster", false, "", "--target cluster needs the cluster"},
		{"azure", false, "", "use `streamscale azure run --resource-group RG`"},
		{"azure", true, "", "use `streamscale azure run --resource-group RG`"},
		{"aks", false, "", `--target "aks": use local or cluster`},
	} {
		got, err := SelectTarget(tt.name, tt.external)
		if got != tt.want || (err == nil) != (tt.err == "") || (err != nil && !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("SelectTarget(%q, %v) = %q, %v; want %q, error with %q", tt.name, tt.external, got, err, tt.want, tt.err)
		}
	}
}
