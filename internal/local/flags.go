package local

import "github.com/spf13/pflag"

// AddHomeFlags registers --home and --runtime-dir on fs, the settings every command that
// touches the stack needs, with c's values as their defaults (DefaultConfig's).
func (c *Config) AddHomeFlags(fs *pflag.FlagSet) {
	fs.StringVar(&c.Home, "home", c.Home, "state directory of the local stack: config, data, logs, pids (env STREAMSCALE_HOME)")
	fs.StringVar(&c.RuntimeDir, "runtime-dir", c.RuntimeDir, "directory with the Maven-built kafka/ and flink/ classpaths (env STREAMSCALE_RUNTIME_DIR)")
}

// AddFlags registers the settings that matter when the stack's processes start (`local up`,
// `run`, `bench failover`), AddHomeFlags' among them.
func (c *Config) AddFlags(fs *pflag.FlagSet) {
	c.AddHomeFlags(fs)
	fs.StringVar(&c.JavaHome, "java-home", "", "JDK 17+ to run Kafka and Flink with (default $JAVA_HOME, then java on PATH)")
	fs.IntVar(&c.KafkaPort, "kafka-port", c.KafkaPort, "Kafka broker port on 127.0.0.1")
	fs.IntVar(&c.ControllerPort, "controller-port", c.ControllerPort, "Kafka KRaft controller port on 127.0.0.1")
	fs.IntVar(&c.MetricsPort, "metrics-port", c.MetricsPort, "Kafka per-topic metrics (Prometheus format) port on 127.0.0.1")
	fs.IntVar(&c.FlinkRESTPort, "flink-rest-port", c.FlinkRESTPort, "Flink REST API and web UI port on 127.0.0.1")
	fs.IntVar(&c.FlinkRPCPort, "flink-rpc-port", c.FlinkRPCPort, "Flink JobManager RPC port on 127.0.0.1")
	fs.IntVar(&c.FlinkMetricsPort, "flink-metrics-port", c.FlinkMetricsPort, "Flink's Prometheus metrics on 127.0.0.1: the JobManager's port; TaskManager i gets this + 1 + i")
	fs.IntVar(&c.TaskManagers, "taskmanagers", c.TaskManagers, "number of Flink TaskManager JVMs")
	fs.IntVar(&c.Slots, "slots", c.Slots, "task slots per TaskManager")
	fs.IntVar(&c.KafkaHeapMB, "kafka-heap-mb", c.KafkaHeapMB, "Kafka broker JVM heap in MiB")
	fs.IntVar(&c.JobManagerMemoryMB, "jobmanager-memory-mb", c.JobManagerMemoryMB, "Flink JobManager total process memory in MiB")
	fs.IntVar(&c.TaskManagerMemoryMB, "taskmanager-memory-mb", c.TaskManagerMemoryMB, "Flink TaskManager total process memory in MiB (each)")
	fs.StringVar(&c.FlinkOn, "flink-on", "", "where the Flink session runs: standalone (its own JVMs) or yarn (a YARN application on a local single-node YARN cluster); default: what the running stack uses, else standalone")
	y := &c.Yarn
	fs.IntVar(&y.RMPort, "yarn-rm-port", y.RMPort, "with --flink-on yarn: YARN ResourceManager client port on 127.0.0.1")
	fs.IntVar(&y.RMSchedulerPort, "yarn-rm-scheduler-port", y.RMSchedulerPort, "with --flink-on yarn: ResourceManager scheduler port")
	fs.IntVar(&y.RMTrackerPort, "yarn-rm-tracker-port", y.RMTrackerPort, "with --flink-on yarn: ResourceManager resource tracker port")
	fs.IntVar(&y.RMAdminPort, "yarn-rm-admin-port", y.RMAdminPort, "with --flink-on yarn: ResourceManager admin port")
	fs.IntVar(&y.RMWebPort, "yarn-rm-web-port", y.RMWebPort, "with --flink-on yarn: ResourceManager web UI and REST API port")
	fs.IntVar(&y.NMWebPort, "yarn-nm-web-port", y.NMWebPort, "with --flink-on yarn: NodeManager web UI and REST API port")
	fs.IntVar(&y.NMLocalizerPort, "yarn-nm-localizer-port", y.NMLocalizerPort, "with --flink-on yarn: NodeManager localizer port")
	fs.IntVar(&y.NMMemoryMB, "yarn-nm-memory-mb", y.NMMemoryMB, "with --flink-on yarn: memory the NodeManager offers to containers, in MiB")
	fs.IntVar(&y.NMVcores, "yarn-nm-vcores", y.NMVcores, "with --flink-on yarn: virtual cores the NodeManager offers")
	fs.IntVar(&y.RMHeapMB, "yarn-rm-heap-mb", y.RMHeapMB, "with --flink-on yarn: ResourceManager JVM heap in MiB")
	fs.IntVar(&y.NMHeapMB, "yarn-nm-heap-mb", y.NMHeapMB, "with --flink-on yarn: NodeManager JVM heap in MiB")
	fs.DurationVar(&c.StartTimeout, "start-timeout", c.StartTimeout, "how long to wait for the stack to become healthy")
	fs.DurationVar(&c.StopTimeout, "stop-timeout", c.StopTimeout, "how long to wait after SIGTERM before SIGKILL when stopping")
}
