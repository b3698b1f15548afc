package hubreport

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/streamscale/streamscale/internal/hubmetrics"
)

// countingSource reports 10 more records on "in" per snapshot and cancels the report after
// its last one, as Ctrl-C would.
type countingSource struct {
	n, last int
	cancel  context.CancelFunc
}

func (s *countingSource) Snapshot(context.Context) (hubmetrics.Snapshot, error) {
	s.n++
	if s.n == s.last {
		s.cancel()
	}
	return hubmetrics.Snapshot{At: time.Now(), Topics: map[string]hubmetrics.Counters{"in": {MessagesIn: float64(10 * s.n)}}}, nil
}

// TestReportFollowPrintsHeaderOnce: --follow prints the header once and each row as it
// closes; the rows returned tile the report and hold every record the source counted.
func TestReportFollowPrintsHeaderOnce(t *testing.T) {
	for _, format := range []string{"table", "csv"} {
		t.Run(format, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			src := &countingSource{last: 4, cancel: cancel}
			opts := &Options{Topics: "in", Interval: 20 * time.Millisecond, Follow: true, CSV: format == "csv"}
			var out bytes.Buffer
			rows, err := Sample(ctx, &out, src, opts)
			if err != nil {
				t.Fatal(err)
			}
			text := out.String()
			header := "INTERVAL (UTC)"
			if format == "csv" {
				header = "incomingRecords"
			}
			printed := strings.Count(text, " in ") + strings.Count(text, ",in,")
			if strings.Count(text, header) != 1 || printed < 2 {
				t.Fatalf("want one header and a row per closed interval (at least 2 before the 4th snapshot):\n%s", text)
			}
			checkTiled(t, rows, src.n)
		})
	}
}

// checkTiled checks that rows follow each other without gaps and hold the 10 records per
// snapshot a countingSource counted after its first.
func checkTiled(t *testing.T, rows []hubmetrics.Row, snapshots int) {
	t.Helper()
	var total int64
	for i, r := range rows {
		total += r.Hubs[0].IncomingMessages
		if i > 0 && !r.Start.Equal(rows[i-1].End) {
			t.Fatalf("row %d starts at %s, the one before ends at %s", i, r.Start, rows[i-1].End)
		}
	}
	if want := int64(10 * (snapshots - 1)); total != want {
		t.Fatalf("%d records in %d rows, want %d", total, len(rows), want)
	}
}

// TestReportDurationIsNotRoundedUp: --duration 1.5 intervals ends sampling then, not at the
// next whole interval, also with --follow.
func TestReportDurationIsNotRoundedUp(t *testing.T) {
	for _, follow := range []bool{false, true} {
		src := &countingSource{last: -1, cancel: func() {}}
		opts := &Options{Topics: "in", Interval: time.Second, Duration: 1500 * time.Millisecond, Follow: follow, CSV: true}
		rows, err := Sample(context.Background(), &bytes.Buffer{}, src, opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) == 0 {
			t.Fatalf("follow=%v: no rows", follow)
		}
		checkTiled(t, rows, src.n)
		if span := rows[len(rows)-1].End.Sub(rows[0].Start); span >= 2*time.Second {
			t.Fatalf("follow=%v: the rows span %s, rounded up to whole intervals instead of ending at --duration", follow, span)
		}
	}
}
