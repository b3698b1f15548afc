package flinkmetrics

import "math"

// WithoutNaN drops the minutes' missing values, which JSON cannot hold.
func WithoutNaN(rows []Row) []Row {
	out := make([]Row, len(rows))
	for i, r := range rows {
		out[i] = Row{Start: r.Start, Values: map[string]float64{}}
		for k, v := range r.Values {
			if !math.IsNaN(v) {
				out[i].Values[k] = v
			}
		}
	}
	return out
}
