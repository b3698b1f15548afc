package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/kafkaconn"
)

func newTopicsCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "topics",
		Short: "Create or delete the pipeline's topics",
	}
	cmd.AddCommand(newTopicsCreateCmd(f), newTopicsDeleteCmd(f))
	return cmd
}

func newTopicsCreateCmd(f *Factory) *cobra.Command {
	conn, topics := newConnFlags(f), newTopicFlags()
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
			return withClient(cmd.Context(), conn, func(ctx context.Context, cl *kgo.Client) error {
				specs, err := topics.specs()
				if err != nil {
					return err
				}
				res, err := kafkaconn.EnsureTopics(ctx, cl, specs)
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
			})
		},
	}
	conn.addKafka(cmd.Flags())
	topics.addNames(cmd.Flags())
	topics.addSizing(cmd.Flags())
	return cmd
}

func newTopicsDeleteCmd(f *Factory) *cobra.Command {
	conn := newConnFlags(f)
	cmd := &cobra.Command{
		Use:     "delete TOPIC...",
		Short:   "Delete topics",
		Example: `  streamscale topics delete in out in-dead-letter`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withClient(cmd.Context(), conn, func(ctx context.Context, cl *kgo.Client) error {
				resps, err := kadm.NewClient(cl).DeleteTopics(ctx, args...)
				if err != nil {
					return fmt.Errorf("delete topics: %w", err)
				}
				for _, r := range resps.Sorted() {
					if r.Err != nil {
						return fmt.Errorf("delete topic %q: %w", r.Topic, r.Err)
					}
					fmt.Fprintf(f.IO.Out, "deleted %s\n", r.Topic)
				}
				return nil
			})
		},
	}
	conn.addKafka(cmd.Flags())
	return cmd
}

// withClient runs fn with a client for the resolved brokers and closes it afterwards.
func withClient(ctx context.Context, conn *connFlags, fn func(context.Context, *kgo.Client) error) error {
	c, err := conn.conn()
	if err != nil {
		return err
	}
	cl, err := c.NewClient()
	if err != nil {
		return err
	}
	defer cl.Close()
	return fn(ctx, cl)
}
