package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamscale/streamscale/internal/inspect"
	"github.com/streamscale/streamscale/internal/pipeline"
)

type peekOptions struct {
	conn          *pipeline.Connection
	topic         string
	n             int
	fromBeginning bool
	follow        bool
	raw           bool
	timeout       time.Duration
}

func newPeekCmd(f *Factory, runF func(context.Context, *peekOptions) error) *cobra.Command {
	opts := &peekOptions{conn: f.newConn(), n: 5, timeout: 10 * time.Second}
	cmd := &cobra.Command{
		Use:   "peek [TOPIC]",
		Short: "Print the latest records of a topic (default out) with key, partition, offset, timestamp and headers",
		Long: `Print records of a topic — by default the last -n of each partition of "out" — with their key,
partition, offset, timestamp and headers, and the value pretty-printed when it is JSON. The
Azure sample sends you to the portal to look at events; this works on the local broker, any
Kafka and Event Hubs alike.`,
		Example: `  streamscale peek
  streamscale peek in -n 1 --raw
  streamscale peek in-dead-letter --from-beginning
  streamscale peek out --follow`,
		Args: cobra.MaximumNArgs(1),
		PreRunE: func(_ *cobra.Command, args []string) error {
			opts.topic = "out"
			if len(args) == 1 {
				opts.topic = args[0]
			}
			if err := opts.config().Validate(); err != nil {
				return flagErrorf(err)
			}
			return nil
		},
	}
	opts.conn.AddKafkaFlags(cmd.Flags())
	fs := cmd.Flags()
	fs.IntVarP(&opts.n, "records", "n", opts.n, "records per partition (the latest, or the first with --from-beginning)")
	fs.BoolVar(&opts.fromBeginning, "from-beginning", false, "start at the oldest records instead of the latest")
	fs.BoolVarP(&opts.follow, "follow", "f", false, "keep printing new records until Ctrl-C")
	fs.BoolVar(&opts.raw, "raw", false, "print only the values, one per line, as they are")
	fs.DurationVar(&opts.timeout, "timeout", opts.timeout, "give up waiting for records after this long (without --follow)")
	return newCommand(f, cmd, opts, runF, peekRun)
}

func (o *peekOptions) config() inspect.Config {
	return inspect.Config{Topic: o.topic, Records: o.n, FromBeginning: o.fromBeginning, Follow: o.follow, Timeout: o.timeout}
}

func peekRun(ctx context.Context, f *Factory, opts *peekOptions) error {
	conn, err := opts.conn.KafkaConn()
	if err != nil {
		return err
	}
	w := f.IO.Out
	err = inspect.Peek(ctx, conn, opts.config(), func(r inspect.Record) {
		if opts.raw {
			fmt.Fprintf(w, "%s\n", r.Value)
		} else {
			_ = r.WriteText(w)
		}
	})
	if errors.Is(err, inspect.ErrEmpty) {
		fmt.Fprintf(w, "topic %q is empty\n", opts.topic)
		return nil
	}
	return err
}
