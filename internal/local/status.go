package local

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/streamscale/streamscale/internal/hublimits"
)

// Status is what `streamscale local status` reports; its JSON shape is part of the CLI's
// contract.
type Status struct {
	Home string `json:"home"`
	// FlinkOn is where Flink runs: standalone or yarn.
	FlinkOn string      `json:"flinkOn"`
	Kafka   KafkaStatus `json:"kafka"`
	Flink   FlinkStatus `json:"flink"`
	// Yarn describes the local YARN cluster (Flink on YARN only).
	Yarn *YarnStatus `json:"yarn,omitempty"`
}

// YarnStatus describes the local YARN cluster, its applications and their containers.
type YarnStatus struct {
	ResourceManagerURL     string            `json:"resourcemanager"`
	NodeManagerURL         string            `json:"nodemanager"`
	ResourceManagerPID     int               `json:"resourcemanagerPid"`
	ResourceManagerRunning bool              `json:"resourcemanagerRunning"`
	NodeManagerPID         int               `json:"nodemanagerPid"`
	NodeManagerRunning     bool              `json:"nodemanagerRunning"`
	NodesRunning           int               `json:"nodesRunning"`
	Healthy                bool              `json:"healthy"`
	ResourceManagerLog     string            `json:"resourcemanagerLog"`
	NodeManagerLog         string            `json:"nodemanagerLog"`
	Applications           []YarnApplication `json:"applications"`
	Error                  string            `json:"error,omitempty"`
}

// YarnApplication is one YARN application that has not ended.
type YarnApplication struct {
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	State       string          `json:"state"`
	FinalStatus string          `json:"finalStatus"`
	TrackingURL string          `json:"trackingUrl"`
	FlinkREST   string          `json:"flinkRest,omitempty"`
	Containers  []YarnContainer `json:"containers"`
}

// YarnContainer is one container of an application on the local NodeManager.
type YarnContainer struct {
	ID       string `json:"id"`
	State    string `json:"state"`
	MemoryMB int64  `json:"memoryMB"`
	PID      int    `json:"pid"`
	Log      string `json:"logDir"`
}

// KafkaStatus describes the Kafka cluster. Bootstrap lists every broker; ControllerPort,
// MetricsURL, PID and Log are the first broker's (the only one by default), Brokers describes
// each.
type KafkaStatus struct {
	Bootstrap      string `json:"bootstrap"`
	ControllerPort int    `json:"controllerPort"`
	MetricsURL     string `json:"metrics"`
	PID            int    `json:"pid"`
	// Running says any broker runs; Healthy that every broker runs and is registered.
	Running bool   `json:"running"`
	Healthy bool   `json:"healthy"`
	Log     string `json:"log"`
	Error   string `json:"error,omitempty"`
	// ReplicationFactor and MinInsyncReplicas are the brokers' defaults for new topics.
	ReplicationFactor int `json:"replicationFactor"`
	MinInsyncReplicas int `json:"minInsyncReplicas"`
	// ActiveController is the node id of the KRaft quorum's leader (0: unknown).
	ActiveController int32          `json:"activeController,omitempty"`
	Brokers          []BrokerStatus `json:"brokers"`
	// EventHubs is the Event Hubs Standard tier the broker was started to emulate (absent:
	// none).
	EventHubs *hublimits.Limits `json:"eventHubs,omitempty"`
}

// BrokerStatus describes one Kafka node (a combined broker and controller).
type BrokerStatus struct {
	NodeID int32 `json:"nodeId"`
	// Address is host:Port, the client listener; ControllerPort the KRaft listener;
	// MetricsURL the Prometheus endpoint on MetricsPort.
	Address        string `json:"address"`
	Port           int    `json:"port"`
	ControllerPort int    `json:"controllerPort"`
	MetricsPort    int    `json:"metricsPort"`
	MetricsURL     string `json:"metrics"`
	PID            int    `json:"pid"`
	Running        bool   `json:"running"`
	// Registered says the cluster's metadata lists the broker and it answers a request of its
	// own (so a killed one's registration, kept until it is fenced, does not count).
	Registered bool `json:"registered"`
	// ActiveController says it leads the KRaft quorum.
	ActiveController bool `json:"activeController"`
	// Leaders are the partitions it leads, "topic/partition" (internal topics left out).
	Leaders []string `json:"leaders"`
	Log     string   `json:"log"`
}

