package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/streamscale/streamscale/internal/pipeline"
)

func newTopicsCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "topics",
		Short: "Create or delete the pipeline's topics",
	}
	cmd.AddCommand(newTopicsCreateCmd(f, nil), newTopicsDeleteCmd(f, nil))
	return cmd
}

// topicsOptions are the flags of `topics create` and `topics delete`, and delete's topics.
type topicsOptions struct {
	conn   *pipeline.Connection
	topics *pipeline.TopicOptions
	names  []string
}

func newTopicsCreateCmd(f *Factory, runF func(context.Context, *topicsOptions) error) *cobra.Command {
	opts := &topicsOptions{conn: f.newConn(), topics: pipeline.DefaultTopicOptions()}
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create the input, output and dead-letter topics (idempotent)",
		Long: `Create the input, output and dead-letter topics if they do not exist. The input and output
topics use message.timestamp.type=LogAppendTime, so that every record carries the broker's
append time as Event Hubs' records do. Existing topics are checked, not changed.`,
		Example: `  streamscale topics create --tier 5
  streamscale topics create --brokers kafka:9092 --partitions 12`,
		Args: cobra.NoArgs,
	}
	opts.conn.AddKafkaFlags(cmd.Flags())
	opts.topics.AddNameFlags(cmd.Flags())
	opts.topics.AddSizingFlags(cmd.Flags())
	return newCommand(f, cmd, opts, runF, topicsCreateRun)
}

func newTopicsDeleteCmd(f *Factory, runF func(context.Context, *topicsOptions) error) *cobra.Command {
	opts := &topicsOptions{conn: f.newConn()}
	cmd := &cobra.Command{
		Use:     "delete TOPIC...",
		Short:   "Delete topics",
		Example: `  streamscale topics delete in out in-dead-letter`,
		Args:    cobra.MinimumNArgs(1),
		PreRunE: func(_ *cobra.Command, args []string) error { opts.names = args; return nil },
	}
	opts.conn.AddKafkaFlags(cmd.Flags())
	return newCommand(f, cmd, opts, runF, func(ctx context.Context, f *Factory, o *topicsOptions) error {
		c, err := o.conn.KafkaConn()
		if err != nil {
			return err
		}
		return c.DeleteTopics(ctx, o.names, func(name string) { fmt.Fprintf(f.IO.Out, "deleted %s\n", name) })
	})
}

func topicsCreateRun(ctx context.Context, f *Factory, opts *topicsOptions) error {
	c, err := opts.conn.KafkaConn()
	if err != nil {
		return err
	}
	topics, err := opts.topics.Topics()
	if err != nil {
		return err
	}
	res, err := c.CreateTopics(ctx, topics.Specs())
	if err != nil {
		return err
	}
	for _, r := range res {
		fmt.Fprintln(f.IO.Out, r)
	}
	return nil
}
