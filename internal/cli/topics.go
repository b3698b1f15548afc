package cli

import (
	"fmt"

	"github.com/spf13/cobra"
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
			c, err := conn.conn()
			if err != nil {
				return err
			}
			specs, err := topics.specs()
			if err != nil {
				return err
			}
			res, err := c.CreateTopics(cmd.Context(), specs)
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