// FlinkStatus describes the Flink session cluster.
type FlinkStatus struct {
	REST    string `json:"rest"`
	RPCPort int    `json:"rpcPort"`
	// JobManagerMetrics and TaskManagerMetrics are the Prometheus endpoints of Flink's
	// reporter ("" and none for a stack started before it was configured).
	JobManagerMetrics  string   `json:"jobmanagerMetrics"`
	TaskManagerMetrics []string `json:"taskmanagerMetrics"`
	JobManagerPID      int      `json:"jobmanagerPid"`
	JobManagerRunning  bool     `json:"jobmanagerRunning"`
	TaskManagerPIDs    []int    `json:"taskmanagerPids"`
	// TaskManagerResourceIDs are the running TaskManagers' ids in Flink (its REST API's
	// taskmanager-id), in the order of TaskManagerPIDs ("" where unknown).
	TaskManagerResourceIDs []string `json:"taskmanagerResourceIds"`
	// StandbyTaskManagers is how many of the TaskManagers the stack keeps as spares
	// (`local up --standby-taskmanagers`): any of them may hold a job's tasks after a failover.
	StandbyTaskManagers    int      `json:"standbyTaskmanagers"`
	TaskManagersRunning    int      `json:"taskmanagersRunning"`
	TaskManagersRegistered int      `json:"taskmanagersRegistered"`
	SlotsTotal             int      `json:"slotsTotal"`
	SlotsAvailable         int      `json:"slotsAvailable"`
	Healthy                bool     `json:"healthy"`
	JobManagerLog          string   `json:"jobmanagerLog"`
	TaskManagerLogs        []string `json:"taskmanagerLogs"`
	Error                  string   `json:"error,omitempty"`
}

// Running reports whether any process of the stack runs.
func (s Status) Running() bool {
	yarnUp := s.Yarn != nil && (s.Yarn.ResourceManagerRunning || s.Yarn.NodeManagerRunning)
	return s.Kafka.Running || s.Flink.JobManagerRunning || s.Flink.TaskManagersRunning > 0 || yarnUp
}

// Healthy reports whether the broker and the Flink cluster both answer (and YARN, under it).
func (s Status) Healthy() bool {
	return s.Kafka.Healthy && s.Flink.Healthy && (s.Yarn == nil || s.Yarn.Healthy)
}

// Status reads the recorded state and probes each part. A home without a stack yields a Status
// with nothing running.
func (s *Stack) Status(ctx context.Context) (Status, error) {
	st, err := loadState(s.layout)
	if err != nil {
		return Status{}, err
	}
	if st == nil {
		st = &state{Config: saved(s.cfg)}
	}
	st.Config.apply(&s.cfg)
	return s.statusOf(ctx, st), nil
}

