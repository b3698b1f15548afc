package gorelay

import (
	"context"
	"fmt"

	"github.com/spf13/pflag"
)

// Command is the hidden `bench go-relay` command that bench.GoRelayProcess starts: the relay,
// and where its CPU profile goes.
type Command struct {
	Config
	// CPUProfile, when set, gets a pprof CPU profile of the whole run.
	CPUProfile string
}

// AddFlags registers the command's flags on fs: the ones bench.GoRelayProcess passes, and
// --cpu-profile.
func (c *Command) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&c.InTopic, "input-topic", "", "topic to read")
	fs.StringVar(&c.OutTopic, "output-topic", "", "topic to write")
	fs.StringVar(&c.Group, "group", "", "consumer group")
	fs.StringVar(&c.DeadLetterTopic, "dead-letter-topic", "", "topic for records that are not one JSON object (default <input-topic>-dead-letter)")
	fs.Int64Var(&c.TestOnlyDropEvery, "test-only-drop-every", 0, "TEST ONLY: drop every n-th record (not produced, offset committed), so that a test sees a loss reported")
	_ = fs.MarkHidden("test-only-drop-every")
	fs.StringVar(&c.CPUProfile, "cpu-profile", "", "write a pprof CPU profile of the whole run to this file (go tool pprof reads it)")
}

// Run runs the relay (Run) until ctx ends, profiled to CPUProfile when it is set.
func (c Command) Run(ctx context.Context) error {
	if c.CPUProfile != "" {
		stop, err := StartCPUProfile(c.CPUProfile)
		if err != nil {
			return fmt.Errorf("--cpu-profile: %w", err)
		}
		defer stop()
	}
	return Run(ctx, c.Config)
}
