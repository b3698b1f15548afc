package cli

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/yarn"
)

// yarnSessionOptions are the flags of `streamscale yarn session start|stop|status`.
type yarnSessionOptions struct {
	IO            IOStreams
	Home          string
	RuntimeDir    string
	JavaHome      string
	YarnConf      string
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

func newYarnSessionOptions(f *Factory) *yarnSessionOptions {
	cfg := local.DefaultConfig()
	return &yarnSessionOptions{IO: f.IO, Home: cfg.Home, RuntimeDir: cfg.RuntimeDir, YarnConf: f.Getenv("HADOOP_CONF_DIR"),
		Session: yarn.SessionConfig{Name: "streamscale-flink-session", JobManagerMemoryMB: 1024, TaskManagerMemoryMB: 4096, Slots: 1}}
}

func (o *yarnSessionOptions) addCommon(fs *pflag.FlagSet) {
	fs.StringVar(&o.Home, "home", o.Home, "state directory: the session's Flink configuration, record and launcher log (env STREAMSCALE_HOME)")
	fs.StringVar(&o.RuntimeDir, "runtime-dir", o.RuntimeDir, "directory with the Maven-built flink/, flink-yarn/ and yarn/ classpaths (env STREAMSCALE_RUNTIME_DIR)")
	fs.StringVar(&o.JavaHome, "java-home", "", "JDK 17+ to run the launcher with (default $JAVA_HOME, then java on PATH)")
	fs.StringVar(&o.YarnConf, "yarn-conf", o.YarnConf, "the YARN cluster's configuration directory with yarn-site.xml and core-site.xml (env HADOOP_CONF_DIR)")
	fs.StringVar(&o.Session.Name, "name", o.Session.Name, "YARN application name of the session")
	fs.BoolVar(&o.JSON, "json", false, "print the application report as JSON")
}

func newYarnSessionStartCmd(f *Factory, runF func(context.Context, *yarnSessionOptions) error) *cobra.Command {
	o := newYarnSessionOptions(f)
	cmd := &cobra.Command{
		Use:   "start",
		Short: "Deploy the Flink session to YARN, detached, and print its REST URL",
		Example: `  streamscale yarn session start --yarn-conf ./hdinsight-conf --checkpoint-dir abfs://flink@acct.dfs.core.windows.net/streamscale
  streamscale yarn session start --yarn-conf /etc/hadoop/conf --taskmanager-memory-mb 2048 --slots 2`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runOr(runF, yarnSessionStart)(cmd.Context(), o) },
	}
	fs := cmd.Flags()
	o.addCommon(fs)
	fs.IntVar(&o.Session.JobManagerMemoryMB, "jobmanager-memory-mb", o.Session.JobManagerMemoryMB, "JobManager container memory in MiB (the sample: 1024m)")
	fs.IntVar(&o.Session.TaskManagerMemoryMB, "taskmanager-memory-mb", o.Session.TaskManagerMemoryMB, "memory of each TaskManager container in MiB (the sample: 4096m)")
	fs.IntVar(&o.Session.Slots, "slots", o.Session.Slots, "task slots per TaskManager; TaskManagers are added as jobs need slots")
	fs.StringVar(&o.Session.Queue, "queue", "", "YARN queue (default: the cluster's default queue)")
	fs.StringVar(&o.Session.CheckpointDir, "checkpoint-dir", "", "directory every node reaches, for checkpoints/ and savepoints/ (hdfs://…, abfs://…, wasbs://…)")
	fs.StringVar(&o.Session.ClusterJavaHome, "cluster-java-home", "", "JDK 17+ on the cluster's nodes when their default Java is older (Flink 2 needs 11+; HDInsight 5.1 runs 8)")
	return cmd
}

func newYarnSessionStopCmd(f *Factory, runF func(context.Context, *yarnSessionOptions) error) *cobra.Command {
	o := newYarnSessionOptions(f)
	cmd := &cobra.Command{
		Use:   "stop",
		Short: "Kill the Flink session's YARN application",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return runOr(runF, yarnSessionStop)(cmd.Context(), o) },
	}
	o.addCommon(cmd.Flags())
	cmd.Flags().StringVar(&o.ApplicationID, "application-id", "", "the application to stop (default: the one start recorded for --name)")
	return cmd
}

func newYarnSessionStatusCmd(f *Factory, runF func(context.Context, *yarnSessionOptions) error) *cobra.Command {
	o := newYarnSessionOptions(f)
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the Flink session's YARN application report; exits 1 unless it runs",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return runOr(runF, yarnSessionStatus)(cmd.Context(), o) },
	}
	o.addCommon(cmd.Flags())
	cmd.Flags().StringVar(&o.ApplicationID, "application-id", "", "the application to show (default: the one start recorded for --name)")
	return cmd
}

// sessions is the domain entry point with the flags' directories; java is found after the
// settings are checked, as --java-home names it.
func (o *yarnSessionOptions) sessions() yarn.Sessions {
	return yarn.Sessions{Home: o.Home, RuntimeDir: o.RuntimeDir, YarnConfDir: o.YarnConf, Progress: o.IO.ErrOut,
		Java: func() (string, error) {
			java, _, err := local.FindJava(o.JavaHome)
			return java, err
		}}
}

// sessionErr marks the settings yarn.Sessions refuses as flag errors.
func sessionErr(err error) error {
	if se, ok := errors.AsType[*yarn.SettingError](err); ok {
		return flagErrorf(se.Err)
	}
	return err
}

func yarnSessionStart(ctx context.Context, o *yarnSessionOptions) error {
	r, err := o.sessions().Start(ctx, o.Session)
	if err != nil {
		return sessionErr(err)
	}
	return o.print(r, true)
}

func yarnSessionStop(ctx context.Context, o *yarnSessionOptions) error {
	r, err := o.sessions().Stop(ctx, o.Session.Name, o.ApplicationID)
	if err != nil {
		return sessionErr(err)
	}
	return o.print(r, false)
}

func yarnSessionStatus(ctx context.Context, o *yarnSessionOptions) error {
	r, err := o.sessions().Status(ctx, o.Session.Name, o.ApplicationID)
	if err != nil && !errors.Is(err, yarn.ErrNotRunning) {
		return sessionErr(err)
	}
	if err := o.print(r, r.State == "RUNNING"); err != nil {
		return err
	}
	if r.State != "RUNNING" {
		return ErrSilent
	}
	return nil
}

func (o *yarnSessionOptions) print(r yarn.Result, withURL bool) error {
	if o.JSON {
		enc := json.NewEncoder(o.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	r.WriteText(o.IO.Out, withURL)
	return nil
}

// runOr is runF when a test gave one, else run.
func runOr[O any](runF, run func(context.Context, O) error) func(context.Context, O) error {
	if runF != nil {
		return runF
	}
	return run
}
