package pipeline

import (
	"bytes"
	"strings"
	"testing"

	"github.com/streamscale/streamscale/internal/runlog"
)

// TestRunSummaryShowsGuarantee: the summary's line on how the job ran names the guarantee,
// de-duplication and checkpoint interval, and under exactly-once what it means.
func TestRunSummaryShowsGuarantee(t *testing.T) {
	tests := []struct {
		rec  runlog.Run
		want []string
		not  []string
	}{
		{runlog.Run{Guarantee: "at-least-once", CheckpointIntervalMs: 10000}, []string{"guarantee at-least-once, dedup off, checkpoint interval 10s"}, []string{"read_committed"}},
		{runlog.Run{Guarantee: "exactly-once", DedupWindow: 100, CheckpointIntervalMs: 1000},
			[]string{"guarantee exactly-once, dedup window 100 per device, checkpoint interval 1s", "output latency includes up to one checkpoint interval (1s", "read_committed"}, nil},
		{runlog.Run{Guarantee: "none"}, []string{"guarantee none, dedup off, no checkpoints"}, nil},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		writeJobSettings(&b, tt.rec)
		for _, w := range tt.want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("summary lacks %q:\n%s", w, b.String())
			}
		}
		for _, w := range tt.not {
			if strings.Contains(b.String(), w) {
				t.Errorf("summary has %q:\n%s", w, b.String())
			}
		}
	}
}

// TestRunSummaryCountsDeadLetters: the summary counts the records the relay set aside and
// says how to look at them.
func TestRunSummaryCountsDeadLetters(t *testing.T) {
	for _, tt := range []struct {
		name string
		dl   *runlog.Window
		want []string
		not  []string
	}{
		{"none set aside", &runlog.Window{Topic: "in-dead-letter", Start: map[int32]int64{0: 5}, End: map[int32]int64{0: 5}},
			[]string{"dead letters                      0"}, []string{"set 0", "peek"}},
		{"three set aside", &runlog.Window{Topic: "in-dead-letter", Start: map[int32]int64{0: 5}, End: map[int32]int64{0: 8}},
			[]string{"dead letters                      3", "the relay set 3 input records aside as not JSON objects: streamscale peek in-dead-letter --from-beginning"}, nil},
		{"topic unreadable", nil, nil, []string{"dead letters"}},
	} {
		var b bytes.Buffer
		if err := (&Result{Run: runlog.Run{ID: "r", DeadLetter: tt.dl}}).WriteText(&b); err != nil {
			t.Fatal(err)
		}
		for _, w := range tt.want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%s: summary lacks %q:\n%s", tt.name, w, b.String())
			}
		}
		for _, w := range tt.not {
			if strings.Contains(b.String(), w) {
				t.Errorf("%s: summary has %q:\n%s", tt.name, w, b.String())
			}
		}
	}
}
