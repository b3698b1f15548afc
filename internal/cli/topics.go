package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
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
	conn   *connFlags
	topics *topicFlags
	names  []string
}

func newTopicsCreateCmd(f *Factory, runF func(context.Context, *topicsOptions) error) *cobra.Command {
	opts := &topicsOptions{conn: newConnFlags(f), topics: newTopicFlags()}
	conn, topics := opts.conn, opts.topics
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create the input, output and dead-letter topics (idempotent)",
		Long: `Create the input, output and dead-letter topics if they do not exist. The input and output
topics use message.timestamp.type=LogAppendTime, so that every record carries the broker's
append time as Event Hubs' records do. Existing topics are checked, not changed.`,
		Example: `  streamscale topics create --tier 5
  streamscale topics create --brokers kafka:9092 --partitions 12`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return topicsCreateRun(cmd.Context(), f, opts)
		},
	}
	conn.addKafka(cmd.Flags())
	topics.addNames(cmd.Flags())
	topics.addSizing(cmd.Flags())
	return cmd
}

func newTopicsDeleteCmd(f *Factory, runF func(context.Context, *topicsOptions) error) *cobra.Command {
	opts := &topicsOptions{conn: newConnFlags(f)}
	conn := opts.conn
	cmd := &cobra.Command{
		Use:     "delete TOPIC...",
		Short:   "Delete topics",
		Example: `  streamscale topics delete in out in-dead-letter`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.names = args
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			c, err := conn.conn()
			if err != nil {
				return err
			}
			return c.DeleteTopics(cmd.Context(), args, func(name string) { fmt.Fprintf(f.IO.Out, "deleted %s\n", name) })
		},
	}
	conn.addKafka(cmd.Flags())
	return cmd
}

func topicsCreateRun(ctx context.Context, f *Factory, opts *topicsOptions) error {
	c, err := opts.conn.conn()
	if err != nil {
		return err
	}
	topics, err := opts.topics.pipelineTopics()
	if err != nil {
		return err
	}
	res, err := c.CreateTopics(ctx, topics.Specs())
	if err != nil {
		return err
	}
	for _, r := range res {
		verb := "exists "
		if r.Created {
			verb = "created"
		}
		fmt.Fprintf(f.IO.Out, "%s %s (%d partitions)\n", verb, r.Name, r.Partitions)
	}
	return nil
}
