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
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
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

func newPeekCmd(f *Factory) *cobra.Command {
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
			if opts.n < 1 {
				return flagErrorf(fmt.Errorf("-n: %d must be at least 1", opts.n))
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

func peekRun(ctx context.Context, w io.Writer, opts *peekOptions) error {
	conn, err := opts.conn.conn()
	if err != nil {
		return err
	}
	cl, err := conn.NewClient()
	if err != nil {
		return err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	starts, err := adm.ListStartOffsets(ctx, opts.topic)
	if err != nil {
		return fmt.Errorf("peek %q: %w", opts.topic, err)
	}
	ends, err := adm.ListEndOffsets(ctx, opts.topic)
	if err != nil {
		return fmt.Errorf("peek %q: %w", opts.topic, err)
	}
	if err := ends.Error(); err != nil {
		return fmt.Errorf("peek %q: topic not found or not readable: %w", opts.topic, err)
	}
	from := map[int32]kgo.Offset{}
	remaining := map[int32]int64{} // records still to print per partition (without --follow)
	ends.Each(func(o kadm.ListedOffset) {
		lo, _ := starts.Lookup(o.Topic, o.Partition)
		start := max(o.Offset-int64(opts.n), lo.Offset)
		if opts.fromBeginning {
			start = lo.Offset
		}
		from[o.Partition] = kgo.NewOffset().At(start)
		if n := min(o.Offset-start, int64(opts.n)); n > 0 {
			remaining[o.Partition] = n
		}
	})
	if len(remaining) == 0 && !opts.follow {
		fmt.Fprintf(w, "topic %q is empty\n", opts.topic)
		return nil
	}
	cl.AddConsumePartitions(map[string]map[int32]kgo.Offset{opts.topic: from})
	printed := 0
	for opts.follow || len(remaining) > 0 {
		pctx, cancel := ctx, context.CancelFunc(func() {})
		if !opts.follow {
			pctx, cancel = context.WithTimeout(ctx, opts.timeout)
		}
		fs := cl.PollFetches(pctx)
		timedOut := pctx.Err() != nil // read before cancel, which sets it
		cancel()
		if ctx.Err() != nil {
			if opts.follow && errors.Is(ctx.Err(), context.Canceled) {
				return nil
			}
			return ctx.Err()
		}
		if timedOut && fs.NumRecords() == 0 {
			if printed > 0 {
				// Offsets without records (transaction markers, compaction) made the count
				// of what was left too high: what there was has been printed.
				return nil
			}
			return fmt.Errorf("peek %q: no records arrived within %s", opts.topic, opts.timeout)
		}
		for _, fe := range fs.Errors() {
			if !errors.Is(fe.Err, context.DeadlineExceeded) && !errors.Is(fe.Err, context.Canceled) {
				return fmt.Errorf("peek %q partition %d: %w", fe.Topic, fe.Partition, fe.Err)
			}
		}
		fs.EachRecord(func(r *kgo.Record) {
			if !opts.follow {
				if remaining[r.Partition] <= 0 {
					return
				}
				if remaining[r.Partition]--; remaining[r.Partition] == 0 {
					delete(remaining, r.Partition)
				}
			}
			printRecord(w, r, opts.raw)
			printed++
		})
	}
	return nil
}

func printRecord(w io.Writer, r *kgo.Record, raw bool) {
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
