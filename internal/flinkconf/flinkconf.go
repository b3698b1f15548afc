// Package flinkconf renders Flink 2.x's config.yaml for every Flink session streamscale
// starts (the local standalone cluster, the local YARN session and a session on an existing
// YARN cluster): the settings they share are written here once, and each deployment adds its
// own addresses, directories and ports.
package flinkconf

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Session sizes a Flink session and says where its metrics are served.
type Session struct {
	// JobManagerMemoryMB is the JobManager's process memory (jobmanager.memory.process.size).
	JobManagerMemoryMB int
	// TaskManagerMemoryMB is each TaskManager's process memory (taskmanager.memory.process.size).
	TaskManagerMemoryMB int
	// Slots is the task slots per TaskManager (taskmanager.numberOfTaskSlots).
	Slots int
	// MetricsPort is the Prometheus reporter's port, or a range ("9249-9270") from which each
	// JVM takes the first free port.
	MetricsPort string
	// Detection is how fast a lost TaskManager is noticed; the zero value leaves Flink's
	// defaults (heartbeat.interval 10 s, heartbeat.timeout 50 s, rpc-failure-threshold 2).
	Detection Detection
}

// Detection is how the JobManager and the ResourceManager notice a lost TaskManager (Flink
// 2.2.1's HeartbeatManagerOptions). Both send a heartbeat RPC to each TaskManager every
// Interval. A TaskManager that answers none for Timeout is declared lost (a hung or paused
// JVM, or a host gone without closing its connections); one whose heartbeat RPCs fail
// RPCFailureThreshold times in a row is declared lost at once: a killed process closes its
// TCP connections, Pekko can no longer reach it, and Flink's DeadLettersActor fails each RPC
// with a RecipientUnreachableException, which DefaultHeartbeatMonitor counts. So a kill -9
// is detected within about Interval × RPCFailureThreshold, whatever Timeout says.
//
// What each costs: a shorter Interval is a few more small RPCs per TaskManager (negligible for
// a handful); a shorter Timeout declares a TaskManager lost during a long GC pause or CPU
// starvation (a false positive restarts the job for nothing); a lower RPCFailureThreshold
// declares it lost on transient connection failures, which a flaky network has and loopback
// does not. A paused JVM does not fail RPCs (they time out instead), so the threshold does not
// add GC false positives.
type Detection struct {
	// Interval is heartbeat.interval; Timeout heartbeat.timeout.
	Interval, Timeout time.Duration
	// RPCFailureThreshold is heartbeat.rpc-failure-threshold (-1: off).
	RPCFailureThreshold int
}

// LoopbackDetection is the detection of a Flink whose JVMs share one machine (the local
// stack): a heartbeat every second, a lost TaskManager declared at its first unreachable
// heartbeat RPC, and 10 s for one that hangs, which rides out GC pauses and a loaded machine.
func LoopbackDetection() Detection {
	return Detection{Interval: time.Second, Timeout: 10 * time.Second, RPCFailureThreshold: 1}
}

// Validate checks d as Flink does at start, naming the setting.
func (d Detection) Validate() error {
	switch {
	case d == Detection{}:
		return nil
	case d.Interval <= 0 || d.Timeout <= 0:
		return errors.New("heartbeat interval and timeout must both be positive")
	case d.Timeout <= d.Interval:
		return fmt.Errorf("heartbeat timeout %s must exceed the interval %s", d.Timeout, d.Interval)
	case d.RPCFailureThreshold == 0 || d.RPCFailureThreshold < -1:
		return fmt.Errorf("heartbeat rpc-failure-threshold %d must be at least 1, or -1 (off)", d.RPCFailureThreshold)
	}
	return nil
}

