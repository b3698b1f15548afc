package hubmetrics

import (
	"testing"
	"time"
)

// TestRecordingRegrouped: a wider width regroups the rows and says so; a narrower or equal
// one leaves the recording as it is (rows are never split).
func TestRecordingRegrouped(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	var rows []Row
	for i := 0; i < 6; i++ {
		s := t0.Add(time.Duration(i) * 10 * time.Second)
		rows = append(rows, Row{Start: s, End: s.Add(10 * time.Second), Hubs: []HubRow{{Topic: "in", IncomingMessages: 1}}})
	}
	rec := Recording{Interval: Duration(10 * time.Second), Rows: rows}
	for _, tc := range []struct {
		width    time.Duration
		rows     int
		interval time.Duration
	}{
		{time.Minute, 1, time.Minute},
		{10 * time.Second, 6, 10 * time.Second},
		{time.Second, 6, 10 * time.Second},
	} {
		got := rec.Regrouped(tc.width)
		if len(got.Rows) != tc.rows || time.Duration(got.Interval) != tc.interval {
			t.Errorf("width %s: %d rows of %s, want %d of %s", tc.width, len(got.Rows), time.Duration(got.Interval), tc.rows, tc.interval)
		}
	}
	if got := rec.Regrouped(time.Minute); got.Rows[0].Hubs[0].IncomingMessages != 6 {
		t.Errorf("regrouped row holds %d records, want 6", got.Rows[0].Hubs[0].IncomingMessages)
	}
}
