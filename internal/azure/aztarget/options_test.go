package aztarget

import (
	"strings"
	"testing"
	"time"
)

// TestWindow: `azure report`'s --from and --to are RFC 3339 times or durations ago, --to
// defaults to now, and a bad value's error names its flag.
func TestWindow(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		from, to         string
		wantFrom, wantTo time.Time
		wantErr          string
	}{
		{from: "1h", wantFrom: now.Add(-time.Hour), wantTo: now},
		{from: "2026-11-29T10:00:00Z", to: "30m", wantFrom: time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC), wantTo: now.Add(-30 * time.Minute)},
		{from: "soon", wantErr: "--from: "},
		{from: "1h", to: "later", wantErr: "--to: "},
	} {
		from, to, err := Window(tc.from, tc.to, now)
		if tc.wantErr != "" {
			if err == nil || !strings.HasPrefix(err.Error(), tc.wantErr) {
				t.Errorf("Window(%q, %q): err %v, want one starting %q", tc.from, tc.to, err, tc.wantErr)
			}
			continue
		}
		if err != nil || !from.Equal(tc.wantFrom) || !to.Equal(tc.wantTo) {
			t.Errorf("Window(%q, %q) = %s, %s, %v; want %s, %s", tc.from, tc.to, from, to, err, tc.wantFrom, tc.wantTo)
		}
	}
}
