package cli

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/flink"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/relay"
)

func newJobCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "job",
		Short: "Submit, list and cancel the Flink relay job",
	}
	cmd.AddCommand(newJobSubmitCmd(f), newJobListCmd(f), newJobCancelCmd(f))
	return cmd
}

// jobFlags are the relay job's settings, shared by `job submit` and `run`.
type jobFlags struct {
	jar                string
	brokers            string
	parallelism        int
	checkpointInterval time.Duration
	startTimeout       time.Duration
}

func newJobFlags() *jobFlags {
	return &jobFlags{
		jar: relay.DefaultJarPath(local.BuildDir()), checkpointInterval: 10 * time.Second,
		startTimeout: 2 * time.Minute,
	}
}

func (j *jobFlags) add(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&j.jar, "job-jar", j.jar, "the relay job jar built by make build")
	fs.StringVar(&j.brokers, "job-brokers", "", "bootstrap servers as the Flink job sees them (default: --brokers)")
	fs.IntVar(&j.parallelism, "parallelism", 0, "relay job parallelism (default: the input topic's partition count)")
	fs.DurationVar(&j.checkpointInterval, "checkpoint-interval", j.checkpointInterval, "relay job checkpoint interval")
	fs.DurationVar(&j.startTimeout, "job-start-timeout", j.startTimeout, "how long to wait for all the job's tasks to run")
}

// spec builds the relay job spec; parallelism defaults to the partition count.
func (j *jobFlags) spec(conn kafkaconn.Conn, topics *topicFlags, partitions int32) relay.Spec {
	brokers := j.brokers
	if brokers == "" {
		brokers = joinBrokers(conn.Brokers)
	}
	p := j.parallelism
	if p <= 0 {
		p = int(partitions)
	}
	return relay.Spec{
		JarPath: j.jar, Brokers: brokers, InTopic: topics.in, OutTopic: topics.out,
		DeadLetterTopic: topics.deadLetterTopic(), Parallelism: p,
		CheckpointInterval: j.checkpointInterval, StartTimeout: j.startTimeout,
	}
}

func newJobSubmitCmd(f *Factory) *cobra.Command {
	conn, topics, job := newConnFlags(f), newTopicFlags(), newJobFlags()
	cmd := &cobra.Command{
		Use:   "submit",
		Short: "Upload and run the relay job, or report the one already running",
		Long: `Upload the relay job jar to Flink and run it reading --in-topic and writing --out-topic, then
wait until all its tasks run. If a relay job for the same topics already runs, it is reused.
If the job fails to start, Flink's exception is shown.`,
		Example: `  streamscale job submit
  streamscale job submit --parallelism 4 --brokers kafka:9092 --flink-url http://flink:8081`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			c, err := conn.conn()
			if err != nil {
				return err
			}
			var partitions int32
			err = withClient(ctx, conn, func(ctx context.Context, cl *kgo.Client) error {
				offs, err := kafkaconn.EndOffsets(ctx, kadm.NewClient(cl), topics.in)
				partitions = int32(len(offs))
				return err
			})
			if err != nil {
				return err
			}
			fc, err := newFlinkClient(conn)
			if err != nil {
				return err
			}
			res, err := relay.Ensure(ctx, fc, job.spec(c, topics, partitions), f.IO.ErrOut)
			if err != nil {
				return err
			}
			fmt.Fprintln(f.IO.Out, res.JobID)
			return nil
		},
	}
	conn.addKafka(cmd.Flags())
	conn.addFlink(cmd.Flags())
	topics.addNames(cmd.Flags())
	job.add(cmd)
	return cmd
}

func newJobListCmd(f *Factory) *cobra.Command {
	conn := newConnFlags(f)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the Flink cluster's jobs",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fc, err := newFlinkClient(conn)
			if err != nil {
				return err
			}
			jobs, err := fc.Jobs(cmd.Context())
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(f.IO.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "JOB ID\tSTATE\tNAME")
			for _, j := range jobs {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", j.ID, j.State, j.Name)
			}
			return tw.Flush()
		},
	}
	conn.addFlink(cmd.Flags())
	cmd.Flags().StringVar(&conn.home, "home", conn.home, "state directory of the local stack (env STREAMSCALE_HOME)")
	return cmd
}

func newJobCancelCmd(f *Factory) *cobra.Command {
	conn, topics := newConnFlags(f), newTopicFlags()
	cmd := &cobra.Command{
		Use:   "cancel [JOB-ID]",
		Short: "Cancel a job (default: the running relay job for --in-topic/--out-topic)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			fc, err := newFlinkClient(conn)
			if err != nil {
				return err
			}
			id := ""
			if len(args) == 1 {
				id = args[0]
			} else {
				spec := relay.Spec{InTopic: topics.in, OutTopic: topics.out}
				if id, err = relay.FindRunning(ctx, fc, spec); err != nil {
					return err
				}
				if id == "" {
					return fmt.Errorf("no running job named %q: give a job id (see `streamscale job list`)", spec.JobName())
				}
			}
			if err := fc.Cancel(ctx, id); err != nil {
				return err
			}
			fmt.Fprintf(f.IO.Out, "cancelled %s\n", id)
			return nil
		},
	}
	conn.addFlink(cmd.Flags())
	cmd.Flags().StringVar(&conn.home, "home", conn.home, "state directory of the local stack (env STREAMSCALE_HOME)")
	topics.addNames(cmd.Flags())
	return cmd
}

func newFlinkClient(conn *connFlags) (*flink.Client, error) {
	u, err := conn.flink()
	if err != nil {
		return nil, err
	}
	c, err := flink.New(u)
	if err != nil {
		return nil, flagErrorf(fmt.Errorf("--flink-url: %w", err))
	}
	return c, nil
}

func joinBrokers(bs []string) string {
	out := ""
	for i, b := range bs {
		if i > 0 {
			out += ","
		}
		out += b
	}
	return out
}
