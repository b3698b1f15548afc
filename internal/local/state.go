package local

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// stateVersion is the layout version of a home directory. Bump it when the files a stack
// writes change incompatibly; an older home then gets a clear error instead of a broken start.
const stateVersion = 1

// state is what a stack records in stack.json: the settings it was started with and the
// processes it runs.
type state struct {
	Version   int         `json:"version"`
	ClusterID string      `json:"clusterId"`
	Config    savedConfig `json:"config"`
	// Kafka is the first Kafka node's process, MoreBrokers the others' (node i+2 at i; nil
	// for one that is not running).
	Kafka        *procRecord   `json:"kafka,omitempty"`
	MoreBrokers  []*procRecord `json:"moreBrokers,omitempty"`
	JobManager   *procRecord   `json:"jobmanager,omitempty"`
	TaskManagers []procRecord  `json:"taskmanagers,omitempty"`
	// ResourceManager and NodeManager are the local YARN cluster's daemons (Flink on YARN).
	ResourceManager *procRecord `json:"resourcemanager,omitempty"`
	NodeManager     *procRecord `json:"nodemanager,omitempty"`
	// YarnSession is the Flink session running as a YARN application.
	YarnSession *yarnSession `json:"yarnSession,omitempty"`
}

// yarnSession is the Flink session deployed to the local YARN cluster.
type yarnSession struct {
	ApplicationID string `json:"applicationId"`
	RESTURL       string `json:"restUrl"`
}

// savedConfig is the part of Config that must stay fixed while any process of the stack runs.
type savedConfig struct {
	KafkaPort      int `json:"kafkaPort"`
	ControllerPort int `json:"controllerPort"`
	MetricsPort    int `json:"metricsPort"`
	FlinkRESTPort  int `json:"flinkRestPort"`
	FlinkRPCPort   int `json:"flinkRpcPort"`
	// FlinkMetricsPort is absent in stacks started before Flink's Prometheus reporter.
	FlinkMetricsPort int `json:"flinkMetricsPort,omitempty"`
	Slots            int `json:"slots"`
	// KafkaBrokers is the number of Kafka nodes the home was formatted for (absent: 1).
	KafkaBrokers int `json:"kafkaBrokers,omitempty"`
	// StandbyTaskManagers is Config.StandbyTaskManagers (absent: none).
	StandbyTaskManagers int `json:"standbyTaskmanagers,omitempty"`
	// FlinkOn is where Flink runs (absent: standalone); Yarn the YARN cluster's ports.
	FlinkOn string     `json:"flinkOn,omitempty"`
	Yarn    *savedYarn `json:"yarn,omitempty"`
	// EventHubsTier is the Event Hubs tier the broker emulates (absent: none).
	EventHubsTier int `json:"eventHubsTier,omitempty"`
}

// savedYarn is the part of YarnConfig fixed while the YARN cluster runs.
type savedYarn struct {
	RMPort          int `json:"rmPort"`
	RMSchedulerPort int `json:"rmSchedulerPort"`
	RMTrackerPort   int `json:"rmTrackerPort"`
	RMAdminPort     int `json:"rmAdminPort"`
	RMWebPort       int `json:"rmWebPort"`
	NMWebPort       int `json:"nmWebPort"`
	NMLocalizerPort int `json:"nmLocalizerPort"`
	TaskManagers    int `json:"taskmanagers"`
}

// flinkOn is where the recorded stack runs Flink.
func (s savedConfig) flinkOn() string {
	if s.FlinkOn == "" {
		return FlinkStandalone
	}
	return s.FlinkOn
}

// procRecord identifies one JVM the stack started.
type procRecord struct {
	PID int    `json:"pid"`
	Log string `json:"log"`
	Out string `json:"out"`
}

// slots is how many task slots the recorded TaskManagers bring together once registered.
func (s *state) slots() int { return len(s.TaskManagers) * max(s.Config.Slots, 1) }

func saved(c Config) savedConfig {
	sc := savedConfig{
		KafkaPort: c.KafkaPort, ControllerPort: c.ControllerPort, MetricsPort: c.MetricsPort,
		FlinkRESTPort: c.FlinkRESTPort, FlinkRPCPort: c.FlinkRPCPort, FlinkMetricsPort: c.FlinkMetricsPort, Slots: c.Slots,
		StandbyTaskManagers: c.StandbyTaskManagers,
		EventHubsTier:       c.EventHubsTier,
	}
	if c.brokers() > 1 {
		sc.KafkaBrokers = c.brokers()
	}
	if c.FlinkOn == FlinkOnYarn {
		y := c.Yarn
		sc.FlinkOn = FlinkOnYarn
		sc.Yarn = &savedYarn{RMPort: y.RMPort, RMSchedulerPort: y.RMSchedulerPort, RMTrackerPort: y.RMTrackerPort, RMAdminPort: y.RMAdminPort,
			RMWebPort: y.RMWebPort, NMWebPort: y.NMWebPort, NMLocalizerPort: y.NMLocalizerPort, TaskManagers: c.TaskManagers}
	}
	return sc
}

func (s savedConfig) apply(c *Config) {
	c.KafkaPort, c.ControllerPort = s.KafkaPort, s.ControllerPort
	if s.MetricsPort != 0 { // absent in stacks started before the metrics agent
		c.MetricsPort = s.MetricsPort
	}
	c.FlinkRESTPort, c.FlinkRPCPort, c.Slots = s.FlinkRESTPort, s.FlinkRPCPort, s.Slots
	if s.FlinkMetricsPort != 0 {
		c.FlinkMetricsPort = s.FlinkMetricsPort
	}
	c.FlinkOn = s.flinkOn()
	c.KafkaBrokers = s.brokerCount()
	if y := s.Yarn; y != nil {
		c.Yarn.RMPort, c.Yarn.RMSchedulerPort, c.Yarn.RMTrackerPort, c.Yarn.RMAdminPort = y.RMPort, y.RMSchedulerPort, y.RMTrackerPort, y.RMAdminPort
		c.Yarn.RMWebPort, c.Yarn.NMWebPort, c.Yarn.NMLocalizerPort = y.RMWebPort, y.NMWebPort, y.NMLocalizerPort
		if y.TaskManagers > 0 {
			c.TaskManagers = y.TaskManagers
		}
	}
}

// loadState reads stack.json; a missing file yields (nil, nil).
func loadState(l layout) (*state, error) {
	b, err := os.ReadFile(l.stateFile())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read stack state: %w", err)
	}
	var s state
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("stack state %s is corrupt (%v): remove the directory %s or use another --home", l.stateFile(), err, l.home)
	}
	if s.Version != stateVersion {
		return nil, fmt.Errorf("state directory %s was written by another streamscale version (layout %d, this one uses %d): run `streamscale local down --purge --home %s` or use another --home", l.home, s.Version, stateVersion, l.home)
	}
	return &s, nil
}

// save writes stack.json atomically (write to a temp file, then rename).
func (s *state) save(l layout) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encode stack state: %w", err)
	}
	tmp := l.stateFile() + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write stack state: %w", err)
	}
	if err := os.Rename(tmp, l.stateFile()); err != nil {
		return fmt.Errorf("write stack state: %w", err)
	}
	return nil
}
