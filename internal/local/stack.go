package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Stack is one local Kafka + Flink stack rooted at a home directory.
type Stack struct {
	cfg    Config
	layout layout
	probe  Probe
}

// New returns the stack described by cfg. Nothing starts until Up.
func New(cfg Config, probe Probe) (*Stack, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	home, err := filepath.Abs(cfg.Home)
	if err != nil {
		return nil, fmt.Errorf("home %s: %w", cfg.Home, err)
	}
	cfg.Home = home
	if cfg.RuntimeDir, err = filepath.Abs(cfg.RuntimeDir); err != nil {
		return nil, fmt.Errorf("runtime dir %s: %w", cfg.RuntimeDir, err)
	}
	if probe == nil {
		probe = DefaultProbe{}
	}
	return &Stack{cfg: cfg, layout: layout{home: home}, probe: probe}, nil
}

// Config returns the stack's effective configuration: after Up or Status it carries the ports
// the running stack was started with.
func (s *Stack) Config() Config { return s.cfg }

// Up starts every part of the stack that is not running and waits until the broker answers
// metadata requests and Flink reports all TaskManagers. It is idempotent. If anything fails,
// the processes this call started are stopped again and the error names what to do.
func (s *Stack) Up(ctx context.Context, progress io.Writer) (Status, error) {
	if progress == nil {
		progress = io.Discard
	}
	if err := checkRuntime(s.cfg.RuntimeDir); err != nil {
		return Status{}, err
	}
	java, _, err := FindJava(s.cfg.JavaHome)
	if err != nil {
		return Status{}, err
	}
	for _, d := range []string{s.layout.home, s.layout.kafkaDir(), s.layout.flinkConf(), s.layout.flinkPlugins(),
		s.layout.flinkTmp(), s.layout.flinkUploads(), s.layout.checkpoints(), s.layout.logDir()} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return Status{}, fmt.Errorf("create state directory: %w", err)
		}
	}
	unlock, err := lockHome(s.layout)
	if err != nil {
		return Status{}, err
	}
	defer unlock()

	st, err := loadState(s.layout)
	if err != nil {
		return Status{}, err
	}
	if st == nil {
		id, err := newClusterID()
		if err != nil {
			return Status{}, err
		}
		st = &state{Version: stateVersion, ClusterID: id}
	}
	marker := homeMarker(s.cfg.Home)
	if err := s.resolveBrokers(st); err != nil {
		return Status{}, err
	}
	brokers := s.cfg.KafkaBrokers
	brokerUp := make([]bool, brokers)
	anyBrokerUp := false
	for i := range brokerUp {
		p := st.broker(i)
		brokerUp[i] = p != nil && processAlive(p.PID, marker)
		anyBrokerUp = anyBrokerUp || brokerUp[i]
	}
	jmUp := st.JobManager != nil && processAlive(st.JobManager.PID, marker)
	var liveTMs []procRecord
	for _, tm := range st.TaskManagers {
		if processAlive(tm.PID, marker) {
			liveTMs = append(liveTMs, tm)
		}
	}
	rmUp := st.ResourceManager != nil && processAlive(st.ResourceManager.PID, marker)
	nmUp := st.NodeManager != nil && processAlive(st.NodeManager.PID, marker)
	if anyBrokerUp || jmUp || len(liveTMs) > 0 || rmUp || nmUp {
		// Part of the stack runs: keep the ports (and the Flink host) it was started with, and
		// the slots of the Flink cluster if that runs (one started afresh gets the slots asked
		// for).
		flinkRuns := jmUp || len(liveTMs) > 0 || rmUp || nmUp
		if want := s.cfg.FlinkOn; flinkRuns && want != "" && want != st.Config.flinkOn() {
			return Status{}, fmt.Errorf("the local stack in %s runs Flink %s: stop it with `streamscale local down` before starting it with --flink-on %s", s.cfg.Home, hostWords(st.Config.flinkOn()), want)
		}
		wanted, slots, standby := s.cfg.FlinkOn, s.cfg.Slots, s.cfg.StandbyTaskManagers
		if anyBrokerUp {
			if err := s.cfg.keepEventHubsTier(st.Config.EventHubsTier, progress); err != nil {
				return Status{}, err
			}
		}
		st.Config.apply(&s.cfg)
		if flinkRuns {
			// A running Flink keeps its standbys (a dead one is started again); more can be added.
			s.cfg.StandbyTaskManagers = max(standby, st.Config.StandbyTaskManagers)
		} else {
			s.cfg.Slots = slots
			if wanted != "" {
				s.cfg.FlinkOn = wanted
			}
		}
	}
	s.cfg.KafkaBrokers = brokers
	if s.cfg.FlinkOn == "" {
		// Not asked: the host this home last ran Flink on, else standalone.
		s.cfg.FlinkOn = st.Config.flinkOn()
	}
	onYarn := s.cfg.FlinkOn == FlinkOnYarn
	if err := s.checkPorts(brokerUp, jmUp || onYarn); err != nil {
		return Status{}, err
	}
	if onYarn {
		if err := s.checkYarnPorts(rmUp, nmUp); err != nil {
			return Status{}, err
		}
		if err := checkYarnRuntime(s.cfg.RuntimeDir); err != nil {
			return Status{}, err
		}
	}
	if err := s.writeConfigs(); err != nil {
		return Status{}, err
	}
	if onYarn {
		if err := s.writeYarnConfigs(); err != nil {
			return Status{}, err
		}
	}
	prevTier := st.Config.EventHubsTier
	st.Config = saved(s.cfg)

	var started []int
	fail := func(err error) (Status, error) {
		stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.StopTimeout+15*time.Second)
		defer cancel()
		for _, pid := range started {
			_ = stopProcess(stopCtx, pid, marker, s.cfg.StopTimeout)
		}
		// Forget what was stopped so that status does not report it.
		for i := range s.cfg.brokers() {
			st.setBroker(i, keepAlive(st.broker(i), marker))
		}
		st.JobManager, st.TaskManagers = keepAlive(st.JobManager, marker), liveOnly(st.TaskManagers, marker)
		st.ResourceManager, st.NodeManager = keepAlive(st.ResourceManager, marker), keepAlive(st.NodeManager, marker)
		if st.ResourceManager == nil || st.NodeManager == nil {
			// Without YARN its session is gone: stop whatever daemon and container remain.
			stopCtx2, cancel2 := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.StopTimeout+15*time.Second)
			_ = s.stopYarn(stopCtx2, st, io.Discard)
			cancel2()
		}
		_ = st.save(s.layout)
		return Status{}, err
	}

	if err := s.formatBrokers(ctx, java, st, brokerUp, progress); err != nil {
		return fail(err)
	}
	for i, up := range brokerUp {
		if up {
			continue
		}
		pid, err := s.startBroker(ctx, java, st, i, progress)
		if err != nil {
			return fail(err)
		}
		started = append(started, pid)
	}
	if onYarn {
		if err := s.startYarn(ctx, java, st, progress, &started); err != nil {
			return fail(err)
		}
	} else {
		// Forget TaskManagers that died, also when none is to be started in their place (more
		// were running than --taskmanagers asks for); otherwise waitHealthy takes them for ones
		// that died during this start.
		st.TaskManagers = liveTMs
		needTMs := s.cfg.allTaskManagers() - len(liveTMs)
		if !jmUp || needTMs > 0 {
			pids, err := s.startFlink(ctx, java, st, !jmUp, liveTMs, needTMs, progress)
			started = append(started, pids...)
			if err != nil {
				return fail(err)
			}
		}
	}
	if err := st.save(s.layout); err != nil {
		return fail(err)
	}
	status, err := s.waitHealthy(ctx, st, progress)
	if err != nil {
		return fail(err)
	}
	if err := s.applyEventHubs(ctx, prevTier, progress); err != nil {
		return fail(err)
	}
	return status, nil
}

