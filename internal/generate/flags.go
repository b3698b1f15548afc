package generate

import "github.com/spf13/pflag"

// AddFlags registers c's settings on fs (`generate`, `run`) with c's values as the defaults;
// --topic only withTopic (run names the topic with --in-topic).
func (c *Config) AddFlags(fs *pflag.FlagSet, withTopic bool) {
	if withTopic {
		fs.StringVar(&c.Topic, "topic", c.Topic, "topic to produce to")
	}
	fs.Float64Var(&c.Rate, "rate", c.Rate, "target events per second of this generator instance (open loop: the schedule never waits for the broker)")
	fs.BoolVar(&c.Unlimited, "unlimited", false, "ignore --rate and send as fast as the broker takes records (for benchmarks)")
	fs.DurationVar(&c.Ramp, "ramp", 0, "climb linearly from 0 to --rate over this long first")
	fs.IntVar(&c.Instance, "instance", 0, "this generator's index when --instances share the device space")
	fs.IntVar(&c.Instances, "instances", 1, "number of generators sharing the device space: together they send one gap-free sequence per device")
	fs.DurationVar(&c.Duration, "duration", c.Duration, "how long to send")
	fs.Int64Var(&c.Count, "count", 0, "send exactly this many distinct events instead of --duration")
	fs.IntVar(&c.Devices, "devices", c.Devices, "number of simulated devices")
	fs.Int64Var(&c.Seed, "seed", 0, "seed for reproducible event content (0: random)")
	fs.Float64Var(&c.DuplicateFraction, "duplicate-fraction", c.DuplicateFraction, "share of events sent a second time, byte-identical (the sample's every 1,000th)")
	fs.BoolVar(&c.MixedTypes, "mixed-types", false, "each device alternates TEMP and CO2 readings (the sample's devices keep one type; lets the complex job's HighCO2 tag fire)")
	fs.Float64Var(&c.QuietDevices, "quiet-devices", 0, "share of the devices, in [0, 1), that stop sending after the first quarter of the run's events while the others go on (lets the complex job's NoNews tag fire)")
	fs.StringVar(&c.DeviceIDPrefix, "device-prefix", c.DeviceIDPrefix, "deviceId prefix; the device number follows it")
}

// AddFlags registers p's settings on fs with p's values as the defaults; after parsing,
// MarkGiven records which the user gave.
func (p *ProducerConfig) AddFlags(fs *pflag.FlagSet) {
	fs.DurationVar(&p.Linger, "linger", p.Linger, "producer linger: how long a batch may wait to fill")
	fs.StringVar(&p.Compression, "compression", p.Compression, "producer batch compression: none, gzip, snappy, lz4 or zstd (Event Hubs takes none or gzip)")
	fs.StringVar(&p.Acks, "acks", p.Acks, "producer acks: all (every in-sync replica), 1 (the leader) or 0 (none; no produce latency is measured)")
	fs.Int32Var(&p.BatchBytes, "batch-bytes", p.BatchBytes, "largest producer batch per partition in bytes (Event Hubs: at most 1000000, its default there)")
	fs.BoolVar(&p.Idempotent, "idempotent", p.Idempotent, "idempotent produce: no duplicates from retries (needs --acks all; off for Event Hubs)")
}

// MarkGiven sets BatchSet and IdempotentSet from the flags the user gave on fs, so that the
// defaults adapt to the connection (Event Hubs) while given values are checked.
func (p *ProducerConfig) MarkGiven(fs *pflag.FlagSet) {
	p.BatchSet, p.IdempotentSet = fs.Changed("batch-bytes"), fs.Changed("idempotent")
}

// GivenFlags says which of the load flags ComplexLoad fills in the user gave on fs.
func GivenFlags(fs *pflag.FlagSet) Given {
	return Given{Devices: fs.Changed("devices"), MixedTypes: fs.Changed("mixed-types"), QuietDevices: fs.Changed("quiet-devices"),
		Duration: fs.Changed("duration"), Count: fs.Changed("count")}
}
