package verify

import (
	"strings"
	"testing"
	"time"
)

func TestChoiceCheck(t *testing.T) {
	for _, tt := range []struct {
		c    Choice
		want string
	}{
		{Choice{}, ""},
		{Choice{Timed: true}, ""},
		{Choice{Timed: true, Run: "r"}, "each choose the window"},
		{Choice{FromBeginning: true, Run: "r"}, "each choose the window"},
		{Choice{Timed: true, FromBeginning: true}, "each choose the window"},
		{Choice{Job: "twice"}, `unknown job "twice"`},
		{Choice{Job: JobComplex, FromBeginning: true}, ""},
		{Choice{Job: JobComplex, Timed: true}, "--job complex"},
	} {
		err := tt.c.Check()
		if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%+v.Check() = %v, want %q", tt.c, err, tt.want)
		}
	}
}

func TestTimeWindow(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	for _, tt := range []struct {
		name           string
		from, to       time.Time
		wantTo, wantOu time.Time
		late           bool
		err            string
	}{
		{name: "past window", from: ago(time.Hour), to: ago(30 * time.Minute), wantTo: ago(30 * time.Minute), wantOu: ago(29 * time.Minute)},
		{name: "grace cut at now", from: ago(time.Hour), to: ago(30 * time.Second), wantTo: ago(30 * time.Second), wantOu: now, late: true},
		{name: "to defaults to now", from: ago(time.Hour), wantTo: now, wantOu: now, late: true},
		{name: "future to is now", from: ago(time.Hour), to: now.Add(time.Hour), wantTo: now, wantOu: now, late: true},
		{name: "no from", to: ago(time.Hour), err: "--to needs --from"},
		{name: "to before from", from: ago(time.Minute), to: ago(time.Hour), err: "is not after --from"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w, late, err := TimeWindow("in", tt.from, tt.to, time.Minute, now)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if w.InputTopic != "in" || !w.From.Equal(tt.from) || !w.To.Equal(tt.wantTo) || !w.OutTo.Equal(tt.wantOu) || late != tt.late {
				t.Errorf("TimeWindow = %+v late %v, want to %s out %s late %v", w, late, tt.wantTo, tt.wantOu, tt.late)
			}
		})
	}
}
