package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// BrokerPortStride is how far apart the ports of consecutive Kafka nodes are: node i (0-based)
// listens on KafkaPort, ControllerPort and MetricsPort plus i×BrokerPortStride (with the
// defaults 9092/9102/9112, 9093/9103/9113, 9404/9414/9424).
const BrokerPortStride = 10

// SupportedKafkaBrokers are the broker counts `local up --kafka-brokers` accepts: one node (the
// light default) or three (a replicated cluster with a three-voter KRaft quorum; two would lose
// the quorum with either node, more would not fit a laptop).
var SupportedKafkaBrokers = []int{1, 3}

// validBrokers checks a --kafka-brokers value (0: not given).
func validBrokers(n int) error {
	if n == 0 || slices.Contains(SupportedKafkaBrokers, n) {
		return nil
	}
	return fmt.Errorf("kafka-brokers: %d is not supported: use 1 (the default) or 3 (replicated, a three-voter KRaft quorum)", n)
}

// brokers is the number of Kafka nodes (1 when not given).
func (c Config) brokers() int { return max(c.KafkaBrokers, 1) }

// Broker is one KRaft node of the local Kafka: a combined broker and controller.
type Broker struct {
	// Index is the node's place in the stack, from 0; NodeID is Kafka's node.id (Index+1).
	Index  int
	NodeID int32
	// Port, ControllerPort and MetricsPort are its PLAINTEXT listener, its CONTROLLER
	// listener and its Prometheus metrics endpoint, all on 127.0.0.1.
	Port, ControllerPort, MetricsPort int
}

// broker returns node i's identity and ports.
func (c Config) broker(i int) Broker {
	off := i * BrokerPortStride
	return Broker{Index: i, NodeID: int32(i + 1), Port: c.KafkaPort + off, ControllerPort: c.ControllerPort + off, MetricsPort: c.MetricsPort + off}
}

// Address is the broker's host:port for clients.
func (b Broker) Address() string { return "127.0.0.1:" + strconv.Itoa(b.Port) }

// MetricsURL is the broker's Prometheus metrics endpoint.
func (b Broker) MetricsURL() string { return fmt.Sprintf("http://127.0.0.1:%d/metrics", b.MetricsPort) }

// flagSuffix names a node other than the first in a port error ("kafka-port of broker 2").
func (b Broker) flagSuffix() string {
	if b.Index == 0 {
		return ""
	}
	return fmt.Sprintf(" of broker %d (+%d)", b.NodeID, b.Index*BrokerPortStride)
}

// Replication is the replication factor and min.insync.replicas the local Kafka gives every
// topic created without its own (the brokers' default.replication.factor and
// min.insync.replicas) and its internal topics (consumer offsets, transaction state): 1/1 for
// one broker; 3/2 for three, so that a produce with acks=all survives the loss of any one
// broker and fails rather than lose data when two are gone.
func (c Config) Replication() (factor, minISR int) {
	if c.brokers() >= 3 {
		return 3, 2
	}
	return 1, 1
}

// quorumVoters is controller.quorum.voters: every node as id@host:controller-port.
func (c Config) quorumVoters() string {
	voters := make([]string, c.brokers())
	for i := range voters {
		b := c.broker(i)
		voters[i] = fmt.Sprintf("%d@127.0.0.1:%d", b.NodeID, b.ControllerPort)
	}
	return strings.Join(voters, ",")
}

// Node i's files: node 0 keeps the paths of a one-broker stack (kafka/, logs/kafka.log), so
// that a home started before there was a choice works unchanged; node i > 0 has kafka-<id>/ and
// logs/kafka-<id>.log. The log4j2 and metrics-exporter files are shared (kafka/).
func (l layout) brokerDir(i int) string {
	if i == 0 {
		return l.kafkaDir()
	}
	return filepath.Join(l.home, "kafka-"+itoa(i+1))
}

func (l layout) brokerData(i int) string  { return filepath.Join(l.brokerDir(i), "data") }
func (l layout) brokerProps(i int) string { return filepath.Join(l.brokerDir(i), "server.properties") }

func (l layout) brokerLog(i int) string {
	if i == 0 {
		return l.kafkaLog()
	}
	return filepath.Join(l.logDir(), "kafka-"+itoa(i+1)+".log")
}

func (l layout) brokerOut(i int) string {
	if i == 0 {
		return l.kafkaOut()
	}
	return filepath.Join(l.logDir(), "kafka-"+itoa(i+1)+".out")
}

