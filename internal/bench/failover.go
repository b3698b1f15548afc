package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/flink"
	"github.com/streamscale/streamscale/internal/flinkconf"
	"github.com/streamscale/streamscale/internal/generate"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/pipeline"
	"github.com/streamscale/streamscale/internal/relay"
	"github.com/streamscale/streamscale/internal/verify"
)

// FailoverSettings are the settings of the local stack that decide how fast a job survives
// the loss of a TaskManager.
type FailoverSettings struct {
	// Name is the preset's: baseline or tuned.
	Name string `json:"name"`
	// StandbyTaskManagers are spare TaskManager JVMs (local up --standby-taskmanagers).
	StandbyTaskManagers int `json:"standbyTaskmanagers"`
	// Detection is Flink's heartbeat settings.
	Detection flinkconf.Detection `json:"-"`
}

// The failover presets.
const (
	// SettingsBaseline is the local stack before issue 19: no standby TaskManager, heartbeats
	// every 2 s, 10 s timeout, Flink's default RPC-failure threshold (2).
	SettingsBaseline = "baseline"
	// SettingsTuned is the local stack's defaults with one standby TaskManager.
	SettingsTuned = "tuned"
)

// FailoverPreset returns the named preset.
func FailoverPreset(name string) (FailoverSettings, error) {
	switch name {
	case SettingsBaseline:
		return FailoverSettings{Name: name, Detection: flinkconf.Detection{Interval: 2 * time.Second, Timeout: 10 * time.Second, RPCFailureThreshold: 2}}, nil
	case SettingsTuned:
		return FailoverSettings{Name: name, StandbyTaskManagers: 1, Detection: flinkconf.LoopbackDetection()}, nil
	}
	return FailoverSettings{}, fmt.Errorf("%q is not a settings preset: use %s or %s", name, SettingsBaseline, SettingsTuned)
}

// FailoverConfig is one `bench failover`.
type FailoverConfig struct {
	// Stack is the local stack's configuration (home, ports, sizes); Settings decide its
	// standbys and detection when the benchmark starts it.
	Stack    local.Config
	Settings FailoverSettings
	// Job builds the relay's spec for a kill's topics (guarantee, checkpoints, restart).
	Job func(kafka kafkaconn.Conn, topics pipeline.Topics) relay.Spec
	// Kills is how many TaskManagers are killed, one per run of the load (default 5).
	Kills int
	// Rate is the load in events/s (default 3,000) for Duration (default 30 s) per kill; the
	// kill comes once the output holds KillAfter's worth of the load (default a third of
	// Duration).
	Rate      float64
	Duration  time.Duration
	KillAfter time.Duration
	// Partitions of each kill's topics, and the job's parallelism (default 2).
	Partitions int32
	// DrainIdle is how long to wait for the next event in the output before verifying
	// (default 30 s).
	DrainIdle time.Duration
}

func (c *FailoverConfig) defaults() {
	if c.Kills <= 0 {
		c.Kills = 5
	}
	if c.Rate <= 0 {
		c.Rate = 3000
	}
	if c.Duration <= 0 {
		c.Duration = 30 * time.Second
	}
	if c.KillAfter <= 0 {
		c.KillAfter = c.Duration / 3
	}
	if c.Partitions <= 0 {
		c.Partitions = 2
	}
	if c.DrainIdle <= 0 {
		c.DrainIdle = 30 * time.Second
	}
}

// Kill is one TaskManager killed under load and what the output saw.
type Kill struct {
	// TaskManager is the killed one's Flink resource id, PID its process, Subtasks how many
	// of the job's subtasks it ran.
	TaskManager string `json:"taskmanager"`
	PID         int    `json:"pid"`
	Subtasks    int    `json:"subtasks"`
	// At is when SIGKILL was sent.
	At time.Time `json:"at"`
	// DetectedMs is how long after the kill the JobManager's log says the TaskManager was
	// lost, and DetectedBy how: "rpc-failure" (its heartbeat RPCs failed: "no longer
	// reachable") or "heartbeat-timeout" ("" and -1 when the log does not say).
	DetectedMs int64  `json:"detectedMs"`
	DetectedBy string `json:"detectedBy"`
	// Stall is the output's longest gap around the kill.
	Stall Stall `json:"stall"`
	// BackAfterMs is how long `local up` took to bring the stack back to its TaskManagers.
	BackAfterMs int64 `json:"backAfterMs"`
	// JobID, Missing and Duplicates are the run's job and the verifier's counts.
	JobID      string `json:"jobId"`
	Events     int64  `json:"events"`
	Missing    int64  `json:"missing"`
	Duplicates int64  `json:"duplicates"`
	// RunDir is where the run is recorded (run.json, report.html).
	RunDir string `json:"runDir"`
}

