package verify

import "github.com/spf13/pflag"

// AddFlags registers the sample's verification thresholds on fs (`verify`, `run`, `azure
// run`); each is off by default.
func (c *Checks) AddFlags(fs *pflag.FlagSet) {
	fs.Float64Var(&c.MinRate, "min-rate", 0, "fail unless the steady output rate (records/s of the slowest interval, first and last left out; intervals are 10 s, or verify --interval) is at least this (0: off)")
	fs.Float64Var(&c.MaxP99Ms, "max-p99-ms", 0, "fail if the pipeline latency p99 exceeds this many ms (0: off)")
	fs.Float64Var(&c.MaxDuplicateFraction, "max-duplicate-fraction", -1, "fail if duplicates made by the pipeline exceed this share of events; 0 demands exactly once (negative: off)")
	fs.Float64Var(&c.MaxOutOfOrderFraction, "max-out-of-order-fraction", -1, "fail if more than this share of records go backwards in a device's sequence (negative: off)")
	fs.BoolVar(&c.AllowMissing, "allow-missing", false, "do not fail on missing events")
	fs.BoolVar(&c.AllowCreateTime, "allow-create-time", false, "do not fail when output records carry the producer's timestamp (a CreateTime topic) instead of the broker's append time")
}