// startFlink computes memory settings with Flink's own tool and starts the JobManager (when
// startJM) and needTMs TaskManagers.
func (s *Stack) startFlink(ctx context.Context, java string, st *state, startJM bool, liveTMs []procRecord, needTMs int, progress io.Writer) ([]int, error) {
	var (
		wg           sync.WaitGroup
		jmJVM, jmDyn []string
		tmJVM, tmDyn []string
		jmErr, tmErr error
	)
	if startJM {
		wg.Add(1)
		go func() {
			defer wg.Done()
			jmJVM, jmDyn, jmErr = flinkResources(ctx, java, s.cfg, s.layout, "GET_JM_RESOURCE_PARAMS")
		}()
	}
	if needTMs > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tmJVM, tmDyn, tmErr = flinkResources(ctx, java, s.cfg, s.layout, "GET_TM_RESOURCE_PARAMS")
		}()
	}
	wg.Wait()
	if err := errors.Join(jmErr, tmErr); err != nil {
		return nil, err
	}
	env := append(os.Environ(), "FLINK_PLUGINS_DIR="+s.layout.flinkPlugins(), "FLINK_CONF_DIR="+s.layout.flinkConf())
	var started []int
	if startJM {
		argv := flinkArgv(java, s.cfg, s.layout, "jobmanager", s.layout.jobManagerLog(), jobManagerMain, jmJVM, jmDyn)
		pid, err := startDetached(argv, env, s.layout.flinkDir(), s.layout.jobManagerOut(), homeMarker(s.cfg.Home))
		if err != nil {
			return started, fmt.Errorf("start Flink JobManager: %w", err)
		}
		started = append(started, pid)
		st.JobManager = &procRecord{PID: pid, Log: s.layout.jobManagerLog(), Out: s.layout.jobManagerOut()}
		fmt.Fprintf(progress, "started Flink JobManager (pid %d, log %s)\n", pid, s.layout.jobManagerLog())
	}
	used := map[string]bool{}
	for _, tm := range liveTMs {
		used[tm.Log] = true
	}
	st.TaskManagers = liveTMs
	for i := 0; needTMs > 0; i++ {
		if used[s.layout.taskManagerLog(i)] {
			continue
		}
		role := "taskmanager-" + itoa(i)
		// A fixed resource id per slot: a TaskManager started again in place of a dead one
		// replaces the dead one's registration at once, instead of both counting until the
		// heartbeat times out (which made a restarted stack look healthy too early).
		argv := append(flinkArgv(java, s.cfg, s.layout, role, s.layout.taskManagerLog(i), taskManagerMain, tmJVM, tmDyn),
			"-D", "taskmanager.resource-id="+taskManagerResourceID(i),
			"-D", "metrics.reporter.prom.port="+itoa(taskManagerMetricsPort(s.cfg, i)))
		pid, err := startDetached(argv, env, s.layout.flinkDir(), s.layout.taskManagerOut(i), homeMarker(s.cfg.Home))
		if err != nil {
			return started, fmt.Errorf("start Flink TaskManager: %w", err)
		}
		started = append(started, pid)
		st.TaskManagers = append(st.TaskManagers, procRecord{PID: pid, Log: s.layout.taskManagerLog(i), Out: s.layout.taskManagerOut(i)})
		fmt.Fprintf(progress, "started Flink TaskManager %d (pid %d, log %s)\n", i, pid, s.layout.taskManagerLog(i))
		needTMs--
	}
	return started, nil
}

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

