package cli

import (
	"github.com/spf13/cobra"
)

func newLocalCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "local",
		Short: "Start, inspect and stop the local Kafka broker and Flink cluster",
		Long: `The local stack is one Apache Kafka node (KRaft, broker and controller in one JVM) and an
Apache Flink session cluster (a JobManager with the REST API and web UI, and one or more
TaskManagers, each its own JVM), all bound to 127.0.0.1; with --flink-on yarn the Flink session
runs as a YARN application on a single-node YARN cluster instead. Its configuration, data, logs
and pids live in one state directory (--home, default ~/.streamscale).`,
	}
	cmd.AddCommand(newLocalUpCmd(f, nil), newLocalStatusCmd(f, nil), newLocalDownCmd(f, nil))
	return cmd
}
