package gorelay

import "github.com/spf13/pflag"

// AddFlags registers the relay's settings on fs: the flags of the hidden `bench go-relay`
// command, the command line bench.GoRelayProcess starts it with.
func (c *Config) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&c.InTopic, "input-topic", "", "topic to read")
	fs.StringVar(&c.OutTopic, "output-topic", "", "topic to write")
	fs.StringVar(&c.Group, "group", "", "consumer group")
	fs.StringVar(&c.DeadLetterTopic, "dead-letter-topic", "", "topic for records that are not one JSON object (default <input-topic>-dead-letter)")
	fs.Int64Var(&c.TestOnlyDropEvery, "test-only-drop-every", 0, "TEST ONLY: drop every n-th record (not produced, offset committed), so that a test sees a loss reported")
	_ = fs.MarkHidden("test-only-drop-every")
}
