package local

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/streamscale/streamscale/internal/flinkconf"
)

// kafkaProperties renders server.properties for node i, a combined broker+controller KRaft node
// bound to loopback. One node finds its controller through controller.quorum.bootstrap.servers
// (a dynamic quorum of one, formatted --standalone); three name each other as the static
// controller.quorum.voters (formatted without --standalone). Topics without their own settings
// and the internal topics get the stack's replication factor and min.insync.replicas
// (Config.Replication).
func kafkaProperties(c Config, i int, dataDir string) string {
	b := c.broker(i)
	rf, minISR := c.Replication()
	quorum := [2]string{"controller.quorum.bootstrap.servers", fmt.Sprintf("127.0.0.1:%d", b.ControllerPort)}
	if c.brokers() > 1 {
		quorum = [2]string{"controller.quorum.voters", c.quorumVoters()}
	}
	props := [][2]string{
		{"process.roles", "broker,controller"},
		{"node.id", strconv.Itoa(int(b.NodeID))},
		quorum,
		{"listeners", fmt.Sprintf("PLAINTEXT://127.0.0.1:%d,CONTROLLER://127.0.0.1:%d", b.Port, b.ControllerPort)},
		{"advertised.listeners", fmt.Sprintf("PLAINTEXT://127.0.0.1:%d", b.Port)},
		{"controller.listener.names", "CONTROLLER"},
		{"inter.broker.listener.name", "PLAINTEXT"},
		{"listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"},
		{"log.dirs", dataDir},
		{"num.partitions", "1"},
		{"default.replication.factor", strconv.Itoa(rf)},
		{"min.insync.replicas", strconv.Itoa(minISR)},
		{"offsets.topic.replication.factor", strconv.Itoa(rf)},
		{"offsets.topic.num.partitions", "4"},
		{"transaction.state.log.replication.factor", strconv.Itoa(rf)},
		{"transaction.state.log.min.isr", strconv.Itoa(minISR)},
		{"transaction.state.log.num.partitions", "4"},
		// Kafka's default, stated: the relay's exactly-once sink asks for transactions of up to
		// 10 min (its transaction.timeout.ms), which must not exceed this.
		{"transaction.max.timeout.ms", "900000"},
		{"share.coordinator.state.topic.replication.factor", strconv.Itoa(rf)},
		{"share.coordinator.state.topic.min.isr", strconv.Itoa(minISR)},
		{"group.initial.rebalance.delay.ms", "0"},
		{"auto.create.topics.enable", "false"},
		// Keep a laptop's disk in check: a day or 1 GiB per partition, whichever comes first.
		{"log.retention.hours", "24"},
		{"log.retention.bytes", "1073741824"},
		{"log.segment.bytes", "268435456"},
	}
	props = append(props, c.eventHubsLimits().BrokerProperties()...)
	var sb strings.Builder
	sb.WriteString("# Written by streamscale local up; changes are overwritten on the next start.\n")
	for _, kv := range props {
		fmt.Fprintf(&sb, "%s=%s\n", kv[0], kv[1])
	}
	return sb.String()
}

// log4jProperties is the log4j2 configuration of the broker and the Flink JVMs: one rolling
// file named by the log.file system property.
func log4jProperties() string { return flinkconf.Log4jProperties() }

// newClusterID returns a Kafka cluster id: 16 random bytes, URL-safe base64 without padding.
// Like Kafka's own Uuid.randomUuid it avoids ids starting with '-', which its CLI would
// mistake for a flag.
func newClusterID() (string, error) {
	for {
		var b [16]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", fmt.Errorf("generate cluster id: %w", err)
		}
		id := base64.RawURLEncoding.EncodeToString(b[:])
		if id[0] != '-' {
			return id, nil
		}
	}
}

// kafkaFormatted reports whether node i's KRaft log directory has been formatted.
func kafkaFormatted(l layout, i int) bool {
	_, err := os.Stat(filepath.Join(l.brokerData(i), "meta.properties"))
	return err == nil
}

// formatArgs are Kafka's StorageTool arguments that format node i's log directory: every node
// with the same cluster id; a single node as a standalone dynamic quorum, three nodes without
// --standalone as their server.properties name the static voters.
func formatArgs(c Config, l layout, i int, clusterID string) []string {
	args := []string{"kafka.tools.StorageTool", "format", "--ignore-formatted", "-t", clusterID, "-c", l.brokerProps(i)}
	if c.brokers() == 1 {
		args = append(args, "--standalone")
	}
	return args
}

