package local

import (
	"context"
	"fmt"
	"os/exec"
	"strings"

	"github.com/streamscale/streamscale/internal/flinkconf"
)

// javaModuleFlags are the --add-opens/--add-exports of every Flink JVM on Java 17+.
var javaModuleFlags = flinkconf.JavaModuleFlags()

// localFlinkConfig is what the standalone session and the YARN session on the local stack
// share beyond flinkconf's common settings: one default parallelism and the stack's upload,
// checkpoint and savepoint directories, and heartbeats fit for loopback.
func localFlinkConfig(c Config, l layout, metricsPort string) flinkconf.Config {
	kv := flinkconf.New(flinkconf.Session{JobManagerMemoryMB: c.JobManagerMemoryMB, TaskManagerMemoryMB: c.TaskManagerMemoryMB,
		Slots: c.Slots, MetricsPort: metricsPort, Detection: c.Detection})
	kv["parallelism.default"] = "1"
	kv["web.upload.dir"] = flinkconf.Quote(l.flinkUploads())
	kv["execution.checkpointing.dir"] = flinkconf.Quote("file://" + l.checkpoints())
	kv["execution.checkpointing.savepoint-dir"] = flinkconf.Quote("file://" + l.savepoints())
	kv["execution.checkpointing.num-retained"] = "2"
	return kv
}

// flinkConfigYAML renders Flink 2.x's config.yaml (flattened keys, which Flink's YAML loader
// accepts) for a session cluster on loopback.
func flinkConfigYAML(c Config, l layout) string {
	// The JobManager serves its Prometheus metrics at this port; each TaskManager gets its own
	// port as a dynamic property (taskManagerMetricsPort), so they can be told apart and recorded.
	kv := localFlinkConfig(c, l, fmt.Sprint(c.FlinkMetricsPort))
	for k, v := range map[string]string{
		"jobmanager.rpc.address": "127.0.0.1",
		"jobmanager.rpc.port":    fmt.Sprint(c.FlinkRPCPort),
		"jobmanager.bind-host":   "127.0.0.1",
		"taskmanager.bind-host":  "127.0.0.1",
		"taskmanager.host":       "127.0.0.1",
		// Managed memory serves RocksDB, batch sorting and Python; the jobs here keep their
		// state on the heap, so Flink's default 40% of the TaskManager's memory would sit idle
		// while the heap collects garbage twice as often: 10% leaves the heap ~740 MB of the
		// default 1,536 MB instead of 416 MB.
		"taskmanager.memory.managed.fraction": "0.1",
		"rest.address":                        "127.0.0.1",
		"rest.bind-address":                   "127.0.0.1",
		"rest.port":                           fmt.Sprint(c.FlinkRESTPort),
		"blob.server.port":                    "0",
		"io.tmp.dirs":                         flinkconf.Quote(l.flinkTmp()),
	} {
		kv[k] = v
	}
	return kv.YAML("local up")
}

// allTaskManagers is how many TaskManager JVMs a standalone stack runs: the asked-for ones and
// the standbys.
func (c Config) allTaskManagers() int { return c.TaskManagers + c.StandbyTaskManagers }

// taskManagerResourceID is TaskManager i's resource id in Flink (taskmanager.resource-id), as
// Flink's REST API names it.
func taskManagerResourceID(i int) string { return "streamscale-taskmanager-" + itoa(i) }

// taskManagerMetricsPort is the Prometheus reporter port of TaskManager i.
func taskManagerMetricsPort(c Config, i int) int { return c.FlinkMetricsPort + 1 + i }

// flinkResources asks Flink's own BashJavaUtils (what the distribution's scripts call) for the
// JVM flags and dynamic properties that match the configured process memory of a JobManager
// ("GET_JM_RESOURCE_PARAMS") or TaskManager ("GET_TM_RESOURCE_PARAMS").
func flinkResources(ctx context.Context, java string, c Config, l layout, which string) (jvm, dynamic []string, err error) {
	cmd := exec.CommandContext(ctx, java, "-Xmx128m", "-cp", classpath(c.RuntimeDir, "flink"),
		"-Dlog4j2.configurationFile="+l.flinkConf()+"/log4j2.properties", "-Dlog.file="+l.logDir()+"/flink-bashjavautils.log",
		"org.apache.flink.runtime.util.bash.BashJavaUtils", which, "--configDir", l.flinkConf())
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, nil, fmt.Errorf("compute Flink memory settings (%s): %w: %s", which, err, firstLine(strings.TrimSpace(string(out))))
	}
	jvm, dynamic, err = parseBashJavaUtils(string(out))
	if err != nil {
		return nil, nil, fmt.Errorf("compute Flink memory settings (%s): %w", which, err)
	}
	return jvm, dynamic, nil
}

// parseBashJavaUtils reads the two BASH_JAVA_UTILS_EXEC_RESULT lines: JVM flags, then
// "-D key=value" dynamic properties (returned as alternating "-D", "key=value" elements).
func parseBashJavaUtils(out string) (jvm, dynamic []string, err error) {
	const prefix = "BASH_JAVA_UTILS_EXEC_RESULT:"
	var results []string
	for _, line := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), prefix); ok {
			results = append(results, rest)
		}
	}
	if len(results) < 2 {
		return nil, nil, fmt.Errorf("expected two %s lines, got %d in %q", prefix, len(results), firstLine(out))
	}
	return strings.Fields(results[0]), strings.Fields(results[1]), nil
}

// flinkArgv is the command line of a JobManager (mainClass = the session entrypoint) or a
// TaskManager (TaskManagerRunner).
func flinkArgv(java string, c Config, l layout, role, logFile, mainClass string, jvm, dynamic []string) []string {
	argv := []string{java}
	argv = append(argv, jvm...)
	argv = append(argv, javaModuleFlags...)
	argv = append(argv, "-XX:+UseG1GC", "-Djava.awt.headless=true",
		homeMarker(c.Home), "-Dstreamscale.role="+role,
		"-Dlog.file="+logFile, "-Dlog4j2.configurationFile="+l.flinkConf()+"/log4j2.properties",
		"-cp", classpath(c.RuntimeDir, "flink"), mainClass, "--configDir", l.flinkConf())
	return append(argv, dynamic...)
}

const (
	jobManagerMain  = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint"
	taskManagerMain = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner"
)