// FailoverResult is a whole `bench failover`.
type FailoverResult struct {
	Guarantee string           `json:"guarantee"`
	Rate      float64          `json:"rate"`
	Settings  FailoverSettings `json:"settings"`
	// Flink is the cluster's failover settings as its JobManager reports them
	// (/jobmanager/config), and the job's restart strategy as the benchmark asked for it.
	Flink   map[string]string `json:"flink"`
	Restart string            `json:"restart"`
	// CheckpointIntervalMs is the job's.
	CheckpointIntervalMs int64  `json:"checkpointIntervalMs"`
	Kills                []Kill `json:"kills"`
	// StallP50Ms and StallMaxMs summarise the stalls of the kills the output recovered from;
	// Unrecovered counts the others (events missing after the drain).
	StallP50Ms  int64 `json:"stallP50Ms"`
	StallMaxMs  int64 `json:"stallMaxMs"`
	Unrecovered int   `json:"unrecovered"`
	// Missing sums the kills'.
	Missing int64 `json:"missing"`
	// LoadAvg is /proc/loadavg's 1-minute figure before and after: the machine's load.
	LoadAvg [2]float64 `json:"loadAvg"`
}

// flinkFailoverKeys are the cluster settings a result records.
var flinkFailoverKeys = []string{"heartbeat.interval", "heartbeat.timeout", "heartbeat.rpc-failure-threshold", "jobmanager.execution.failover-strategy"}

// Failover kills a TaskManager that runs the relay's tasks, cfg.Kills times, each during a
// run of the load on fresh topics with a fresh job (so every kill is the job's first failure:
// an exponential-delay restart strategy grows its backoff with each failure within an hour),
// brings the TaskManager back with local up, and measures the output's stall from the
// broker's append times; the verifier checks that nothing went missing.
func Failover(ctx context.Context, cfg FailoverConfig, progress io.Writer) (FailoverResult, error) {
	cfg.defaults()
	if progress == nil {
		progress = io.Discard
	}
	if cfg.Job == nil {
		return FailoverResult{}, errors.New("bench failover: no job")
	}
	cfg.Stack.StandbyTaskManagers, cfg.Stack.Detection = cfg.Settings.StandbyTaskManagers, cfg.Settings.Detection
	stack, err := local.New(cfg.Stack, nil)
	if err != nil {
		return FailoverResult{}, err
	}
	status, err := stack.Status(ctx)
	if err != nil {
		return FailoverResult{}, err
	}
	if !status.Flink.JobManagerRunning {
		if status, err = stack.Up(ctx, progress); err != nil {
			return FailoverResult{}, fmt.Errorf("local up: %w", err)
		}
	}
	fc, err := flink.New(status.Flink.REST)
	if err != nil {
		return FailoverResult{}, err
	}
	conf, err := fc.ClusterConfig(ctx)
	if err != nil {
		return FailoverResult{}, err
	}
	res := FailoverResult{Rate: cfg.Rate, Settings: cfg.Settings, Flink: map[string]string{}}
	for _, k := range flinkFailoverKeys {
		res.Flink[k] = conf[k]
	}
	if err := checkSettings(cfg.Settings, status, conf, cfg.Stack.Home); err != nil {
		return FailoverResult{}, err
	}
	res.LoadAvg[0] = loadAvg()
	stamp := time.Now().UTC().Format("150405")
	for k := range cfg.Kills {
		topics := pipeline.Topics{In: fmt.Sprintf("failover-%s-%d-in", stamp, k), Out: fmt.Sprintf("failover-%s-%d-out", stamp, k), Partitions: cfg.Partitions}
		topics.DeadLetter = topics.In + "-dead-letter"
		fmt.Fprintf(progress, "kill %d/%d: %.0f events/s for %s into %q, the kill once the output holds %s of it\n", k+1, cfg.Kills, cfg.Rate, cfg.Duration, topics.In, cfg.KillAfter)
		kill, spec, err := failoverOnce(ctx, cfg, stack, fc, topics, progress)
		if err != nil {
			return res, fmt.Errorf("kill %d: %w", k+1, err)
		}
		res.Guarantee, res.CheckpointIntervalMs = string(spec.Guarantee), spec.CheckpointInterval.Milliseconds()
		if res.Guarantee == "" {
			res.Guarantee = string(relay.AtLeastOnce)
		}
		res.Restart = restartWords(spec.Restart)
		fmt.Fprintf(progress, "kill %d/%d: %s (pid %d, %d subtasks) lost after %s (%s); %s; %d missing\n",
			k+1, cfg.Kills, kill.TaskManager, kill.PID, kill.Subtasks, msWords(kill.DetectedMs), orUnknownWord(kill.DetectedBy),
			stallWords(kill.Stall), kill.Missing)
		res.Kills = append(res.Kills, kill)
		res.Missing += kill.Missing
	}
	res.LoadAvg[1] = loadAvg()
	res.StallP50Ms, res.StallMaxMs, res.Unrecovered = stallSummary(res.Kills)
	return res, nil
}

