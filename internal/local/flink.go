package local

import (
	"context"
	"fmt"
	"os/exec"
	"sort"
	"strings"
)

// javaModuleFlags are the --add-opens/--add-exports that Flink's distribution passes to every
// JVM on Java 17+ (env.java.opts.all in its default config.yaml).
var javaModuleFlags = []string{
	"--add-exports=java.base/sun.net.util=ALL-UNNAMED",
	"--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
	"--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED",
	"--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
	"--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED",
	"--add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED",
	"--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED",
	"--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
	"--add-opens=java.base/java.lang=ALL-UNNAMED",
	"--add-opens=java.base/java.net=ALL-UNNAMED",
	"--add-opens=java.base/java.io=ALL-UNNAMED",
	"--add-opens=java.base/java.nio=ALL-UNNAMED",
	"--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
	"--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
	"--add-opens=java.base/java.text=ALL-UNNAMED",
	"--add-opens=java.base/java.time=ALL-UNNAMED",
	"--add-opens=java.base/java.util=ALL-UNNAMED",
	"--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
	"--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
	"--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED",
}

// flinkConfigYAML renders Flink 2.x's config.yaml (flattened keys, which Flink's YAML loader
// accepts) for a session cluster on loopback.
func flinkConfigYAML(c Config, l layout) string {
	kv := map[string]string{
		"jobmanager.rpc.address":                 "127.0.0.1",
		"jobmanager.rpc.port":                    fmt.Sprint(c.FlinkRPCPort),
		"jobmanager.bind-host":                   "127.0.0.1",
		"jobmanager.memory.process.size":         fmt.Sprintf("%dm", c.JobManagerMemoryMB),
		"jobmanager.execution.failover-strategy": "region",
		"taskmanager.bind-host":                  "127.0.0.1",
		"taskmanager.host":                       "127.0.0.1",
		"taskmanager.numberOfTaskSlots":          fmt.Sprint(c.Slots),
		"taskmanager.memory.process.size":        fmt.Sprintf("%dm", c.TaskManagerMemoryMB),
		// Managed memory serves RocksDB, batch sorting and Python; the jobs here keep their
		// state on the heap, so Flink's default 40% of the TaskManager's memory would sit idle
		// while the heap collects garbage twice as often: 10% leaves the heap ~740 MB of the
		// default 1,536 MB instead of 416 MB.
		"taskmanager.memory.managed.fraction":   "0.1",
		"rest.address":                          "127.0.0.1",
		"rest.bind-address":                     "127.0.0.1",
		"rest.port":                             fmt.Sprint(c.FlinkRESTPort),
		"blob.server.port":                      "0",
		"parallelism.default":                   "1",
		"io.tmp.dirs":                           quoteYAML(l.flinkTmp()),
		"web.upload.dir":                        quoteYAML(l.flinkUploads()),
		"execution.checkpointing.dir":           quoteYAML("file://" + l.checkpoints()),
		"execution.checkpointing.savepoint-dir": quoteYAML("file://" + l.savepoints()),
		"execution.checkpointing.num-retained":  "2",
		// A cancelled or failed job keeps its last checkpoints, for `job resume` (the relay job
		// asks for this too; here it holds for any job on the stack).
		"execution.checkpointing.externalized-checkpoint-retention": "RETAIN_ON_CANCELLATION",
		// A killed TaskManager is declared lost after heartbeat.timeout (Flink's default 50 s)
		// unless its RPCs fail first; on loopback 10 s is ample for a live one, and recovery
		// after kill -9 starts within seconds.
		"heartbeat.interval":    "2s",
		"heartbeat.timeout":     "10s",
		"restart-strategy.type": "exponential-delay",
		// Flink's Prometheus reporter (flink-metrics-prometheus on the classpath): every Flink
		// metric and the job's own (relayedRecords, deadLetteredRecords) in Prometheus text
		// format. The JobManager serves it at this port; each TaskManager gets its own port as
		// a dynamic property (taskManagerMetricsPort), so they can be told apart and recorded.
		"metrics.reporter.prom.factory.class":                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
		"metrics.reporter.prom.port":                         fmt.Sprint(c.FlinkMetricsPort),
		"restart-strategy.exponential-delay.initial-backoff": "1s",
		"restart-strategy.exponential-delay.max-backoff":     "30s",
	}
	keys := make([]string, 0, len(kv))
	for k := range kv {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("# Written by streamscale local up; changes are overwritten on the next start.\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "%s: %s\n", k, kv[k])
	}
	return b.String()
}

// taskManagerMetricsPort is the Prometheus reporter port of TaskManager i.
func taskManagerMetricsPort(c Config, i int) int { return c.FlinkMetricsPort + 1 + i }

// quoteYAML single-quotes a YAML scalar so paths with ':' or '#' survive.
func quoteYAML(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

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