// broker is node i's process record, nil when it never started or was forgotten.
func (s *state) broker(i int) *procRecord {
	if i == 0 {
		return s.Kafka
	}
	if i-1 < len(s.MoreBrokers) {
		return s.MoreBrokers[i-1]
	}
	return nil
}

// setBroker records node i's process (nil: none).
func (s *state) setBroker(i int, p *procRecord) {
	if i == 0 {
		s.Kafka = p
		return
	}
	for len(s.MoreBrokers) < i {
		s.MoreBrokers = append(s.MoreBrokers, nil)
	}
	s.MoreBrokers[i-1] = p
	// Trailing nils say nothing: drop them so a one-broker state stays as it was.
	for len(s.MoreBrokers) > 0 && s.MoreBrokers[len(s.MoreBrokers)-1] == nil {
		s.MoreBrokers = s.MoreBrokers[:len(s.MoreBrokers)-1]
	}
}

// brokerCount is the number of Kafka nodes the recorded stack was started with.
func (s savedConfig) brokerCount() int { return max(s.KafkaBrokers, 1) }

// brokerName names node i of a Kafka of n nodes in progress lines and errors.
func brokerName(n, i int) string {
	if n == 1 {
		return "Kafka broker"
	}
	return "Kafka broker " + itoa(i+1)
}

// resolveBrokers settles how many Kafka nodes this start has and sets it in the stack's
// config: the number the home's Kafka was formatted for (a formatted quorum keeps its voters),
// else --kafka-brokers, else 1. Asking for another number than the formatted one is an error
// naming the fix.
func (s *Stack) resolveBrokers(st *state) error {
	if !kafkaFormatted(s.layout, 0) {
		s.cfg.KafkaBrokers = s.cfg.brokers()
		return nil
	}
	have := st.Config.brokerCount()
	if s.cfg.KafkaBrokers != 0 && s.cfg.KafkaBrokers != have {
		return fmt.Errorf("the Kafka of the local stack in %s is formatted for %d broker(s): delete it with `streamscale local down --purge --home %s` before starting it with --kafka-brokers %d", s.cfg.Home, have, s.cfg.Home, s.cfg.KafkaBrokers)
	}
	s.cfg.KafkaBrokers = have
	return nil
}

// checkBrokerPorts fails early, naming the flag, when a port of node i is taken.
func (s *Stack) checkBrokerPorts(i int) error {
	b, name := s.cfg.broker(i), brokerName(s.cfg.brokers(), i)
	for _, p := range []struct {
		port       int
		what, flag string
	}{
		{b.Port, "the " + name, "--kafka-port"},
		{b.ControllerPort, "the " + name + "'s controller", "--controller-port"},
		{b.MetricsPort, "the " + name + "'s metrics endpoint", "--metrics-port"},
	} {
		flag := p.flag
		if i > 0 {
			flag = fmt.Sprintf("%s (broker %d listens on it + %d)", flag, b.NodeID, i*BrokerPortStride)
		}
		if err := checkPortFree(p.port, p.what, flag); err != nil {
			return err
		}
	}
	return nil
}

// formatBrokers formats, at once, the storage of every node not running that is new (each
// format is a JVM start of a few seconds).
func (s *Stack) formatBrokers(ctx context.Context, java string, st *state, brokerUp []bool, progress io.Writer) error {
	errs := make([]error, len(brokerUp))
	var wg sync.WaitGroup
	for i, up := range brokerUp {
		if up || kafkaFormatted(s.layout, i) {
			continue
		}
		fmt.Fprintf(progress, "formatting Kafka storage in %s\n", s.layout.brokerData(i))
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = formatKafka(ctx, java, s.cfg, s.layout, i, st.ClusterID)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// startBroker starts node i's JVM on its formatted storage.
func (s *Stack) startBroker(ctx context.Context, java string, st *state, i int, progress io.Writer) (int, error) {
	name := brokerName(s.cfg.brokers(), i)
	pid, err := startDetached(kafkaArgv(java, s.cfg, s.layout, i), os.Environ(), s.layout.brokerDir(i), s.layout.brokerOut(i), homeMarker(s.cfg.Home))
	if err != nil {
		return 0, fmt.Errorf("start %s: %w", name, err)
	}
	st.setBroker(i, &procRecord{PID: pid, Log: s.layout.brokerLog(i), Out: s.layout.brokerOut(i)})
	fmt.Fprintf(progress, "started %s (pid %d, log %s)\n", name, pid, s.layout.brokerLog(i))
	return pid, nil
}
