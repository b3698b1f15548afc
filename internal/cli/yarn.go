package cli

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/yarn"
)

// yarnSessionOptions are the flags of `streamscale yarn session start|stop|status`.
type yarnSessionOptions struct {
	Sessions      yarn.Sessions
	JavaHome      string
	ApplicationID string
	JSON          bool
	Session       yarn.SessionConfig
}

func newYarnCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "yarn",
		Short: "Run the Flink session on an existing YARN cluster (HDInsight, EMR, Dataproc, on-premises Hadoop)",
	}
	session := &cobra.Command{
		Use:   "session",
		Short: "Start, stop or show a Flink session cluster running as a YARN application",
		Long: `A Flink session cluster deployed to an existing YARN cluster with Flink's own YARN deployment
code, as the sample's yarn-session.sh --jobManagerMemory 1024m --taskManagerMemory 4096m
--detached does. --yarn-conf is the cluster's configuration directory (HADOOP_CONF_DIR: what
/etc/hadoop/conf holds on an HDInsight head node or an EMR master). start prints the session's
REST URL; pass it to job submit, run, verify and the other commands as --flink-url.`,
	}
	session.AddCommand(newYarnSessionStartCmd(f, nil), newYarnSessionStopCmd(f, nil), newYarnSessionStatusCmd(f, nil))
	cmd.AddCommand(session)
	return cmd
}

// newYarnSessionCmd is cmd with the options and flags every `yarn session` command shares.
func newYarnSessionCmd(f *Factory, cmd *cobra.Command, runF func(context.Context, *yarnSessionOptions) error,
	run func(context.Context, *Factory, *yarnSessionOptions) error) (*cobra.Command, *yarnSessionOptions) {
	d := local.DefaultConfig()
	o := &yarnSessionOptions{Sessions: yarn.Sessions{Home: d.Home, RuntimeDir: d.RuntimeDir, YarnConfDir: f.Getenv("HADOOP_CONF_DIR"), Progress: f.IO.ErrOut},
		Session: yarn.SessionConfig{Name: "streamscale-flink-session", JobManagerMemoryMB: 1024, TaskManagerMemoryMB: 4096, Slots: 1}}
	o.Sessions.Java = func() (string, error) { // found once the settings are checked, as --java-home names it
		java, _, err := local.FindJava(o.JavaHome)
		return java, err
	}
	cmd.Args = cobra.NoArgs
	fs := newCommand(f, cmd, o, runF, run).Flags()
	fs.StringVar(&o.Sessions.Home, "home", o.Sessions.Home, "state directory: the session's Flink configuration, record and launcher log (env STREAMSCALE_HOME)")
	fs.StringVar(&o.Sessions.RuntimeDir, "runtime-dir", o.Sessions.RuntimeDir, "directory with the Maven-built flink/, flink-yarn/ and yarn/ classpaths (env STREAMSCALE_RUNTIME_DIR)")
	fs.StringVar(&o.JavaHome, "java-home", "", "JDK 17+ to run the launcher with (default $JAVA_HOME, then java on PATH)")
	fs.StringVar(&o.Sessions.YarnConfDir, "yarn-conf", o.Sessions.YarnConfDir, "the YARN cluster's configuration directory with yarn-site.xml and core-site.xml (env HADOOP_CONF_DIR)")
	fs.StringVar(&o.Session.Name, "name", o.Session.Name, "YARN application name of the session")
	fs.BoolVar(&o.JSON, "json", false, "print the application report as JSON")
	return cmd, o
}

func newYarnSessionStartCmd(f *Factory, runF func(context.Context, *yarnSessionOptions) error) *cobra.Command {
	cmd, o := newYarnSessionCmd(f, &cobra.Command{
		Use:   "start",
		Short: "Deploy the Flink session to YARN, detached, and print its REST URL",
		Example: `  streamscale yarn session start --yarn-conf ./hdinsight-conf --checkpoint-dir abfs://flink@acct.dfs.core.windows.net/streamscale
  streamscale yarn session start --yarn-conf /etc/hadoop/conf --taskmanager-memory-mb 2048 --slots 2`,
	}, runF, yarnSessionStart)
	fs := cmd.Flags()
	fs.IntVar(&o.Session.JobManagerMemoryMB, "jobmanager-memory-mb", o.Session.JobManagerMemoryMB, "JobManager container memory in MiB (the sample: 1024m)")
	fs.IntVar(&o.Session.TaskManagerMemoryMB, "taskmanager-memory-mb", o.Session.TaskManagerMemoryMB, "memory of each TaskManager container in MiB (the sample: 4096m)")
	fs.IntVar(&o.Session.Slots, "slots", o.Session.Slots, "task slots per TaskManager; TaskManagers are added as jobs need slots")
	fs.StringVar(&o.Session.Queue, "queue", "", "YARN queue (default: the cluster's default queue)")
	fs.StringVar(&o.Session.CheckpointDir, "checkpoint-dir", "", "directory every node reaches, for checkpoints/ and savepoints/ (hdfs://…, abfs://…, wasbs://…)")
	fs.StringVar(&o.Session.ClusterJavaHome, "cluster-java-home", "", "JDK 17+ on the cluster's nodes when their default Java is older (Flink 2 needs 11+; HDInsight 5.1 runs 8)")
	return cmd
}

func newYarnSessionStopCmd(f *Factory, runF func(context.Context, *yarnSessionOptions) error) *cobra.Command {
	cmd, o := newYarnSessionCmd(f, &cobra.Command{Use: "stop", Short: "Kill the Flink session's YARN application"}, runF, yarnSessionStop)
	cmd.Flags().StringVar(&o.ApplicationID, "application-id", "", "the application to stop (default: the one start recorded for --name)")
	return cmd
}

func newYarnSessionStatusCmd(f *Factory, runF func(context.Context, *yarnSessionOptions) error) *cobra.Command {
	cmd, o := newYarnSessionCmd(f, &cobra.Command{Use: "status", Short: "Show the Flink session's YARN application report; exits 1 unless it runs"},
		runF, yarnSessionStatus)
	cmd.Flags().StringVar(&o.ApplicationID, "application-id", "", "the application to show (default: the one start recorded for --name)")
	return cmd
}

func yarnSessionStart(ctx context.Context, f *Factory, o *yarnSessionOptions) error {
	r, err := o.Sessions.Start(ctx, o.Session)
	return o.print(f, r, err)
}

func yarnSessionStop(ctx context.Context, f *Factory, o *yarnSessionOptions) error {
	r, err := o.Sessions.Stop(ctx, o.Session.Name, o.ApplicationID)
	return o.print(f, r, err)
}

func yarnSessionStatus(ctx context.Context, f *Factory, o *yarnSessionOptions) error {
	r, err := o.Sessions.Status(ctx, o.Session.Name, o.ApplicationID)
	if errors.Is(err, yarn.ErrNotRunning) {
		err = nil // the report says so; the exit status too
	}
	if err := o.print(f, r, err); err != nil || r.State == "RUNNING" {
		return err
	}
	return ErrSilent
}

// print returns err, a setting yarn.Sessions refused as a usage error; without one it prints
// the report r.
func (o *yarnSessionOptions) print(f *Factory, r yarn.Result, err error) error {
	if se, ok := errors.AsType[*yarn.SettingError](err); ok {
		return flagErrorf(se.Err)
	}
	if err != nil {
		return err
	}
	return writeResult(f.IO.Out, o.JSON, r)
}
