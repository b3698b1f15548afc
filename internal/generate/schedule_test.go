package generate

import (
	"testing"
	"time"
)

func TestScheduleOffset(t *testing.T) {
	tests := []struct {
		s    Schedule
		k    int64
		want time.Duration
	}{
		{Schedule{Rate: 1000}, 0, 0},
		{Schedule{Rate: 1000}, 1000, time.Second},
		{Schedule{Rate: 4}, 10, 2500 * time.Millisecond},
		// Ramp 10 s to 1000/s sends 5000 events during the ramp: the 5000th is due at 10 s.
		{Schedule{Rate: 1000, Ramp: 10 * time.Second}, 5000, 10 * time.Second},
		{Schedule{Rate: 1000, Ramp: 10 * time.Second}, 6000, 11 * time.Second},
		// Half-way through the ramp (5 s) a quarter of the ramp's events are due.
		{Schedule{Rate: 1000, Ramp: 10 * time.Second}, 1250, 5 * time.Second},
	}
	for _, tt := range tests {
		got := tt.s.Offset(tt.k)
		if d := got - tt.want; d < -time.Microsecond || d > time.Microsecond {
			t.Errorf("%+v.Offset(%d) = %s, want %s", tt.s, tt.k, got, tt.want)
		}
	}
}

func TestScheduleDueInvertsOffset(t *testing.T) {
	for _, s := range []Schedule{{Rate: 1000}, {Rate: 50000}, {Rate: 300, Ramp: 5 * time.Second}} {
		for k := int64(0); k < 20000; k += 37 {
			off := s.Offset(k)
			if due := s.Due(off + time.Microsecond); due < k+1 {
				t.Fatalf("%+v: event %d due at %s but Due says only %d", s, k, off, due)
			}
			if off > time.Microsecond {
				if due := s.Due(off - time.Microsecond); due > k {
					t.Fatalf("%+v: Due(%s) = %d counts event %d before its time", s, off, due, k)
				}
			}
		}
	}
}

func TestShortfall(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Rate = 1000
	tests := []struct {
		name    string
		events  int64
		elapsed float64
		ramp    time.Duration
		short   bool
	}{
		{"on target", 10000, 10, 0, false},
		{"within 1%", 9950, 10, 0, false},
		{"2% short", 9800, 10, 0, true},
		{"ramp excluded", 5000 + 10000, 20, 10 * time.Second, false},
		{"short after ramp", 5000 + 9000, 20, 10 * time.Second, true},
		{"too short to judge", 100, 0.5, 0, false},
		{"short run, one pause behind", 3000, 3.05, 0, false},
		{"short run, well behind", 2700, 3, 0, true},
		{"long run, 2% short", 588000, 600, 0, true},
	}
	for _, tt := range tests {
		c := cfg
		c.Ramp = tt.ramp
		err := shortfall(Summary{Events: tt.events, Elapsed: tt.elapsed}, c)
		if (err != nil) != tt.short {
			t.Errorf("%s: shortfall = %v, want short=%v", tt.name, err, tt.short)
		}
	}
}

// TestCountedElapsed: a counted run's length ends one steady gap after its last event's
// intended time, with or without a ramp. The audit's case: --count 5000 --rate 1000 --ramp 6s
// takes 8 s (3,000 events in the ramp, 2,000 in 2 s after it) and is not short.
func TestCountedElapsed(t *testing.T) {
	tests := []struct {
		s    Schedule
		k    int64
		late time.Duration
		want time.Duration
	}{
		{Schedule{Rate: 1000}, 5000, 0, 5 * time.Second},
		{Schedule{Rate: 1000, Ramp: 6 * time.Second}, 5000, 0, 8 * time.Second},
		{Schedule{Rate: 1000, Ramp: 6 * time.Second}, 5000, 20 * time.Millisecond, 8*time.Second + 20*time.Millisecond},
		{Schedule{Rate: 200, Ramp: 2 * time.Second}, 500, -time.Millisecond, 3500 * time.Millisecond},
	}
	for _, tt := range tests {
		got := countedElapsed(tt.s, tt.k, tt.late)
		if d := got - tt.want; d < -time.Microsecond || d > time.Microsecond {
			t.Errorf("%+v: countedElapsed(%d, %s) = %s, want %s", tt.s, tt.k, tt.late, got, tt.want)
		}
	}
	cfg := DefaultConfig()
	cfg.Count, cfg.Rate, cfg.Ramp = 5000, 1000, 6*time.Second
	elapsed := countedElapsed(Schedule{Rate: cfg.Rate, Ramp: cfg.Ramp}, cfg.Count, 0)
	if err := shortfall(Summary{Events: 5000, Elapsed: elapsed.Seconds()}, cfg); err != nil {
		t.Errorf("count 5000 at 1000/s after a 6 s ramp: %v", err)
	}
}