func (s *Stack) statusOf(ctx context.Context, st *state) Status {
	marker := homeMarker(s.cfg.Home)
	out := Status{
		Home: s.cfg.Home, FlinkOn: st.Config.flinkOn(),
		Kafka: s.kafkaStatus(ctx, st),
		Flink: FlinkStatus{
			REST: s.cfg.FlinkURL(), RPCPort: s.cfg.FlinkRPCPort, JobManagerLog: s.layout.jobManagerLog(),
			TaskManagerPIDs: []int{}, TaskManagerLogs: []string{}, TaskManagerMetrics: []string{}, TaskManagerResourceIDs: []string{},
			StandbyTaskManagers: st.Config.StandbyTaskManagers,
		},
	}
	if st.Config.FlinkMetricsPort != 0 {
		out.Flink.JobManagerMetrics = s.cfg.FlinkMetricsURLs()[0]
	}
	if l, err := hublimits.ForTier(st.Config.EventHubsTier); err == nil && l.Enabled() {
		out.Kafka.EventHubs = &l
	}
	if st.Config.flinkOn() == FlinkOnYarn {
		s.yarnFlinkStatus(ctx, st, &out)
		return out
	}
	for _, tm := range st.TaskManagers {
		if processAlive(tm.PID, marker) {
			out.Flink.TaskManagerPIDs = append(out.Flink.TaskManagerPIDs, tm.PID)
			out.Flink.TaskManagerLogs = append(out.Flink.TaskManagerLogs, tm.Log)
			id := ""
			if i := s.taskManagerIndex(tm.Log); i >= 0 {
				id = taskManagerResourceID(i)
			}
			out.Flink.TaskManagerResourceIDs = append(out.Flink.TaskManagerResourceIDs, id)
			if i := s.taskManagerIndex(tm.Log); i >= 0 && st.Config.FlinkMetricsPort != 0 {
				out.Flink.TaskManagerMetrics = append(out.Flink.TaskManagerMetrics,
					fmt.Sprintf("http://127.0.0.1:%d/metrics", taskManagerMetricsPort(s.cfg, i)))
			}
		}
	}
	out.Flink.TaskManagersRunning = len(out.Flink.TaskManagerPIDs)
	if st.JobManager != nil && processAlive(st.JobManager.PID, marker) {
		out.Flink.JobManagerPID, out.Flink.JobManagerRunning = st.JobManager.PID, true
		pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		h, err := s.probe.Flink(pctx, out.Flink.REST)
		cancel()
		if err != nil {
			out.Flink.Error = err.Error()
		} else {
			out.Flink.TaskManagersRegistered = h.TaskManagers
			out.Flink.SlotsTotal, out.Flink.SlotsAvailable = h.SlotsTotal, h.SlotsAvailable
			out.Flink.Healthy = flinkHealthy(out.Flink.TaskManagersRunning, len(st.TaskManagers), st.slots(), h)
		}
	}
	return out
}

// yarnFlinkStatus fills in the YARN cluster and the Flink session running on it: the
// JobManager is the application's first container, the TaskManagers the others.
func (s *Stack) yarnFlinkStatus(ctx context.Context, st *state, out *Status) {
	out.Yarn = s.yarnStatusOf(ctx, st)
	// YARN picks the JobManager's ports; its metrics port is the first free one of a range.
	out.Flink.REST, out.Flink.RPCPort, out.Flink.JobManagerLog, out.Flink.JobManagerMetrics = "", 0, "", ""
	if st.YarnSession == nil {
		return
	}
	out.Flink.REST = st.YarnSession.RESTURL
	var app *YarnApplication
	for i := range out.Yarn.Applications {
		if out.Yarn.Applications[i].ID == st.YarnSession.ApplicationID {
			app = &out.Yarn.Applications[i]
		}
	}
	if app == nil || app.State != "RUNNING" {
		out.Flink.Error = "YARN application " + st.YarnSession.ApplicationID + " is not running"
		return
	}
	if app.FlinkREST != "" {
		out.Flink.REST = app.FlinkREST
	}
	out.Flink.JobManagerRunning = true
	for _, c := range app.Containers {
		if c.State != "RUNNING" {
			continue
		}
		if isAMContainer(c.ID) {
			out.Flink.JobManagerPID, out.Flink.JobManagerLog = c.PID, filepath.Join(c.Log, "jobmanager.log")
			continue
		}
		out.Flink.TaskManagerPIDs = append(out.Flink.TaskManagerPIDs, c.PID)
		out.Flink.TaskManagerLogs = append(out.Flink.TaskManagerLogs, filepath.Join(c.Log, "taskmanager.log"))
	}
	out.Flink.TaskManagersRunning = len(out.Flink.TaskManagerPIDs)
	pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	h, err := s.probe.Flink(pctx, out.Flink.REST)
	cancel()
	if err != nil {
		out.Flink.Error = err.Error()
		return
	}
	out.Flink.TaskManagersRegistered = h.TaskManagers
	out.Flink.SlotsTotal, out.Flink.SlotsAvailable = h.SlotsTotal, h.SlotsAvailable
	want := s.cfg.TaskManagers
	out.Flink.Healthy = h.TaskManagers >= want && h.SlotsTotal >= want*max(s.cfg.Slots, 1)
}

