package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamscale/streamscale/internal/inspect"
)

type peekOptions struct {
	conn          *connFlags
	topic         string
	n             int
	fromBeginning bool
	follow        bool
	raw           bool
	timeout       time.Duration
}

func newPeekCmd(f *Factory, runF func(context.Context, *peekOptions) error) *cobra.Command {
	opts := &peekOptions{conn: newConnFlags(f), n: 5, timeout: 10 * time.Second}
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
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.topic = "out"
			if len(args) == 1 {
				opts.topic = args[0]
			}
			if err := opts.config().Validate(); err != nil {
				return flagErrorf(err)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return peekRun(cmd.Context(), f.IO.Out, opts)
		},
	}
	opts.conn.addKafka(cmd.Flags())
	fs := cmd.Flags()
	fs.IntVarP(&opts.n, "records", "n", opts.n, "records per partition (the latest, or the first with --from-beginning)")
	fs.BoolVar(&opts.fromBeginning, "from-beginning", false, "start at the oldest records instead of the latest")
	fs.BoolVarP(&opts.follow, "follow", "f", false, "keep printing new records until Ctrl-C")
	fs.BoolVar(&opts.raw, "raw", false, "print only the values, one per line, as they are")
	fs.DurationVar(&opts.timeout, "timeout", opts.timeout, "give up waiting for records after this long (without --follow)")
	return cmd
}

func (o *peekOptions) config() inspect.Config {
	return inspect.Config{Topic: o.topic, Records: o.n, FromBeginning: o.fromBeginning, Follow: o.follow, Timeout: o.timeout}
}

func peekRun(ctx context.Context, w io.Writer, opts *peekOptions) error {
	conn, err := opts.conn.conn()
	if err != nil {
		return err
	}
	err = inspect.Peek(ctx, conn, opts.config(), func(r inspect.Record) { printRecord(w, r, opts.raw) })
	if errors.Is(err, inspect.ErrEmpty) {
		fmt.Fprintf(w, "topic %q is empty\n", opts.topic)
		return nil
	}
	return err
}

func printRecord(w io.Writer, r inspect.Record, raw bool) {
	if raw {
		w.Write(r.Value)
		fmt.Fprintln(w)
		return
	}
	fmt.Fprintf(w, "── %s/%d@%d  %s  key=%q\n", r.Topic, r.Partition, r.Offset, r.Timestamp.UTC().Format("2006-01-02T15:04:05.000Z"), r.Key)
	for _, h := range r.Headers {
		fmt.Fprintf(w, "   header %s=%q\n", h.Key, h.Value)
	}
	// json.Indent keeps the fields in their order and every number as written (a decode and
	// re-encode would sort the keys and round the sample's 17-digit doubles).
	var b bytes.Buffer
	if json.Valid(r.Value) && json.Indent(&b, r.Value, "   ", "  ") == nil {
		fmt.Fprintf(w, "   %s\n", b.Bytes())
		return
	}
	fmt.Fprintf(w, "   %q\n", r.Value)
}
