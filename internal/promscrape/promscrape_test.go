package promscrape

import (
	"strings"
	"testing"
)

func TestParseLabelValues(t *testing.T) {
	tests := []struct {
		name, text string
		want       map[string]string
		value      float64
	}{
		{"plain", `m{topic="in"} 1`, map[string]string{"topic": "in"}, 1},
		{"trailing comma (JMX exporter)", `m{request="Produce",} 2.5`, map[string]string{"request": "Produce"}, 2.5},
		{"comma in value", `m{task_name="Source: in -> Map, Filter",tm="a"} 3`, map[string]string{"task_name": "Source: in -> Map, Filter", "tm": "a"}, 3},
		{"quote and backslash escaped", `m{op="say \"hi\", C:\\x"} 4`, map[string]string{"op": `say "hi", C:\x`}, 4},
		{"brace and equals in value", `m{op="a{b}=c",x="y"} 5E2`, map[string]string{"op": "a{b}=c", "x": "y"}, 500},
		{"newline escaped", `m{op="a\nb"} 6`, map[string]string{"op": "a\nb"}, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tt.text + "\n"))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].Name != "m" || got[0].Value != tt.value {
				t.Fatalf("got %+v", got)
			}
			for k, v := range tt.want {
				if got[0].Label(k) != v {
					t.Errorf("label %s = %q, want %q", k, got[0].Label(k), v)
				}
			}
			if len(got[0].Labels) != len(tt.want) {
				t.Errorf("labels %v, want %v", got[0].Labels, tt.want)
			}
		})
	}
}

func TestParseTypesAndErrors(t *testing.T) {
	text := `# TYPE c counter
c_total 7
# TYPE s summary
s{quantile="0.5"} 1
s{quantile="0.99"} 9
s_sum 20
s_count 4
# TYPE g gauge
g 3
`
	got, err := Parse(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	vals := map[string]float64{}
	for _, s := range got {
		vals[s.Name+"/"+s.Label("quantile")] = s.Value
	}
	want := map[string]float64{"c_total/": 7, "s/0.5": 1, "s/0.99": 9, "s_sum/": 20, "s_count/": 4, "g/": 3}
	for k, v := range want {
		if vals[k] != v {
			t.Errorf("%s = %v, want %v (all: %v)", k, vals[k], v, vals)
		}
	}
	for _, bad := range []string{`m{topic="in"} abc`, `m{topic="in} 1`, `m{topic=in} 1`} {
		if _, err := Parse(strings.NewReader(bad + "\n")); err == nil {
			t.Errorf("%q was accepted", bad)
		}
	}
}
