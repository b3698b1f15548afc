package generate

import (
	"math"
	"time"
)

// Schedule is the open-loop timetable: event k is due Offset(k) after the start, whatever
// happened to earlier events. With a ramp the rate climbs linearly from 0 to Rate over Ramp,
// then stays at Rate.
type Schedule struct {
	Rate float64
	Ramp time.Duration
}

// Offset is when event k is due, relative to the start.
func (s Schedule) Offset(k int64) time.Duration {
	r := s.Ramp.Seconds()
	inRamp := s.Rate * r / 2 // events sent during the ramp
	var t float64
	if r > 0 && float64(k) < inRamp {
		// k = rate·t²/(2r)  ⇒  t = √(2rk/rate)
		t = math.Sqrt(2 * r * float64(k) / s.Rate)
	} else {
		t = r + (float64(k)-inRamp)/s.Rate
	}
	return time.Duration(t * float64(time.Second))
}

// Due is the number of events due by elapsed (events 0..Due-1 are due).
func (s Schedule) Due(elapsed time.Duration) int64 {
	t, r := elapsed.Seconds(), s.Ramp.Seconds()
	if t < 0 {
		return 0
	}
	if r > 0 && t < r {
		return int64(math.Floor(s.Rate*t*t/(2*r))) + 1
	}
	return int64(math.Floor(s.Rate*r/2+(t-r)*s.Rate)) + 1
}
