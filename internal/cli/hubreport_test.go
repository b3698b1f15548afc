package cli

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/streamscale/streamscale/internal/hubmetrics"
	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/runlog"
)

// saveTrafficRun records a run with six 10-second rows of 100 input records each, from start.
func saveTrafficRun(t *testing.T, home string, start time.Time) string {
	t.Helper()
	rec := hubmetrics.Recording{Interval: hubmetrics.Duration(10 * time.Second), ThroughputUnits: 1}
	for i := range 6 {
		s := start.Add(time.Duration(i) * 10 * time.Second)
		rec.Rows = append(rec.Rows, hubmetrics.Row{Start: s, End: s.Add(10 * time.Second),
			Hubs: []hubmetrics.HubRow{{Topic: "in", IncomingMessages: 100}, {Topic: "out", IncomingMessages: 100}}})
	}
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	id := runlog.NewID(start)
	if err := runlog.Save(local.RunsDir(home), runlog.Run{ID: id, Traffic: b}); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestReportRecordedRows(t *testing.T) {
	home := t.TempDir()
	t1 := time.Date(2026, 11, 25, 4, 0, 0, 0, time.UTC)
	first := saveTrafficRun(t, home, t1)
	saveTrafficRun(t, home, t1.Add(time.Hour))
	if err := runlog.Save(local.RunsDir(home), runlog.Run{ID: runlog.NewID(t1.Add(2 * time.Hour))}); err != nil { // no traffic
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		want    []string // substrings of the output
		rows    int      // CSV data rows
		wantErr string
	}{
		{name: "one run, its rows", args: []string{"--run", first, "--csv"}, rows: 12},
		{name: "regrouped per minute", args: []string{"--run", first, "--interval", "1m", "--csv"}, rows: 2,
			want: []string{"2026-11-25T04:00:00Z,2026-11-25T04:01:00Z,in,600,"}},
		{name: "window across runs", args: []string{"--from", "2026-11-25T04:00:30Z", "--to", "2026-11-25T05:00:20Z", "--csv"}, rows: 3*2 + 2*2},
		{name: "table keeps the run's capacity", args: []string{"--run", first}, want: []string{"MAX VALUE", "10000"}},
		{name: "last without traffic", args: []string{"--run", "last"}, wantErr: "recorded no broker traffic"},
		{name: "empty window", args: []string{"--from", "2026-11-24T00:00:00Z", "--to", "2026-11-24T01:00:00Z"}, wantErr: "no recorded broker traffic between 2026-11-24T00:00:00Z"},
		{name: "to before from", args: []string{"--from", "2026-11-25T05:00:00Z", "--to", "2026-11-25T04:00:00Z"}, wantErr: "is not after --from"},
		{name: "stored and live mixed", args: []string{"--run", first, "--follow"}, wantErr: "drop --follow"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, out, _ := testFactory()
			cmd := newHubReportCmd(f)
			err := execute(cmd, append([]string{"--home", home}, tt.args...)...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.rows > 0 {
				if n := strings.Count(strings.TrimSpace(out.String()), "\n"); n != tt.rows {
					t.Errorf("%d CSV rows, want %d:\n%s", n, tt.rows, out)
				}
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestReportWritesHTML(t *testing.T) {
	home := t.TempDir()
	id := saveTrafficRun(t, home, time.Date(2026, 11, 25, 4, 0, 0, 0, time.UTC))
	page := filepath.Join(t.TempDir(), "traffic.html")
	f, _, errOut := testFactory()
	cmd := newHubReportCmd(f)
	cmd.SetArgs([]string{"--home", home, "--run", id, "--html", page})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), `<svg class="chart"`); n != 2 || !strings.Contains(string(b), "run "+id) || !strings.Contains(errOut.String(), "wrote "+page) {
		t.Fatalf("%d charts in the page (want one per hub), title or 'wrote' line missing; stderr %q", n, errOut)
	}
}

func TestReportBadFlagsAreFlagErrors(t *testing.T) {
	for _, args := range [][]string{{"--interval", "10ms"}, {"--json", "--csv"}, {"--from", "soon"}, {"--throughput-units", "-1"}, {"--brokers", "kafka.example:9092"}} {
		f, _, _ := testFactory()
		cmd := newHubReportCmd(f)
		var fe *FlagError
		if err := execute(cmd, append([]string{"--home", t.TempDir()}, args...)...); !errors.As(err, &fe) {
			t.Errorf("%v: err = %v, want a FlagError", args, err)
		}
	}
}
