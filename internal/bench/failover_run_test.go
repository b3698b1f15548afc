package bench

import (
	"strings"
	"testing"
	"time"

	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/pipeline"
	"github.com/streamscale/streamscale/internal/relay"
)

// TestFailoverRunCheck: the flags' mistakes are named before anything starts, in the order the
// command checks them, and a good run gets its preset and a job built from the relay's options.
func TestFailoverRunCheck(t *testing.T) {
	for _, tc := range []struct {
		name    string
		set     func(r *FailoverRun)
		wantErr string
	}{
		{name: "good", set: func(*FailoverRun) {}},
		{name: "bad guarantee", set: func(r *FailoverRun) { r.Options.Guarantee, r.Preset = "twice", "fast" }, wantErr: "--guarantee"},
		{name: "unknown preset", set: func(r *FailoverRun) { r.Preset = "fast" }, wantErr: "--settings"},
		{name: "no kill", set: func(r *FailoverRun) { r.Kills = 0 }, wantErr: "--kills"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &FailoverRun{Preset: SettingsBaseline, Options: relay.DefaultOptions(t.TempDir()),
				FailoverConfig: FailoverConfig{Stack: local.DefaultConfig(), Kills: 1, Rate: 10, Duration: 30 * time.Second, KillAfter: 10 * time.Second}}
			tc.set(r)
			err := r.Check()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one naming %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Settings.Name != SettingsBaseline || r.Job == nil {
				t.Fatalf("settings %+v, job set %v", r.Settings, r.Job != nil)
			}
			spec := r.Job(kafkaconn.Conn{Brokers: []string{"k:9092"}}, pipeline.Topics{In: "a", Out: "b", DeadLetter: "c", Partitions: 3})
			if spec.InTopic != "a" || spec.OutTopic != "b" || spec.DeadLetterTopic != "c" || spec.Parallelism != 3 {
				t.Errorf("spec %+v", spec)
			}
		})
	}
}
