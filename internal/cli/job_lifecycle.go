package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/pipeline"
	"github.com/streamscale/streamscale/internal/relay"
)

// jobStopOptions are `job stop`'s flags and argument.
type jobStopOptions struct {
	conn                   *pipeline.Connection
	topics                 *pipeline.TopicOptions
	savepointDir, kind, id string
	timeout                time.Duration
}

func newJobStopCmd(f *Factory, runF func(context.Context, *jobStopOptions) error) *cobra.Command {
	opts := &jobStopOptions{conn: f.newConn(), topics: pipeline.DefaultTopicOptions(), timeout: 5 * time.Minute}
	cmd := &cobra.Command{
		Use:   "stop [JOB-ID]",
		Short: "Stop a job with a savepoint (default: the relay job for --in-topic/--out-topic)",
		Long: `Stop the job with a savepoint (Flink's stop-with-savepoint, without draining: the job resumes
exactly where it stopped), wait until the savepoint is written, print its location and record
it under <home>/jobs/, where ` + "`job resume`" + ` and ` + "`job submit --from-savepoint last`" + ` find it.

The savepoint goes to --savepoint-dir; on the local stack that defaults to
<home>/flink/savepoints, elsewhere to the cluster's execution.checkpointing.savepoint-dir, and
without one the flag is required. A savepoint that fails leaves the job running and shows
Flink's root cause. Ctrl-C stops waiting, not the savepoint: Flink may still finish it.`,
		Example: `  streamscale job stop
  streamscale job stop --savepoint-dir s3://bucket/savepoints --flink-url http://flink:8081`,
		Args: cobra.MaximumNArgs(1),
		PreRunE: func(_ *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.id = args[0]
			}
			dir, err := relay.CheckpointURI(opts.savepointDir)
			if err != nil {
				return flagErrorf(fmt.Errorf("--savepoint-dir: %w", err))
			}
			opts.savepointDir = dir
			return nil
		},
	}
	opts.conn.AddFlinkFlag(cmd.Flags())
	cmd.Flags().StringVar(&opts.conn.Home, "home", opts.conn.Home, "state directory of the local stack, where stopped jobs are recorded (env STREAMSCALE_HOME)")
	opts.topics.AddNameFlags(cmd.Flags())
	cmd.Flags().StringVar(&opts.savepointDir, "savepoint-dir", "", "where the savepoint goes, a URI or an absolute path (default on the local stack: <home>/flink/savepoints; elsewhere the cluster's execution.checkpointing.savepoint-dir)")
	cmd.Flags().DurationVar(&opts.timeout, "timeout", opts.timeout, "how long to wait for the savepoint")
	addJobKind(cmd, &opts.kind)
	return newCommand(f, cmd, opts, runF, jobStopRun)
}

// jobStopRun stops the job with a savepoint and records it for `job resume`
// (relay.StopWithSavepoint).
func jobStopRun(ctx context.Context, f *Factory, opts *jobStopOptions) error {
	fc, err := opts.conn.FlinkClient()
	if err != nil {
		return err
	}
	r := relay.StopRequest{In: opts.topics.In, Out: opts.topics.Out, Kind: opts.kind, ID: opts.id, SavepointDir: opts.savepointDir,
		RecordDir: local.JobsDir(opts.conn.Home), Timeout: opts.timeout, Progress: f.IO.ErrOut}
	if opts.conn.LocalFlink() {
		r.LocalSavepointDir = local.SavepointsDir(opts.conn.Home)
	}
	loc, err := relay.StopWithSavepoint(ctx, fc, r)
	if err != nil {
		return err
	}
	fmt.Fprintln(f.IO.Out, loc)
	return nil
}

// addJobKind adds --job to a command that finds the job for the topics (stop, cancel).
func addJobKind(cmd *cobra.Command, kind *string) {
	cmd.Flags().StringVar(kind, "job", "", "which job for --in-topic/--out-topic: relay or complex (default: the one that runs)")
}

// jobResumeOptions are `job resume`'s flags.
type jobResumeOptions struct {
	conn   *pipeline.Connection
	topics *pipeline.TopicOptions
	job    *relay.Options
}

func newJobResumeCmd(f *Factory, runF func(context.Context, *jobResumeOptions) error) *cobra.Command {
	opts := &jobResumeOptions{conn: f.newConn(), topics: pipeline.DefaultTopicOptions(), job: pipeline.DefaultJobOptions()}
	cmd := &cobra.Command{
		Use:   "resume",
		Short: "Start the relay or complex job from its last savepoint or retained checkpoint",
		Long: `Submit the job for --in-topic/--out-topic starting from the newest of: the savepoint
` + "`job stop`" + ` recorded, the savepoints and retained checkpoints Flink still lists for ended relay
jobs of that name, and (on the local stack) the checkpoints in the relay's checkpoint
directory, which outlive a restarted JobManager. Same flags as job submit; its state must fit
the job (state no operator claims is refused, not dropped). Without any of them it fails and
says so: start fresh with job submit.

--job relay|complex picks the job; without it, resume starts the job whose savepoint or
checkpoint is the newest of both (each kind resumes only from its own state).`,
		Example: `  streamscale job stop && streamscale job resume
  streamscale job resume --guarantee exactly-once
  streamscale job resume --job complex`,
		Args: cobra.NoArgs,
	}
	addJobFlags(cmd.Flags(), opts.conn, opts.topics, opts.job)
	return newCommand(f, cmd, opts, runF, jobResumeRun)
}

// jobResumeRun is job submit from the newest resume point; without --job, of the kind of job
// (relay or complex) whose resume point for the topics is the newest (relay.ResumeKind).
func jobResumeRun(ctx context.Context, f *Factory, opts *jobResumeOptions) error {
	if !opts.job.Given("job") {
		if _, err := opts.conn.JobKafkaConn(*opts.job); err != nil {
			return err
		}
		fc, err := opts.conn.FlinkClient()
		if err != nil {
			return err
		}
		k, err := relay.ResumeKind(ctx, fc, opts.topics.In, opts.topics.Out, opts.conn.ResumeSources(), f.IO.ErrOut)
		if err != nil {
			return err
		}
		opts.job.Job = string(k)
	}
	return submitJob(ctx, f, opts.conn, opts.topics, opts.job, relay.LastSavepoint)
}
