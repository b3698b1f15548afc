package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/streamscale/streamscale/internal/flink"
	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/pipeline"
	"github.com/streamscale/streamscale/internal/relay"
)

func newJobCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "job",
		Short: "Submit, list, stop, resume and cancel the Flink relay job",
	}
	cmd.AddCommand(newJobSubmitCmd(f, nil), newJobListCmd(f, nil), newJobCancelCmd(f, nil), newJobStopCmd(f, nil), newJobResumeCmd(f, nil))
	return cmd
}

// jobSubmitOptions are `job submit`'s flags.
type jobSubmitOptions struct {
	conn          *pipeline.Connection
	topics        *pipeline.TopicOptions
	job           *relay.Options
	fromSavepoint string
}

func newJobSubmitCmd(f *Factory, runF func(context.Context, *jobSubmitOptions) error) *cobra.Command {
	opts := &jobSubmitOptions{conn: f.newConn(), topics: pipeline.DefaultTopicOptions(), job: pipeline.DefaultJobOptions()}
	cmd := &cobra.Command{
		Use:   "submit",
		Short: "Upload and run the relay job, or report the one already running",
		Long: `Upload the relay job jar to Flink and run it reading --in-topic and writing --out-topic, then
wait until all its tasks run. The three topics must exist (streamscale topics create).

A relay job for the same topics and brokers that runs or is still starting is reused once all
its tasks run; one that fails or restarts instead is cancelled and a fresh one submitted. A job
that does not start (it fails, restarts, --job-start-timeout passes, or Ctrl-C) is cancelled,
and Flink's exception is shown. On the local stack a job needs as many free task slots as its
parallelism, or it is refused at once.

With --tls, --sasl-mechanism or an Event Hubs connection string the job gets the connection's
settings in a Kafka client properties file, never in its arguments: on the local Flink it is
written from these flags for the submission and removed afterwards; for another Flink, name a
file on its JobManager with --job-kafka-properties-file.

A relay that runs with another --guarantee or --dedup than asked is cancelled and replaced; the
new one resumes from the consumer group's committed offsets. --from-savepoint starts the relay
from a savepoint (see job stop) or a retained checkpoint; a relay that already runs is then
refused: stop it first.`,
		Example: `  streamscale job submit
  streamscale job submit --guarantee exactly-once
  streamscale job submit --dedup --dedup-window 100
  streamscale job submit --job complex
  streamscale job submit --from-savepoint last
  streamscale job submit --parallelism 4 --brokers kafka:9092 --flink-url http://flink:8081`,
		Args: cobra.NoArgs,
		PreRunE: func(*cobra.Command, []string) error {
			if opts.fromSavepoint != "" && opts.fromSavepoint != relay.LastSavepoint {
				uri, err := relay.CheckpointURI(opts.fromSavepoint)
				if err != nil {
					return flagErrorf(fmt.Errorf("--from-savepoint: %w", err))
				}
				opts.fromSavepoint = uri
			}
			return nil
		},
	}
	addJobFlags(cmd.Flags(), opts.conn, opts.topics, opts.job)
	cmd.Flags().StringVar(&opts.fromSavepoint, "from-savepoint", "", "start from this savepoint or retained checkpoint (a path or URI), or \"last\": the newest one job stop recorded or Flink retained (see job resume)")
	return newCommand(f, cmd, opts, runF, func(ctx context.Context, f *Factory, o *jobSubmitOptions) error {
		return submitJob(ctx, f, o.conn, o.topics, o.job, o.fromSavepoint)
	})
}

// addJobFlags adds the flags of job submit and job resume.
func addJobFlags(fs *pflag.FlagSet, conn *pipeline.Connection, topics *pipeline.TopicOptions, job *relay.Options) {
	conn.AddKafkaFlags(fs)
	conn.AddFlinkFlag(fs)
	topics.AddNameFlags(fs)
	job.AddFlags(fs)
	job.AddJobFlag(fs)
}

// submitJob is `job submit` and `job resume`: check the flags, then relay.Submit (the topics,
// then the job), started from the savepoint or checkpoint from names ("": none;
// relay.ResolveSavepoint).
func submitJob(ctx context.Context, f *Factory, conn *pipeline.Connection, topics *pipeline.TopicOptions, job *relay.Options, from string) error {
	c, err := conn.JobKafkaConn(*job)
	if err != nil {
		return err
	}
	res, err := relay.Submit(ctx, relay.Submission{
		Options: *job, Topics: topics.Relay(), Kafka: c, Flink: conn.FlinkClient, Complete: conn.CompleteSpec(c), Progress: f.IO.ErrOut,
		Savepoint: func(ctx context.Context, fc *flink.Client, s relay.Spec) (string, error) {
			return relay.ResolveSavepoint(ctx, fc, s, from, conn.ResumeSources(), f.IO.ErrOut)
		},
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(f.IO.Out, res.JobID)
	return nil
}

// jobListOptions are `job list`'s flags.
type jobListOptions struct{ conn *pipeline.Connection }

func newJobListCmd(f *Factory, runF func(context.Context, *jobListOptions) error) *cobra.Command {
	opts := &jobListOptions{conn: f.newConn()}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the Flink cluster's jobs with their last savepoint and checkpoint",
		Args:  cobra.NoArgs,
	}
	opts.conn.AddFlinkFlag(cmd.Flags())
	cmd.Flags().StringVar(&opts.conn.Home, "home", opts.conn.Home, "state directory of the local stack (env STREAMSCALE_HOME)")
	return newCommand(f, cmd, opts, runF, jobListRun)
}

// jobCancelOptions are `job cancel`'s flags and argument.
type jobCancelOptions struct {
	conn     *pipeline.Connection
	topics   *pipeline.TopicOptions
	kind, id string
}

func newJobCancelCmd(f *Factory, runF func(context.Context, *jobCancelOptions) error) *cobra.Command {
	opts := &jobCancelOptions{conn: f.newConn(), topics: pipeline.DefaultTopicOptions()}
	cmd := &cobra.Command{
		Use:   "cancel [JOB-ID]",
		Short: "Cancel a job (default: the relay or complex job for --in-topic/--out-topic, running or starting)",
		Args:  cobra.MaximumNArgs(1),
		PreRunE: func(_ *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.id = args[0]
			}
			return nil
		},
	}
	opts.conn.AddFlinkFlag(cmd.Flags())
	cmd.Flags().StringVar(&opts.conn.Home, "home", opts.conn.Home, "state directory of the local stack (env STREAMSCALE_HOME)")
	opts.topics.AddNameFlags(cmd.Flags())
	addJobKind(cmd, &opts.kind)
	return newCommand(f, cmd, opts, runF, jobCancelRun)
}

func jobListRun(ctx context.Context, f *Factory, opts *jobListOptions) error {
	fc, err := opts.conn.FlinkClient()
	if err != nil {
		return err
	}
	jobs, err := relay.List(ctx, fc, local.JobsDir(opts.conn.Home))
	if err != nil {
		return err
	}
	return jobs.WriteText(f.IO.Out)
}

func jobCancelRun(ctx context.Context, f *Factory, opts *jobCancelOptions) error {
	fc, err := opts.conn.FlinkClient()
	if err != nil {
		return err
	}
	id, err := relay.Cancel(ctx, fc, opts.topics.In, opts.topics.Out, opts.kind, opts.id)
	if err != nil {
		return err
	}
	fmt.Fprintf(f.IO.Out, "cancelled %s\n", id)
	return nil
}
