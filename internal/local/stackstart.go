package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// makeStateDirs creates the home's state directories (Kafka data, Flink config, plugins, temp,
// uploads, checkpoints and logs).
func (s *Stack) makeStateDirs() error {
	for _, d := range []string{s.layout.home, s.layout.kafkaDir(), s.layout.flinkConf(), s.layout.flinkPlugins(),
		s.layout.flinkTmp(), s.layout.flinkUploads(), s.layout.checkpoints(), s.layout.logDir()} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("create state directory: %w", err)
		}
	}
	return nil
}

// loadOrNewState reads the home's saved state, or starts a fresh one with a new Kafka cluster
// id when the home has none.
func loadOrNewState(l layout) (*state, error) {
	st, err := loadState(l)
	if err != nil {
		return nil, err
	}
	if st == nil {
		id, err := newClusterID()
		if err != nil {
			return nil, err
		}
		st = &state{Version: stateVersion, ClusterID: id}
	}
	return st, nil
}

// liveParts records which recorded processes of the stack are still running.
type liveParts struct {
	brokerUp    []bool       // per broker index
	anyBrokerUp bool         // some broker runs
	jmUp        bool         // the standalone JobManager runs
	liveTMs     []procRecord // the standalone TaskManagers that run
	rmUp, nmUp  bool         // YARN's ResourceManager and NodeManager run
}

// flinkRuns reports whether any part of the Flink cluster (standalone or YARN) runs.
func (l liveParts) flinkRuns() bool { return l.jmUp || len(l.liveTMs) > 0 || l.rmUp || l.nmUp }

// findLive checks which of the processes recorded in st still run (brokers counts the brokers
// asked for).
func findLive(st *state, brokers int, marker string) liveParts {
	l := liveParts{brokerUp: make([]bool, brokers)}
	for i := range l.brokerUp {
		p := st.broker(i)
		l.brokerUp[i] = p != nil && processAlive(p.PID, marker)
		l.anyBrokerUp = l.anyBrokerUp || l.brokerUp[i]
	}
	l.jmUp = st.JobManager != nil && processAlive(st.JobManager.PID, marker)
	for _, tm := range st.TaskManagers {
		if processAlive(tm.PID, marker) {
			l.liveTMs = append(l.liveTMs, tm)
		}
	}
	l.rmUp = st.ResourceManager != nil && processAlive(st.ResourceManager.PID, marker)
	l.nmUp = st.NodeManager != nil && processAlive(st.NodeManager.PID, marker)
	return l
}

// adoptRunning makes s.cfg agree with the part of the stack that already runs: it keeps the
// ports (and the Flink host) that part was started with, and fills in the Flink host when not
// asked for.
func (s *Stack) adoptRunning(st *state, live liveParts, progress io.Writer) error {
	brokers := s.cfg.KafkaBrokers
	if live.anyBrokerUp || live.flinkRuns() {
		// Part of the stack runs: keep the ports (and the Flink host) it was started with, and
		// the slots of the Flink cluster if that runs (one started afresh gets the slots asked
		// for).
		flinkRuns := live.flinkRuns()
		if want := s.cfg.FlinkOn; flinkRuns && want != "" && want != st.Config.flinkOn() {
			return fmt.Errorf("the local stack in %s runs Flink %s: stop it with `streamscale local down` before starting it with --flink-on %s", s.cfg.Home, hostWords(st.Config.flinkOn()), want)
		}
		wanted, slots, standby := s.cfg.FlinkOn, s.cfg.Slots, s.cfg.StandbyTaskManagers
		if live.anyBrokerUp {
			if err := s.cfg.keepEventHubsTier(st.Config.EventHubsTier, progress); err != nil {
				return err
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
	return nil
}

// prepareStart checks the ports (and, on YARN, the YARN runtime) the start needs and writes the
// configuration files.
func (s *Stack) prepareStart(live liveParts, onYarn bool) error {
	if err := s.checkPorts(live.brokerUp, live.jmUp || onYarn); err != nil {
		return err
	}
	if onYarn {
		if err := s.checkYarnPorts(live.rmUp, live.nmUp); err != nil {
			return err
		}
		if err := checkYarnRuntime(s.cfg.RuntimeDir); err != nil {
			return err
		}
	}
	if err := s.writeConfigs(); err != nil {
		return err
	}
	if onYarn {
		return s.writeYarnConfigs()
	}
	return nil
}

// startMissing formats and starts the brokers that do not run, then YARN (onYarn) or the
// standalone JobManager and TaskManagers that are missing, appending each started PID to
// started.
func (s *Stack) startMissing(ctx context.Context, java string, st *state, live liveParts, onYarn bool, progress io.Writer, started *[]int) error {
	if err := s.formatBrokers(ctx, java, st, live.brokerUp, progress); err != nil {
		return err
	}
	for i, up := range live.brokerUp {
		if up {
			continue
		}
		pid, err := s.startBroker(ctx, java, st, i, progress)
		if err != nil {
			return err
		}
		*started = append(*started, pid)
	}
	if onYarn {
		return s.startYarn(ctx, java, st, progress, started)
	}
	// Forget TaskManagers that died, also when none is to be started in their place (more
	// were running than --taskmanagers asks for); otherwise waitHealthy takes them for ones
	// that died during this start.
	st.TaskManagers = live.liveTMs
	needTMs := s.cfg.allTaskManagers() - len(live.liveTMs)
	if !live.jmUp || needTMs > 0 {
		pids, err := s.startFlink(ctx, java, st, !live.jmUp, live.liveTMs, needTMs, progress)
		*started = append(*started, pids...)
		if err != nil {
			return err
		}
	}
	return nil
}

// undoStart stops the processes a failed Up started (started), forgets the dead ones in st
// (stopping YARN's leftovers when YARN itself is gone) and saves st.
func (s *Stack) undoStart(ctx context.Context, st *state, marker string, started []int) {
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
