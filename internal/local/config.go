package local

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/streamscale/streamscale/internal/flinkconf"
	"github.com/streamscale/streamscale/internal/hublimits"
)

// Config describes the local stack. The zero value is not usable; start from DefaultConfig.
type Config struct {
	// Home is the state directory (configuration, data, logs, pids). Default ~/.streamscale.
	Home string
	// RuntimeDir holds the classpath directories kafka/ and flink/ written by the Maven build
	// (default: build/runtime next to the binary's bin/ directory).
	RuntimeDir string
	// JavaHome, when set, is used instead of $JAVA_HOME / the java on $PATH.
	JavaHome string

	// KafkaPort is the broker's PLAINTEXT listener (default 9092).
	KafkaPort int
	// ControllerPort is the KRaft controller listener (default 9093).
	ControllerPort int
	// MetricsPort serves the broker's per-topic metrics in Prometheus format through the
	// JMX exporter agent (default 9404), the independent source of `streamscale report`.
	MetricsPort int
	// FlinkRESTPort serves the Flink REST API and web UI (default 8081).
	FlinkRESTPort int
	// FlinkRPCPort is the JobManager's RPC port (default 6123).
	FlinkRPCPort int
	// FlinkMetricsPort is the first port of Flink's Prometheus reporter (default 9249): the
	// JobManager serves its metrics there and TaskManager i at FlinkMetricsPort+1+i.
	FlinkMetricsPort int

	// KafkaBrokers is the number of KRaft nodes, each a combined broker and controller: 1 or
	// 3 (a three-voter quorum with replicated topics). 0 means what the home was formatted
	// for, else 1. Node i (0-based) listens on KafkaPort, ControllerPort and MetricsPort plus
	// i×BrokerPortStride.
	KafkaBrokers int

	// TaskManagers is the number of TaskManager JVMs (default 1).
	TaskManagers int
	// StandbyTaskManagers are TaskManager JVMs started beyond TaskManagers (default 0), so
	// that a job which loses one restarts at once on their free slots instead of waiting for
	// a new JVM. A running stack keeps the standbys it was started with.
	StandbyTaskManagers int
	// Detection is how fast Flink notices a lost TaskManager (default
	// flinkconf.LoopbackDetection).
	Detection flinkconf.Detection
	// Slots is the number of task slots per TaskManager (default 2).
	Slots int
	// KafkaHeapMB is each broker's JVM heap (default 512).
	KafkaHeapMB int
	// JobManagerMemoryMB is the JobManager's total process memory (default 1024).
	JobManagerMemoryMB int
	// TaskManagerMemoryMB is each TaskManager's total process memory (default 1536).
	TaskManagerMemoryMB int

	// FlinkOn is where the Flink session runs: FlinkStandalone (its own JVMs) or FlinkOnYarn (a
	// YARN application on a local single-node YARN cluster). Empty means what the running stack
	// uses, else standalone.
	FlinkOn string
	// Yarn is the local YARN cluster's settings (FlinkOnYarn only).
	Yarn YarnConfig

	// EventHubsTier, when not 0, makes the broker behave like the Event Hubs Standard namespace
	// of that sample tier (1, 5 or 10): its throughput units' byte rates as client quotas
	// shared by all clients, messages up to 1 MB, no transactions (package hublimits). 0 is no
	// limits; a running broker keeps the tier it was started with.
	EventHubsTier int

	// StartTimeout bounds how long Up waits for the stack to become healthy (default 2m).
	StartTimeout time.Duration
	// StopTimeout is how long Down waits after SIGTERM before SIGKILL (default 20s).
	StopTimeout time.Duration
}

// DefaultConfig returns the defaults: sized for a 2-core / 8 GiB laptop, about 3 GiB in all.
func DefaultConfig() Config {
	return Config{
		Home:                DefaultHome(),
		RuntimeDir:          DefaultRuntimeDir(),
		KafkaPort:           9092,
		ControllerPort:      9093,
		MetricsPort:         9404,
		FlinkRESTPort:       8081,
		FlinkRPCPort:        6123,
		FlinkMetricsPort:    9249,
		TaskManagers:        1,
		Detection:           flinkconf.LoopbackDetection(),
		Slots:               2,
		KafkaHeapMB:         512,
		JobManagerMemoryMB:  1024,
		TaskManagerMemoryMB: 1536,
		Yarn:                DefaultYarnConfig(),
		StartTimeout:        2 * time.Minute,
		StopTimeout:         20 * time.Second,
	}
}

