package runlog

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/streamscale/streamscale/internal/hubmetrics"
)

func TestTrafficHistory(t *testing.T) {
	dir := t.TempDir()
	base := time.Date(2026, 11, 25, 4, 0, 0, 0, time.UTC)
	row := func(min int) hubmetrics.Row {
		s := base.Add(time.Duration(min) * time.Minute)
		return hubmetrics.Row{Start: s, End: s.Add(time.Minute), Hubs: []hubmetrics.HubRow{{Topic: "in", IncomingMessages: int64(min)}}}
	}
	save := func(id string, started time.Time, rec *hubmetrics.Recording) {
		r := Run{ID: id, Started: started}
		if rec != nil {
			r.Traffic, _ = json.Marshal(rec)
		}
		if err := Save(dir, r); err != nil {
			t.Fatal(err)
		}
	}
	save("20261125-040000", base, &hubmetrics.Recording{Interval: hubmetrics.Duration(time.Minute), ThroughputUnits: 2, Rows: []hubmetrics.Row{row(0), row(1)}})
	save("20261125-041000", base.Add(10*time.Minute), nil) // against another Kafka: no traffic
	save("20261125-042000", base.Add(20*time.Minute), &hubmetrics.Recording{Interval: hubmetrics.Duration(10 * time.Second), ThroughputUnits: 6, Rows: []hubmetrics.Row{row(20), row(21)}})

	tests := []struct {
		name     string
		run      string
		from, to time.Time
		want     []int64 // IncomingMessages of the rows, in order
		units    int
		err      string
	}{
		{name: "every run, oldest first", want: []int64{0, 1, 20, 21}, units: 6},
		{name: "a window", from: base.Add(time.Minute), to: base.Add(21 * time.Minute), want: []int64{1, 20}, units: 6},
		{name: "last", run: "last", want: []int64{20, 21}, units: 6},
		{name: "one run", run: "20261125-040000", want: []int64{0, 1}, units: 2},
		{name: "a run without traffic", run: "20261125-041000", err: "recorded no broker traffic"},
		{name: "an unknown run", run: "nope", err: "read run nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := TrafficHistory{Dir: dir, Run: tt.run}.Rows(context.Background(), tt.from, tt.to)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, r := range rec.Rows {
				got = append(got, r.Hubs[0].IncomingMessages)
			}
			if len(got) != len(tt.want) || rec.ThroughputUnits != tt.units {
				t.Fatalf("rows %v (units %d), want %v (units %d)", got, rec.ThroughputUnits, tt.want, tt.units)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("rows %v, want %v", got, tt.want)
				}
			}
		})
	}
}
