package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/streamscale/streamscale/internal/flink"
	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/relay"
)

// jobStopOptions are `job stop`'s flags and argument.
type jobStopOptions struct {
	conn                   *connFlags
	topics                 *topicFlags
	savepointDir, kind, id string
	timeout                time.Duration
}

func newJobStopCmd(f *Factory, runF func(context.Context, *jobStopOptions) error) *cobra.Command {
	opts := &jobStopOptions{conn: newConnFlags(f), topics: newTopicFlags(), timeout: 5 * time.Minute}
	conn, topics := opts.conn, opts.topics
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
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.id = args[0]
			}
			dir, err := relay.CheckpointURI(opts.savepointDir)
			if err != nil {
				return flagErrorf(fmt.Errorf("--savepoint-dir: %w", err))
			}
			opts.savepointDir = dir
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return jobStopRun(cmd.Context(), f, opts)
		},
	}
	conn.addFlink(cmd.Flags())
	cmd.Flags().StringVar(&conn.home, "home", conn.home, "state directory of the local stack, where stopped jobs are recorded (env STREAMSCALE_HOME)")
	topics.addNames(cmd.Flags())
	cmd.Flags().StringVar(&opts.savepointDir, "savepoint-dir", "", "where the savepoint goes, a URI or an absolute path (default on the local stack: <home>/flink/savepoints; elsewhere the cluster's execution.checkpointing.savepoint-dir)")
	cmd.Flags().DurationVar(&opts.timeout, "timeout", opts.timeout, "how long to wait for the savepoint")
	addJobKind(cmd, &opts.kind)
	return cmd
}

// jobStopRun stops the job with a savepoint and records it for `job resume`.
func jobStopRun(ctx context.Context, f *Factory, opts *jobStopOptions) error {
	dir := opts.savepointDir
	fc, err := newFlinkClient(opts.conn)
	if err != nil {
		return err
	}
	job, jobKind, err := relay.ToStop(ctx, fc, opts.topics.in, opts.topics.out, opts.kind, opts.id)
	if err != nil {
		return usageOf(err)
	}
	if dir == "" {
		localDir := ""
		if opts.conn.localFlink() {
			localDir = local.SavepointsDir(opts.conn.home)
		}
		if dir, err = relay.DefaultSavepointDir(ctx, fc, localDir); err != nil {
			return usageOf(err)
		}
	}
	fmt.Fprintf(f.IO.ErrOut, "stopping job %s (%s) with a savepoint into %s\n", job.ID, job.Name, orCluster(dir))
	wctx, cancel := context.WithTimeout(ctx, opts.timeout)
	defer cancel()
	loc, err := fc.StopWithSavepoint(wctx, job.ID, dir)
	switch {
	case err != nil && ctx.Err() != nil:
		fmt.Fprintf(f.IO.ErrOut, "stopped waiting for the savepoint of job %s: Flink may still write it and stop the job; `streamscale job list` shows where things stand\n", job.ID)
		return err
	case err != nil && wctx.Err() != nil:
		return fmt.Errorf("the savepoint of job %s is not written after %s (raise --timeout; `streamscale job list` shows where things stand): %w", job.ID, opts.timeout, err)
	case err != nil:
		return err
	}
	rec := relay.Stopped{JobName: job.Name, JobID: job.ID, Job: jobKind, Savepoint: loc, Time: time.Now().UTC()}
	if err := relay.SaveStopped(local.JobsDir(opts.conn.home), rec); err != nil {
		fmt.Fprintf(f.IO.ErrOut, "the savepoint is at %s but could not be recorded for `job resume` (give it to --from-savepoint): %v\n", loc, err)
	}
	fmt.Fprintln(f.IO.Out, loc)
	return nil
}

// addJobKind adds --job to a command that finds the job for the topics (stop, cancel).
func addJobKind(cmd *cobra.Command, kind *string) {
	cmd.Flags().StringVar(kind, "job", "", "which job for --in-topic/--out-topic: relay or complex (default: the one that runs)")
}

func orCluster(dir string) string {
	if dir == "" {
		return "the cluster's savepoint directory"
	}
	return dir
}

// jobResumeOptions are `job resume`'s flags.
type jobResumeOptions struct {
	conn   *connFlags
	topics *topicFlags
	job    *jobFlags
}

func newJobResumeCmd(f *Factory, runF func(context.Context, *jobResumeOptions) error) *cobra.Command {
	opts := &jobResumeOptions{conn: newConnFlags(f), topics: newTopicFlags(), job: newJobFlags()}
	conn, topics, job := opts.conn, opts.topics, opts.job
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
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			if !job.changed("job") {
				// The flags first: nothing is asked of Flink for flags that cannot run.
				if _, err := job.checkedConn(conn); err != nil {
					return err
				}
				if err := resumeKind(cmd.Context(), f, conn, topics, job); err != nil {
					return err
				}
			}
			return submitRelay(cmd.Context(), f, conn, topics, job, func(ctx context.Context, fc *flink.Client, s relay.Spec) (string, error) {
				return resolveSavepoint(ctx, f, fc, conn, s, relay.LastSavepoint)
			})
		},
	}
	conn.addKafka(cmd.Flags())
	conn.addFlink(cmd.Flags())
	topics.addNames(cmd.Flags())
	job.add(cmd)
	job.addJob(cmd)
	return cmd
}

// resumeKind sets job.job, for a resume without --job, to the kind of job (relay or complex)
// whose resume point for the topics is the newest (relay.NewestKind).
func resumeKind(ctx context.Context, f *Factory, conn *connFlags, topics *topicFlags, job *jobFlags) error {
	fc, err := newFlinkClient(conn)
	if err != nil {
		return err
	}
	k, err := relay.NewestKind(ctx, fc, topics.in, topics.out, conn.resumeSources())
	if err != nil {
		return err
	}
	job.job = string(k)
	if k == relay.JobComplex {
		fmt.Fprintln(f.IO.ErrOut, "the newest savepoint or checkpoint for these topics is the complex job's: resuming it (--job relay picks the relay)")
	}
	return nil
}

// resolveSavepoint turns --from-savepoint into the path the job starts from
// (relay.ResolveSavepoint).
func resolveSavepoint(ctx context.Context, f *Factory, fc *flink.Client, conn *connFlags, s relay.Spec, from string) (string, error) {
	p, err := relay.ResolveSavepoint(ctx, fc, s, from, conn.resumeSources(), f.IO.ErrOut)
	return p, usageOf(err)
}
