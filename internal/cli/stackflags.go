package cli

import (
	"github.com/spf13/pflag"

	"github.com/streamscale/streamscale/internal/local"
)

// stackFlags binds the local stack's settings to flags shared by `local up` and `run`.
type stackFlags struct {
	cfg local.Config
}

func newStackFlags() *stackFlags { return &stackFlags{cfg: local.DefaultConfig()} }

// addHome registers --home and --runtime-dir, which every command touching the stack needs.
func (s *stackFlags) addHome(fs *pflag.FlagSet) {
	fs.StringVar(&s.cfg.Home, "home", s.cfg.Home, "state directory of the local stack: config, data, logs, pids (env STREAMSCALE_HOME)")
	fs.StringVar(&s.cfg.RuntimeDir, "runtime-dir", s.cfg.RuntimeDir, "directory with the Maven-built kafka/ and flink/ classpaths (env STREAMSCALE_RUNTIME_DIR)")
}

// addStart registers the settings that matter when processes start.
func (s *stackFlags) addStart(fs *pflag.FlagSet) {
	s.addHome(fs)
	fs.StringVar(&s.cfg.JavaHome, "java-home", "", "JDK 17+ to run Kafka and Flink with (default $JAVA_HOME, then java on PATH)")
	fs.IntVar(&s.cfg.KafkaPort, "kafka-port", s.cfg.KafkaPort, "Kafka broker port on 127.0.0.1")
	fs.IntVar(&s.cfg.ControllerPort, "controller-port", s.cfg.ControllerPort, "Kafka KRaft controller port on 127.0.0.1")
	fs.IntVar(&s.cfg.MetricsPort, "metrics-port", s.cfg.MetricsPort, "Kafka per-topic metrics (Prometheus format) port on 127.0.0.1")
	fs.IntVar(&s.cfg.FlinkRESTPort, "flink-rest-port", s.cfg.FlinkRESTPort, "Flink REST API and web UI port on 127.0.0.1")
	fs.IntVar(&s.cfg.FlinkRPCPort, "flink-rpc-port", s.cfg.FlinkRPCPort, "Flink JobManager RPC port on 127.0.0.1")
	fs.IntVar(&s.cfg.FlinkMetricsPort, "flink-metrics-port", s.cfg.FlinkMetricsPort, "Flink's Prometheus metrics on 127.0.0.1: the JobManager's port; TaskManager i gets this + 1 + i")
	fs.IntVar(&s.cfg.TaskManagers, "taskmanagers", s.cfg.TaskManagers, "number of Flink TaskManager JVMs")
	fs.IntVar(&s.cfg.Slots, "slots", s.cfg.Slots, "task slots per TaskManager")
	fs.IntVar(&s.cfg.KafkaHeapMB, "kafka-heap-mb", s.cfg.KafkaHeapMB, "Kafka broker JVM heap in MiB")
	fs.IntVar(&s.cfg.JobManagerMemoryMB, "jobmanager-memory-mb", s.cfg.JobManagerMemoryMB, "Flink JobManager total process memory in MiB")
	fs.IntVar(&s.cfg.TaskManagerMemoryMB, "taskmanager-memory-mb", s.cfg.TaskManagerMemoryMB, "Flink TaskManager total process memory in MiB (each)")
	fs.StringVar(&s.cfg.FlinkOn, "flink-on", "", "where the Flink session runs: standalone (its own JVMs) or yarn (a YARN application on a local single-node YARN cluster); default: what the running stack uses, else standalone")
	y := &s.cfg.Yarn
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
	fs.DurationVar(&s.cfg.StartTimeout, "start-timeout", s.cfg.StartTimeout, "how long to wait for the stack to become healthy")
	fs.DurationVar(&s.cfg.StopTimeout, "stop-timeout", s.cfg.StopTimeout, "how long to wait after SIGTERM before SIGKILL when stopping")
}