// waitHealthy polls until the broker and Flink are healthy, printing a progress line, and
// fails fast with the last lines of its log when a process dies.
func (s *Stack) waitHealthy(ctx context.Context, st *state, progress io.Writer) (Status, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.StartTimeout)
	defer cancel()
	marker := homeMarker(s.cfg.Home)
	line := newProgressLine(progress)
	defer line.done()
	for {
		for _, p := range allProcs(st) {
			if !processAlive(p.rec.PID, marker) {
				return Status{}, fmt.Errorf("%s (pid %d) exited during start; last lines of %s:\n%s", p.name, p.rec.PID, p.rec.Log, lastLines(p.rec))
			}
		}
		status := s.statusOf(ctx, st)
		tms, slots := len(st.TaskManagers), st.slots()
		if st.Config.flinkOn() == FlinkOnYarn {
			tms, slots = s.cfg.TaskManagers, s.cfg.TaskManagers*s.cfg.Slots
		}
		line.set(fmt.Sprintf("waiting for the stack: kafka %s, flink %d/%d taskmanagers, %d/%d slots",
			healthWord(status.Kafka.Healthy), status.Flink.TaskManagersRegistered, tms,
			status.Flink.SlotsTotal, slots))
		if status.Healthy() {
			return status, nil
		}
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return Status{}, fmt.Errorf("stack not healthy after %s (kafka healthy=%v, flink healthy=%v): see the logs in %s, or raise --start-timeout", s.cfg.StartTimeout, status.Kafka.Healthy, status.Flink.Healthy, s.layout.logDir())
			}
			return Status{}, ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

func healthWord(ok bool) string {
	if ok {
		return "ready"
	}
	return "starting"
}

// lastLines returns the tail of a process's log, or of its stdout file when the log is empty
// (a JVM that fails before log4j starts writes only to stdout).
func lastLines(p procRecord) string {
	if t := tailFile(p.Log, 15); t != "" {
		if o := tailFile(p.Out, 5); o != "" {
			return t + "\n" + o
		}
		return t
	}
	return tailFile(p.Out, 20)
}

type namedProc struct {
	name string
	rec  procRecord
}

func allProcs(st *state) []namedProc {
	var ps []namedProc
	for i := range st.Config.brokerCount() {
		if p := st.broker(i); p != nil {
			ps = append(ps, namedProc{brokerName(st.Config.brokerCount(), i), *p})
		}
	}
	if st.ResourceManager != nil {
		ps = append(ps, namedProc{"YARN ResourceManager", *st.ResourceManager})
	}
	if st.NodeManager != nil {
		ps = append(ps, namedProc{"YARN NodeManager", *st.NodeManager})
	}
	if st.JobManager != nil {
		ps = append(ps, namedProc{"Flink JobManager", *st.JobManager})
	}
	for i, tm := range st.TaskManagers {
		ps = append(ps, namedProc{fmt.Sprintf("Flink TaskManager %d", i), tm})
	}
	return ps
}

func keepAlive(p *procRecord, marker string) *procRecord {
	if p != nil && processAlive(p.PID, marker) {
		return p
	}
	return nil
}

func liveOnly(ps []procRecord, marker string) []procRecord {
	var out []procRecord
	for _, p := range ps {
		if processAlive(p.PID, marker) {
			out = append(out, p)
		}
	}
	return out
}