// DefaultHome is $STREAMSCALE_HOME, or ~/.streamscale when that is unset.
func DefaultHome() string {
	if h := os.Getenv("STREAMSCALE_HOME"); h != "" {
		return h
	}
	if u, err := os.UserHomeDir(); err == nil {
		return filepath.Join(u, ".streamscale")
	}
	return ".streamscale"
}

// DefaultRuntimeDir is $STREAMSCALE_RUNTIME_DIR, else build/runtime beside the executable's
// bin/ directory (where `make build` puts it), else ./build/runtime.
func DefaultRuntimeDir() string {
	if d := os.Getenv("STREAMSCALE_RUNTIME_DIR"); d != "" {
		return d
	}
	return filepath.Join(BuildDir(), "runtime")
}

// BuildDir is the directory `make build` writes to: ../build relative to the running
// executable when that exists, else ./build.
func BuildDir() string {
	if exe, err := os.Executable(); err == nil {
		if real, err := filepath.EvalSymlinks(exe); err == nil {
			exe = real
		}
		d := filepath.Join(filepath.Dir(exe), "..", "build")
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return filepath.Clean(d)
		}
	}
	return "build"
}

// Validate checks every setting and names the first bad one.
func (c Config) Validate() error {
	if c.Home == "" {
		return errors.New("home: the state directory must be set (--home or STREAMSCALE_HOME)")
	}
	if err := validBrokers(c.KafkaBrokers); err != nil {
		return err
	}
	switch c.FlinkOn {
	case "", FlinkStandalone, FlinkOnYarn:
	default:
		return fmt.Errorf("flink-on: %q is not a Flink host: use %s or %s", c.FlinkOn, FlinkStandalone, FlinkOnYarn)
	}
	if c.FlinkOn == FlinkOnYarn {
		if err := c.validateYarn(); err != nil {
			return err
		}
	}
	if err := validPorts(c.flagPorts()); err != nil {
		return err
	}
	if _, err := hublimits.ForTier(c.EventHubsTier); err != nil {
		return err
	}
	if err := c.validateSizes(); err != nil {
		return err
	}
	if err := c.Detection.Validate(); err != nil {
		return fmt.Errorf("detection: %w", err)
	}
	return nil
}

// flagPort is a port setting with the flag that sets it.
type flagPort struct {
	name string
	v    int
}

// flagPorts lists every port the stack binds with its flag: each broker's, Flink's, one metrics
// port per Flink process, and YARN's when Flink runs on YARN.
func (c Config) flagPorts() []flagPort {
	var ports []flagPort
	for i := range c.brokers() {
		b := c.broker(i)
		ports = append(ports, []flagPort{{"kafka-port" + b.flagSuffix(), b.Port}, {"controller-port" + b.flagSuffix(), b.ControllerPort}, {"metrics-port" + b.flagSuffix(), b.MetricsPort}}...)
	}
	ports = append(ports, []flagPort{{"flink-rest-port", c.FlinkRESTPort}, {"flink-rpc-port", c.FlinkRPCPort}}...)
	for i := 0; i <= c.allTaskManagers(); i++ {
		ports = append(ports, flagPort{"flink-metrics-port", c.FlinkMetricsPort + i})
	}
	if c.FlinkOn == FlinkOnYarn {
		for _, p := range c.Yarn.ports() {
			ports = append(ports, flagPort{p.flag, p.port})
		}
	}
	return ports
}

// validPorts checks that each port is a TCP port and that no two settings share one.
func validPorts(ports []flagPort) error {
	seen := map[int]string{}
	for _, p := range ports {
		if p.v < 1 || p.v > 65535 {
			return fmt.Errorf("%s: %d is not a TCP port (1-65535)", p.name, p.v)
		}
		if other, dup := seen[p.v]; dup {
			return fmt.Errorf("%s: port %d is also given to %s", p.name, p.v, other)
		}
		seen[p.v] = p.name
	}
	return nil
}

