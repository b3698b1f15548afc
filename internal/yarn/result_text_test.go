package yarn

import (
	"strings"
	"testing"
)

func TestResultWriteText(t *testing.T) {
	for _, tc := range []struct {
		name      string
		r         Result
		want, not []string
	}{
		{"running, with the URL", Result{ApplicationID: "application_1_0001", Name: "s", State: "RUNNING", RESTURL: "http://nm:8081", Diagnostics: "x"},
			[]string{"YARN application  application_1_0001 (s)", "Use it with        --flink-url http://nm:8081"}, []string{"Diagnostics"}},
		{"failed: the first line of the diagnostics", Result{State: "FAILED", RESTURL: "http://nm:8081", Diagnostics: "no memory\nstack"},
			[]string{"Diagnostics       no memory\n"}, []string{"stack", "--flink-url"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			if err := tc.r.WriteText(&b); err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("missing %q in:\n%s", w, b.String())
				}
			}
			for _, n := range tc.not {
				if strings.Contains(b.String(), n) {
					t.Errorf("unexpected %q in:\n%s", n, b.String())
				}
			}
		})
	}
}
