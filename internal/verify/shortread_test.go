package verify

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"
)

// TestRun_Kfake_ShortReadIsAnError checks that a bounded read stopping short of its window's
// end fails Run with an error naming the topic, the partition and the offsets, whether the
// short window is the input (a recorded run, a bench step) or the output (a time window).
func TestRun_Kfake_ShortReadIsAnError(t *testing.T) {
	in, out := generatedRun(10, 2)
	cl := kfakeTopics(t, map[string][]string{"in": in, "out": out})
	tests := []struct {
		name      string
		cfg       func(*Config)
		wantTopic string
	}{
		{"input window past the topic's end, drained", func(c *Config) {
			c.Bounds = map[int32]OffsetRange{0: {Start: 0}}
			c.InputTopic, c.InputBounds, c.Drain = "in", map[int32]OffsetRange{0: {Start: 0, End: 15}}, true
		}, "in"},
		{"input window past the topic's end, bounded output", func(c *Config) {
			c.Bounds = map[int32]OffsetRange{0: {Start: 0, End: 10}}
			c.InputTopic, c.InputBounds = "in", map[int32]OffsetRange{0: {Start: 0, End: 15}}
		}, "in"},
		{"output window past the topic's end", func(c *Config) {
			c.Bounds = map[int32]OffsetRange{0: {Start: 0, End: 12}}
			c.InputTopic, c.InputBounds = "in", map[int32]OffsetRange{0: {Start: 0, End: 10}}
		}, "out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.IdleTimeout = 500 * time.Millisecond
			tt.cfg(&cfg)
			_, err := Run(context.Background(), cl, cfg, nil)
			var short *ShortReadError
			if !errors.As(err, &short) || short.Topic != tt.wantTopic {
				t.Fatalf("Run = %v, want a short read of %q", err, tt.wantTopic)
			}
			end := cfg.InputBounds[0].End
			if tt.wantTopic == "out" {
				end = cfg.Bounds[0].End
			}
			if want := "partition 0 at offset 10 of " + strconv.FormatInt(end, 10); short.Where != want {
				t.Fatalf("short read at %q, want %q (error: %v)", short.Where, want, err)
			}
		})
	}
}