// checkSettings refuses a running stack whose failover settings are not the preset's: the
// heartbeat settings are read when Flink starts.
func checkSettings(s FailoverSettings, st local.Status, conf map[string]string, home string) error {
	want := map[string]string{}
	if d := s.Detection; d != (flinkconf.Detection{}) {
		want = flinkconf.New(flinkconf.Session{Detection: d})
	}
	var diffs []string
	for _, k := range []string{"heartbeat.interval", "heartbeat.timeout", "heartbeat.rpc-failure-threshold"} {
		if conf[k] != want[k] {
			diffs = append(diffs, fmt.Sprintf("%s %q (%s wants %q)", k, conf[k], s.Name, want[k]))
		}
	}
	if st.Flink.StandbyTaskManagers != s.StandbyTaskManagers {
		diffs = append(diffs, fmt.Sprintf("%d standby TaskManagers (%s wants %d)", st.Flink.StandbyTaskManagers, s.Name, s.StandbyTaskManagers))
	}
	if len(diffs) > 0 {
		return fmt.Errorf("the running local stack in %s has %s: stop it with `streamscale local down --home %s` and the benchmark starts it with --settings %s", home, strings.Join(diffs, ", "), home, s.Name)
	}
	return nil
}

// failoverOnce is one kill: a pipeline run whose job, once running, loses the TaskManager
// that holds most of its subtasks.
func failoverOnce(ctx context.Context, cfg FailoverConfig, stack *local.Stack, fc *flink.Client, topics pipeline.Topics, progress io.Writer) (Kill, relay.Spec, error) {
	var (
		kill    Kill
		spec    relay.Spec
		killErr = make(chan error, 1)
	)
	load := generate.DefaultConfig()
	load.Rate, load.Duration, load.DuplicateFraction = cfg.Rate, cfg.Duration, 0
	pcfg := pipeline.Config{
		Topics: topics,
		Job: func(kafka kafkaconn.Conn, _ int32) relay.Spec {
			return cfg.Job(kafka, topics)
		},
		Load:            load,
		DrainIdle:       cfg.DrainIdle,
		TrafficInterval: 10 * time.Second,
		Checks:          verify.DefaultChecks(),
		RunsDir:         local.RunsDir(cfg.Stack.Home),
		Progress:        io.Discard,
		OnJob: func(ctx context.Context, ep pipeline.Endpoints, s relay.Spec, jobID string) (func(), error) {
			spec = s
			kill.JobID = jobID
			done, ended := make(chan struct{}), make(chan struct{})
			go func() {
				defer close(done)
				killErr <- killAndRestore(ctx, ended, cfg, stack, ep, topics.Out, jobID, &kill)
			}()
			return func() { close(ended); <-done }, nil
		},
	}
	target := &pipeline.Local{Config: cfg.Stack}
	res, err := pipeline.Run(ctx, target, pcfg)
	if kill.JobID != "" {
		cancelJob(ctx, fc, kill.JobID)
	}
	admin, aerr := kgo.NewClient(kgo.SeedBrokers(cfg.Stack.KafkaBootstrap()))
	if aerr == nil {
		defer admin.Close()
		defer deleteTopics(ctx, admin, topics.In, topics.Out, topics.DeadLetter)
	}
	if err != nil {
		return kill, spec, err
	}
	select {
	case err := <-killErr:
		if err != nil {
			return kill, spec, err
		}
	default:
		return kill, spec, errors.New("the run ended before the kill: lengthen --duration or shorten --kill-after")
	}
	kill.Events, kill.Missing, kill.Duplicates, kill.RunDir = res.Verified.Events, res.Verified.Missing, res.Verified.Duplicates, res.Dir
	if aerr != nil {
		return kill, spec, aerr
	}
	out, err := readAppendTimes(ctx, admin, topics.Out, res.Run.Out.Start, res.Run.Out.End)
	if err != nil {
		return kill, spec, err
	}
	kill.Stall = stallAround(out, kill.At)
	jmLog := "" // no status: detect reports the detection unknown
	if st, err := stack.Status(ctx); err == nil {
		jmLog = st.Flink.JobManagerLog
	}
	detect(jmLog, &kill)
	if kill.Missing > 0 {
		// Events never came out: the gaps seen are not the stall, which lasted past the drain.
		kill.Stall.Recovered = false
	}
	return kill, spec, nil
}
