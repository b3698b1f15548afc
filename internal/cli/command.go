package cli

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/pipeline"
	"github.com/streamscale/streamscale/internal/relay"
)

// newCommand gives cmd the RunE every command shares (gh's NewCmdX(f, runF) shape): runF runs
// opts when a test gave one (the flags checked without a network), else run does, and a
// refusal of the domain it returns is a usage error (usageOf). What must happen before either
// (arguments into opts, checks of the flags on their own) goes in cmd.PreRunE.
func newCommand[O any](f *Factory, cmd *cobra.Command, opts O, runF func(context.Context, O) error,
	run func(context.Context, *Factory, O) error) *cobra.Command {
	cmd.RunE = func(c *cobra.Command, _ []string) error {
		if runF != nil {
			return runF(c.Context(), opts)
		}
		return usageOf(run(c.Context(), f, opts))
	}
	return cmd
}

// usageOf makes a refusal of the domain (a *relay.UsageError, *kafkaconn.UsageError or
// *pipeline.Refusal: a setting that cannot work, named in the error) a usage error.
func usageOf(err error) error {
	var (
		fe *FlagError
		ru *relay.UsageError
		ku *kafkaconn.UsageError
		pr *pipeline.Refusal
	)
	switch {
	case err == nil || errors.As(err, &fe):
		return err
	case errors.As(err, &ru):
		return flagErrorf(ru.Err)
	case errors.As(err, &ku):
		return flagErrorf(ku.Err)
	case errors.As(err, &pr):
		return flagErrorf(pr.Err)
	}
	return err
}
