package local

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// checkYarnPorts fails early, naming the flag, when a YARN port is taken.
func (s *Stack) checkYarnPorts(rmUp, nmUp bool) error {
	for _, p := range s.cfg.Yarn.ports() {
		isNM := strings.HasPrefix(p.flag, "yarn-nm-")
		if (isNM && nmUp) || (!isNM && rmUp) {
			continue
		}
		if err := checkPortFree(p.port, p.what, "--"+p.flag); err != nil {
			return err
		}
	}
	return nil
}

// hostWords names a Flink host in a sentence.
func hostWords(flinkOn string) string {
	if flinkOn == FlinkOnYarn {
		return "on YARN"
	}
	return "standalone"
}

// checkPorts fails early, naming the flag, when a port the stack is about to bind is taken:
// those of each broker not running (brokerUp[i] false), and Flink's unless its JobManager runs.
func (s *Stack) checkPorts(brokerUp []bool, jmUp bool) error {
	for i, up := range brokerUp {
		if up {
			continue
		}
		if err := s.checkBrokerPorts(i); err != nil {
			return err
		}
	}
	if !jmUp {
		if err := checkPortFree(s.cfg.FlinkRESTPort, "the Flink REST API", "--flink-rest-port"); err != nil {
			return err
		}
		if err := checkPortFree(s.cfg.FlinkRPCPort, "the Flink JobManager RPC", "--flink-rpc-port"); err != nil {
			return err
		}
		if err := checkPortFree(s.cfg.FlinkMetricsPort, "the Flink JobManager's metrics", "--flink-metrics-port"); err != nil {
			return err
		}
	}
	return nil
}

// writeConfigs (re)writes the Kafka and Flink configuration files.
func (s *Stack) writeConfigs() error {
	files := map[string]string{
		s.layout.kafkaLog4j():                                    log4jProperties(),
		s.layout.kafkaMetrics():                                  metricsExporterConfig(),
		filepath.Join(s.layout.flinkConf(), "config.yaml"):       flinkConfigYAML(s.cfg, s.layout),
		filepath.Join(s.layout.flinkConf(), "log4j2.properties"): log4jProperties(),
	}
	for i := range s.cfg.brokers() {
		if err := os.MkdirAll(s.layout.brokerData(i), 0o755); err != nil {
			return fmt.Errorf("create state directory: %w", err)
		}
		files[s.layout.brokerProps(i)] = kafkaProperties(s.cfg, i, s.layout.brokerData(i))
	}
	for path, content := range files {
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	return nil
}