// flinkHealthy reports whether every recorded TaskManager runs, has registered (a dead one's
// registration is replaced by its successor's, as they share a resource id) and has reported
// its slots: the JobManager counts a TaskManager before its slots, and a job submitted in
// between would wait for slots the stack does have.
func flinkHealthy(running, recorded, slots int, h FlinkHealth) bool {
	return running > 0 && running == recorded && h.TaskManagers >= running && h.SlotsTotal >= slots
}

// Down stops every process of the stack by its recorded pid: SIGTERM, then SIGKILL after the
// stop timeout. With purge it also deletes the home directory (data, logs, configuration).
func (s *Stack) Down(ctx context.Context, purge bool, progress io.Writer) error {
	if progress == nil {
		progress = io.Discard
	}
	if _, err := os.Stat(s.layout.home); os.IsNotExist(err) {
		return nil
	}
	unlock, err := lockHome(s.layout)
	if err != nil {
		return err
	}
	defer unlock()
	st, err := loadState(s.layout)
	if err != nil && !purge {
		return err
	}
	if st != nil {
		marker := homeMarker(s.cfg.Home)
		st.Config.apply(&s.cfg)
		// The Flink session through YARN first, then YARN itself.
		if err := s.stopYarn(ctx, st, progress); err != nil {
			return err
		}
		// TaskManagers first, then the JobManager, then the broker the job reads from.
		procs := allProcs(st)
		for i := len(procs) - 1; i >= 0; i-- {
			p := procs[i]
			if !processAlive(p.rec.PID, marker) {
				continue
			}
			fmt.Fprintf(progress, "stopping %s (pid %d)\n", p.name, p.rec.PID)
			if err := stopProcess(ctx, p.rec.PID, marker, s.cfg.StopTimeout); err != nil {
				return fmt.Errorf("stop %s: %w", p.name, err)
			}
		}
		st.Kafka, st.MoreBrokers, st.JobManager, st.TaskManagers = nil, nil, nil, nil
		st.ResourceManager, st.NodeManager, st.YarnSession = nil, nil, nil
		if !purge {
			if err := st.save(s.layout); err != nil {
				return err
			}
		}
	}
	if purge && st == nil {
		// No readable record of pids (a state file from another version, or a corrupt one):
		// stop whatever still runs with this home's marker before its files go away, or it
		// would hold its ports with nothing left to find it by.
		marker := homeMarker(s.cfg.Home)
		for _, pid := range processesWithMarker(marker) {
			fmt.Fprintf(progress, "stopping unrecorded process %d of %s\n", pid, s.cfg.Home)
			if err := stopProcess(ctx, pid, marker, s.cfg.StopTimeout); err != nil {
				return fmt.Errorf("stop process %d: %w", pid, err)
			}
		}
	}
	if purge {
		unlock()
		if err := os.RemoveAll(s.layout.home); err != nil {
			return fmt.Errorf("remove %s: %w", s.layout.home, err)
		}
		fmt.Fprintf(progress, "removed %s\n", s.layout.home)
	}
	return nil
}

// taskManagerIndex is the slot number i of a TaskManager from its log file, -1 if none matches.
func (s *Stack) taskManagerIndex(log string) int {
	for i := 0; i < 64; i++ {
		if s.layout.taskManagerLog(i) == log {
			return i
		}
	}
	return -1
}