// formatKafka runs Kafka's StorageTool to format node i's log directory.
func formatKafka(ctx context.Context, java string, c Config, l layout, i int, clusterID string) error {
	argv := append([]string{"-Xmx256m", "-cp", classpath(c.RuntimeDir, "kafka"),
		"-Dlog4j2.configurationFile=" + l.kafkaLog4j(), "-Dlog.file=" + strings.TrimSuffix(l.brokerLog(i), ".log") + "-format.log"},
		formatArgs(c, l, i, clusterID)...)
	out, err := exec.CommandContext(ctx, java, argv...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("format Kafka storage in %s: %w: %s", l.brokerData(i), err, firstLine(strings.TrimSpace(string(out))))
	}
	return nil
}

// metricsExporterConfig makes the Prometheus JMX exporter serve only the per-topic
// BrokerTopicMetrics counters (kafka_topic_<name>_total{topic=…}): messages and bytes in,
// bytes out, produce and fetch requests, failed requests; and the count and mean of the
// produce and consumer-fetch throttle-time histograms (kafka_request_throttletimems_*).
func metricsExporterConfig() string {
	return `# Written by streamscale local up.
lowercaseOutputName: true
includeObjectNames: ["kafka.server:type=BrokerTopicMetrics,*", "kafka.network:type=RequestMetrics,name=ThrottleTimeMs,*"]
rules:
  - pattern: 'kafka.server<type=BrokerTopicMetrics, name=(\w+), topic=(.+)><>Count'
    name: kafka_topic_$1_total
    type: COUNTER
    labels:
      topic: "$2"
  - pattern: 'kafka.network<type=RequestMetrics, name=ThrottleTimeMs, request=(Produce|FetchConsumer)><>(Count|Mean)'
    name: kafka_request_throttletimems_$2
    type: GAUGE
    labels:
      request: "$1"
`
}

// metricsAgent is the -javaagent flag of the Prometheus JMX exporter, or "" when the runtime
// has no agent jar (an older build): the broker then runs without metrics.
func metricsAgent(c Config, l layout, i int) string {
	jars, _ := filepath.Glob(filepath.Join(c.RuntimeDir, "kafka", "jmx_prometheus_javaagent-*.jar"))
	if len(jars) == 0 {
		return ""
	}
	return fmt.Sprintf("-javaagent:%s=127.0.0.1:%d:%s", jars[0], c.broker(i).MetricsPort, l.kafkaMetrics())
}

// kafkaArgv is node i's command line.
func kafkaArgv(java string, c Config, l layout, i int) []string {
	heap := fmt.Sprintf("%dm", c.KafkaHeapMB)
	argv := []string{java}
	if agent := metricsAgent(c, l, i); agent != "" {
		argv = append(argv, agent)
	}
	return append(argv,
		"-Xms"+heap, "-Xmx"+heap,
		"-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-Djava.awt.headless=true",
		homeMarker(c.Home), "-Dstreamscale.role=kafka",
		"-Dlog4j2.configurationFile="+l.kafkaLog4j(), "-Dlog.file="+l.brokerLog(i),
		"-cp", classpath(c.RuntimeDir, "kafka"),
		"kafka.Kafka", l.brokerProps(i),
	)
}

// classpath is the wildcard classpath of one runtime directory (kafka or flink).
func classpath(runtimeDir, name string) string {
	return filepath.Join(runtimeDir, name, "*")
}

// checkYarnRuntime fails with a build hint when the YARN classpath or the launcher is missing.
func checkYarnRuntime(runtimeDir string) error {
	for _, name := range []string{"yarn", "flink-yarn"} {
		jars, _ := filepath.Glob(filepath.Join(runtimeDir, name, "*.jar"))
		if len(jars) == 0 {
			return fmt.Errorf("no %s jars in %s: run `make build` first (or point --runtime-dir / STREAMSCALE_RUNTIME_DIR at a built runtime)", name, filepath.Join(runtimeDir, name))
		}
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(runtimeDir), "yarn", "yarn-launcher.jar")); err != nil {
		return fmt.Errorf("%s is missing: run `make build` first", filepath.Join(filepath.Dir(runtimeDir), "yarn", "yarn-launcher.jar"))
	}
	return nil
}

// checkRuntime fails with a build hint when the Maven-built classpath directories are missing.
func checkRuntime(runtimeDir string) error {
	for _, name := range []string{"kafka", "flink"} {
		jars, _ := filepath.Glob(filepath.Join(runtimeDir, name, "*.jar"))
		if len(jars) == 0 {
			return fmt.Errorf("no %s jars in %s: run `make build` first (or point --runtime-dir / STREAMSCALE_RUNTIME_DIR at a built runtime)", name, filepath.Join(runtimeDir, name))
		}
	}
	return nil
}
