package local

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/streamscale/streamscale/internal/flinkconf"
)

// kafkaProperties renders server.properties for one combined broker+controller KRaft node
// bound to loopback. Internal topics get replication factor 1, the only possible value with a
// single node.
func kafkaProperties(c Config, dataDir string) string {
	props := [][2]string{
		{"process.roles", "broker,controller"},
		{"node.id", "1"},
		{"controller.quorum.bootstrap.servers", fmt.Sprintf("127.0.0.1:%d", c.ControllerPort)},
		{"listeners", fmt.Sprintf("PLAINTEXT://127.0.0.1:%d,CONTROLLER://127.0.0.1:%d", c.KafkaPort, c.ControllerPort)},
		{"advertised.listeners", fmt.Sprintf("PLAINTEXT://127.0.0.1:%d", c.KafkaPort)},
		{"controller.listener.names", "CONTROLLER"},
		{"inter.broker.listener.name", "PLAINTEXT"},
		{"listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"},
		{"log.dirs", dataDir},
		{"num.partitions", "1"},
		{"offsets.topic.replication.factor", "1"},
		{"offsets.topic.num.partitions", "4"},
		{"transaction.state.log.replication.factor", "1"},
		{"transaction.state.log.min.isr", "1"},
		{"transaction.state.log.num.partitions", "4"},
		// Kafka's default, stated: the relay's exactly-once sink asks for transactions of up to
		// 10 min (its transaction.timeout.ms), which must not exceed this.
		{"transaction.max.timeout.ms", "900000"},
		{"share.coordinator.state.topic.replication.factor", "1"},
		{"share.coordinator.state.topic.min.isr", "1"},
		{"group.initial.rebalance.delay.ms", "0"},
		{"auto.create.topics.enable", "false"},
		// Keep a laptop's disk in check: a day or 1 GiB per partition, whichever comes first.
		{"log.retention.hours", "24"},
		{"log.retention.bytes", "1073741824"},
		{"log.segment.bytes", "268435456"},
	}
	props = append(props, c.eventHubsLimits().BrokerProperties()...)
	var b strings.Builder
	b.WriteString("# Written by streamscale local up; changes are overwritten on the next start.\n")
	for _, kv := range props {
		fmt.Fprintf(&b, "%s=%s\n", kv[0], kv[1])
	}
	return b.String()
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

// kafkaFormatted reports whether the KRaft log directory has been formatted.
func kafkaFormatted(l layout) bool {
	_, err := os.Stat(filepath.Join(l.kafkaData(), "meta.properties"))
	return err == nil
}

// formatKafka runs Kafka's StorageTool to format the log directory for a standalone KRaft
// controller.
func formatKafka(ctx context.Context, java string, c Config, l layout, clusterID string) error {
	cmd := exec.CommandContext(ctx, java,
		"-Xmx256m", "-cp", classpath(c.RuntimeDir, "kafka"),
		"-Dlog4j2.configurationFile="+l.kafkaLog4j(), "-Dlog.file="+filepath.Join(l.logDir(), "kafka-format.log"),
		"kafka.tools.StorageTool", "format", "--standalone", "--ignore-formatted",
		"-t", clusterID, "-c", l.kafkaProps())
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("format Kafka storage in %s: %w: %s", l.kafkaData(), err, firstLine(strings.TrimSpace(string(out))))
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
func metricsAgent(c Config, l layout) string {
	jars, _ := filepath.Glob(filepath.Join(c.RuntimeDir, "kafka", "jmx_prometheus_javaagent-*.jar"))
	if len(jars) == 0 {
		return ""
	}
	return fmt.Sprintf("-javaagent:%s=127.0.0.1:%d:%s", jars[0], c.MetricsPort, l.kafkaMetrics())
}

// kafkaArgv is the broker's command line.
func kafkaArgv(java string, c Config, l layout) []string {
	heap := fmt.Sprintf("%dm", c.KafkaHeapMB)
	argv := []string{java}
	if agent := metricsAgent(c, l); agent != "" {
		argv = append(argv, agent)
	}
	return append(argv,
		"-Xms"+heap, "-Xmx"+heap,
		"-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-Djava.awt.headless=true",
		homeMarker(c.Home), "-Dstreamscale.role=kafka",
		"-Dlog4j2.configurationFile="+l.kafkaLog4j(), "-Dlog.file="+l.kafkaLog(),
		"-cp", classpath(c.RuntimeDir, "kafka"),
		"kafka.Kafka", l.kafkaProps(),
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