// apply writes d's keys into c (none for the zero value).
func (d Detection) apply(c Config) {
	if d == (Detection{}) {
		return
	}
	c["heartbeat.interval"] = durationValue(d.Interval)
	c["heartbeat.timeout"] = durationValue(d.Timeout)
	c["heartbeat.rpc-failure-threshold"] = fmt.Sprint(d.RPCFailureThreshold)
}

// durationValue writes a duration as Flink reads it: whole seconds as "2s", else milliseconds.
func durationValue(d time.Duration) string {
	if d%time.Second == 0 {
		return fmt.Sprintf("%ds", d/time.Second)
	}
	return fmt.Sprintf("%dms", d.Milliseconds())
}

// RedundantTaskManagersKey is the key that keeps spare TaskManagers in an active deployment
// (native Kubernetes, YARN): ResourceManagerOptions.REDUNDANT_TASK_MANAGER_NUM in Flink 2.2.1,
// "available only to the active deployments". A standalone cluster gets its spares by starting
// more TaskManager JVMs instead (`local up --standby-taskmanagers`).
const RedundantTaskManagersKey = "slotmanager.redundant-taskmanager-num"

// Config is a Flink configuration as flattened keys, which Flink's YAML loader accepts.
// Values are written as given: quote paths with Quote.
type Config map[string]string

// New returns the settings every streamscale Flink session shares: its sizes, region
// failover, an exponential-delay restart strategy (for jobs that set none: the relay and the
// complex job set their own), checkpoints kept on cancel, Flink's Prometheus reporter, and the
// session's Detection.
func New(s Session) Config {
	c := Config{
		"jobmanager.memory.process.size":                     fmt.Sprintf("%dm", s.JobManagerMemoryMB),
		"jobmanager.execution.failover-strategy":             "region",
		"taskmanager.numberOfTaskSlots":                      fmt.Sprint(s.Slots),
		"taskmanager.memory.process.size":                    fmt.Sprintf("%dm", s.TaskManagerMemoryMB),
		"restart-strategy.type":                              "exponential-delay",
		"restart-strategy.exponential-delay.initial-backoff": "1s",
		"restart-strategy.exponential-delay.max-backoff":     "30s",
		// A cancelled or failed job keeps its last checkpoints, for `job resume` (the relay job
		// asks for this too; here it holds for any job on the session).
		"execution.checkpointing.externalized-checkpoint-retention": "RETAIN_ON_CANCELLATION",
		// Flink's Prometheus reporter (flink-metrics-prometheus on the classpath): every Flink
		// metric and the job's own (relayedRecords, deadLetteredRecords) in Prometheus text
		// format.
		"metrics.reporter.prom.factory.class": "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
		"metrics.reporter.prom.port":          s.MetricsPort,
	}
	s.Detection.apply(c)
	return c
}

// YAML renders c as config.yaml, keys sorted, under a header naming the command that wrote it
// (e.g. "local up").
func (c Config) YAML(writer string) string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	fmt.Fprintf(&b, "# Written by streamscale %s; changes are overwritten on the next start.\n", writer)
	for _, k := range keys {
		fmt.Fprintf(&b, "%s: %s\n", k, c[k])
	}
	return b.String()
}

// Quote single-quotes a YAML scalar so paths with ':' or '#' survive.
func Quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// JavaModuleFlags are the --add-opens/--add-exports that Flink's distribution passes to every
// JVM on Java 17+ (env.java.opts.all in its default config.yaml); Hadoop's JVMs need them too.
// Each call returns a fresh copy.
func JavaModuleFlags() []string {
	return []string{
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
}

// Log4jProperties is the log4j2 configuration of every JVM streamscale starts with a Flink or
// Kafka classpath: INFO and above to one rolling file, named by the log.file system property.
func Log4jProperties() string {
	return `# Written by streamscale local up.
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = File
appender.file.type = RollingFile
appender.file.name = File
appender.file.fileName = ${sys:log.file}
appender.file.filePattern = ${sys:log.file}.%i
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p [%c{1}] %m%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 50MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 3
`
}