// validateSizes checks the process counts, memory sizes and timeouts.
func (c Config) validateSizes() error {
	switch {
	case c.TaskManagers < 1 || c.TaskManagers > 16:
		return fmt.Errorf("taskmanagers: %d is out of range 1-16", c.TaskManagers)
	case c.StandbyTaskManagers < 0 || c.allTaskManagers() > 16:
		return fmt.Errorf("standby-taskmanagers: %d is out of range 0-%d (at most 16 TaskManagers in all)", c.StandbyTaskManagers, 16-c.TaskManagers)
	case c.StandbyTaskManagers > 0 && c.FlinkOn == FlinkOnYarn:
		return errors.New("standby-taskmanagers: Flink on YARN starts its TaskManagers itself; use --standby-taskmanagers with the standalone Flink only")
	case c.Slots < 1 || c.Slots > 64:
		return fmt.Errorf("slots: %d is out of range 1-64", c.Slots)
	case c.KafkaHeapMB < 128:
		return fmt.Errorf("kafka-heap: %d MB is below the minimum of 128 MB", c.KafkaHeapMB)
	case c.JobManagerMemoryMB < 768:
		return fmt.Errorf("jobmanager-memory: %d MB is below Flink's workable minimum of 768 MB", c.JobManagerMemoryMB)
	case c.TaskManagerMemoryMB < 1024:
		return fmt.Errorf("taskmanager-memory: %d MB is below Flink's workable minimum of 1024 MB", c.TaskManagerMemoryMB)
	case c.StartTimeout <= 0:
		return fmt.Errorf("start-timeout: %s must be positive", c.StartTimeout)
	case c.StopTimeout <= 0:
		return fmt.Errorf("stop-timeout: %s must be positive", c.StopTimeout)
	}
	return nil
}

// validateYarn checks the YARN cluster's sizes against what the Flink session asks of it.
func (c Config) validateYarn() error {
	need := c.JobManagerMemoryMB + c.TaskManagers*c.TaskManagerMemoryMB
	switch {
	case c.Yarn.RMHeapMB < 128 || c.Yarn.NMHeapMB < 128:
		return fmt.Errorf("yarn-rm-heap-mb/yarn-nm-heap-mb: %d/%d MB is below the minimum of 128 MB", c.Yarn.RMHeapMB, c.Yarn.NMHeapMB)
	case c.Yarn.NMVcores < 1:
		return fmt.Errorf("yarn-nm-vcores: %d must be at least 1", c.Yarn.NMVcores)
	case c.Yarn.NMMemoryMB < need:
		return fmt.Errorf("yarn-nm-memory-mb: %d MB cannot hold the JobManager (%d MB) and %d TaskManager(s) of %d MB: raise --yarn-nm-memory-mb to at least %d", c.Yarn.NMMemoryMB, c.JobManagerMemoryMB, c.TaskManagers, c.TaskManagerMemoryMB, need)
	}
	return nil
}

// FlinkMetricsURLs are the Prometheus endpoints of Flink's reporter: the JobManager's first,
// then each TaskManager's.
func (c Config) FlinkMetricsURLs() []string {
	urls := make([]string, 0, c.allTaskManagers()+1)
	for i := 0; i <= c.allTaskManagers(); i++ {
		urls = append(urls, fmt.Sprintf("http://127.0.0.1:%d/metrics", c.FlinkMetricsPort+i))
	}
	return urls
}

// FlinkMetricsPortRangeSize is how many ports from FlinkMetricsPort the reporters of a Flink
// on YARN may take (the first free one each): its `metrics.reporter.prom.port` range.
const FlinkMetricsPortRangeSize = 17

// FlinkMetricsPortRange is every endpoint a reporter of Flink on YARN may listen on.
func (c Config) FlinkMetricsPortRange() []string {
	urls := make([]string, 0, FlinkMetricsPortRangeSize)
	for i := 0; i < FlinkMetricsPortRangeSize; i++ {
		urls = append(urls, fmt.Sprintf("http://127.0.0.1:%d/metrics", c.FlinkMetricsPort+i))
	}
	return urls
}

// KafkaBootstrap is the comma-separated list of every broker's address, the form clients
// take (bootstrap.servers, --brokers).
func (c Config) KafkaBootstrap() string {
	addrs := make([]string, c.brokers())
	for i := range addrs {
		addrs[i] = c.broker(i).Address()
	}
	return strings.Join(addrs, ",")
}

// MetricsURL is the first broker's Prometheus metrics endpoint.
func (c Config) MetricsURL() string { return c.broker(0).MetricsURL() }

// KafkaMetricsURLs are every broker's Prometheus metrics endpoints: a topic's counters are
// the sum over them (each broker counts what it leads).
func (c Config) KafkaMetricsURLs() []string {
	urls := make([]string, c.brokers())
	for i := range urls {
		urls[i] = c.broker(i).MetricsURL()
	}
	return urls
}

// FlinkURL is the base URL of the Flink REST API and web UI.
func (c Config) FlinkURL() string { return fmt.Sprintf("http://127.0.0.1:%d", c.FlinkRESTPort) }
