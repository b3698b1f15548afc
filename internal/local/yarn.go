package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/streamscale/streamscale/internal/yarn"
)

const (
	resourceManagerMain = "org.apache.hadoop.yarn.server.resourcemanager.ResourceManager"
	nodeManagerMain     = "org.apache.hadoop.yarn.server.nodemanager.NodeManager"
	// yarnSessionName is the YARN application name of the local stack's Flink session.
	yarnSessionName = "streamscale-flink-session"
)

// writeYarnConfigs writes the YARN cluster's files and the Flink session's configuration.
func (s *Stack) writeYarnConfigs() error {
	for _, d := range []string{s.layout.yarnConf(), s.layout.yarnTmp(), s.layout.yarnNMLocal(), s.layout.yarnStaging(),
		s.layout.yarnContainerLogs(), s.layout.flinkYarnConf()} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("create state directory: %w", err)
		}
	}
	files := map[string]string{
		filepath.Join(s.layout.yarnConf(), "core-site.xml"):             coreSiteXML(s.layout),
		filepath.Join(s.layout.yarnConf(), "yarn-site.xml"):             yarnSiteXML(s.cfg, s.layout),
		filepath.Join(s.layout.yarnConf(), "capacity-scheduler.xml"):    capacitySchedulerXML(),
		filepath.Join(s.layout.yarnConf(), "log4j.properties"):          hadoopLog4j(),
		filepath.Join(s.layout.flinkYarnConf(), "config.yaml"):          flinkYarnConfigYAML(s.cfg, s.layout),
		filepath.Join(s.layout.flinkYarnConf(), "log4j.properties"):     log4jProperties(),
		filepath.Join(s.layout.flinkYarnConf(), "log4j-cli.properties"): log4jProperties(),
	}
	for path, content := range files {
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	return nil
}

// yarnDaemonArgv is the command line of the ResourceManager or the NodeManager.
func yarnDaemonArgv(java string, c Config, l layout, role, logFile, mainClass string, heapMB int) []string {
	argv := []string{java, fmt.Sprintf("-Xmx%dm", heapMB), fmt.Sprintf("-Xms%dm", min(heapMB, 128)), "-XX:+UseSerialGC"}
	argv = append(argv, javaModuleFlags...)
	return append(argv, "-Djava.awt.headless=true", homeMarker(c.Home), "-Dstreamscale.role="+role,
		"-Dyarn.log.file="+logFile, "-Dhadoop.log.dir="+l.logDir(), "-Dyarn.log.dir="+l.logDir(),
		"-Dhadoop.home.dir="+l.yarnDir(), "-Dlog4j.configuration=file:"+filepath.Join(l.yarnConf(), "log4j.properties"),
		"-cp", l.yarnConf()+string(os.PathListSeparator)+classpath(c.RuntimeDir, "yarn"), mainClass)
}

// javaHomeOf is the JDK directory of a java executable (…/bin/java → …).
func javaHomeOf(java string) string {
	if real, err := filepath.EvalSymlinks(java); err == nil {
		java = real
	}
	return filepath.Dir(filepath.Dir(java))
}

// startYarn starts the ResourceManager and NodeManager that do not run, waits until the
// NodeManager is RUNNING, then deploys the Flink session unless it runs.
func (s *Stack) startYarn(ctx context.Context, java string, st *state, progress io.Writer, started *[]int) error {
	marker := homeMarker(s.cfg.Home)
	env := append(os.Environ(), "JAVA_HOME="+javaHomeOf(java), "HADOOP_CONF_DIR="+s.layout.yarnConf(), "HADOOP_HOME="+s.layout.yarnDir())
	if st.ResourceManager == nil || !processAlive(st.ResourceManager.PID, marker) {
		pid, err := startDetached(yarnDaemonArgv(java, s.cfg, s.layout, "yarn-resourcemanager", s.layout.rmLog(), resourceManagerMain, s.cfg.Yarn.RMHeapMB),
			env, s.layout.yarnDir(), s.layout.rmOut(), marker)
		if err != nil {
			return fmt.Errorf("start YARN ResourceManager: %w", err)
		}
		*started = append(*started, pid)
		st.ResourceManager = &procRecord{PID: pid, Log: s.layout.rmLog(), Out: s.layout.rmOut()}
		fmt.Fprintf(progress, "started YARN ResourceManager (pid %d, log %s)\n", pid, s.layout.rmLog())
	}
	if st.NodeManager == nil || !processAlive(st.NodeManager.PID, marker) {
		pid, err := startDetached(yarnDaemonArgv(java, s.cfg, s.layout, "yarn-nodemanager", s.layout.nmLog(), nodeManagerMain, s.cfg.Yarn.NMHeapMB),
			env, s.layout.yarnDir(), s.layout.nmOut(), marker)
		if err != nil {
			return fmt.Errorf("start YARN NodeManager: %w", err)
		}
		*started = append(*started, pid)
		st.NodeManager = &procRecord{PID: pid, Log: s.layout.nmLog(), Out: s.layout.nmOut()}
		fmt.Fprintf(progress, "started YARN NodeManager (pid %d, log %s)\n", pid, s.layout.nmLog())
	}
	if err := st.save(s.layout); err != nil {
		return err
	}
	if err := s.waitYarn(ctx, st, progress); err != nil {
		return err
	}
	rm := yarn.Client{RMURL: s.cfg.Yarn.RMURL()}
	if st.YarnSession != nil {
		app, err := rm.App(ctx, st.YarnSession.ApplicationID)
		if err == nil && app.Running() {
			if u := app.FlinkRESTURL(); u != "" {
				st.YarnSession.RESTURL = u
			}
			return nil
		}
		st.YarnSession = nil
	}
	fmt.Fprintf(progress, "deploying the Flink session as a YARN application (log %s)\n", s.layout.yarnLauncherLog())
	res, err := s.launcher(java).Start(ctx, yarn.Session{
		Name: yarnSessionName, JobManagerMemoryMB: s.cfg.JobManagerMemoryMB,
		TaskManagerMemoryMB: s.cfg.TaskManagerMemoryMB, Slots: s.cfg.Slots,
	})
	if res.ApplicationID != "" {
		st.YarnSession = &yarnSession{ApplicationID: res.ApplicationID, RESTURL: res.RESTURL}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(progress, "Flink session runs as YARN application %s (REST %s)\n", res.ApplicationID, res.RESTURL)
	return st.save(s.layout)
}

// launcher runs jvm/yarn-launcher against the local cluster.
func (s *Stack) launcher(java string) yarn.Launcher {
	return yarn.Launcher{
		Java: java, BuildDir: filepath.Dir(s.cfg.RuntimeDir), RuntimeDir: s.cfg.RuntimeDir,
		YarnConfDir: s.layout.yarnConf(), FlinkConfDir: s.layout.flinkYarnConf(), LogFile: s.layout.yarnLauncherLog(),
		ExtraJVMArgs: []string{homeMarker(s.cfg.Home), "-Dstreamscale.role=yarn-launcher"},
	}
}

// waitYarn polls the ResourceManager's REST API until it serves and a NodeManager is RUNNING.
func (s *Stack) waitYarn(ctx context.Context, st *state, progress io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.StartTimeout)
	defer cancel()
	marker := homeMarker(s.cfg.Home)
	line := newProgressLine(progress)
	defer line.done()
	rm := yarn.Client{RMURL: s.cfg.Yarn.RMURL()}
	for {
		for _, p := range []namedProc{{"YARN ResourceManager", *st.ResourceManager}, {"YARN NodeManager", *st.NodeManager}} {
			if !processAlive(p.rec.PID, marker) {
				return fmt.Errorf("%s (pid %d) exited during start; last lines of %s:\n%s", p.name, p.rec.PID, p.rec.Log, lastLines(p.rec))
			}
		}
		ys := yarnHealth(ctx, rm)
		line.set(fmt.Sprintf("waiting for YARN: resourcemanager %s, %d node(s) running", healthWord(ys.rmUp), ys.nodesRunning))
		if ys.rmUp && ys.nodesRunning > 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return fmt.Errorf("YARN not ready after %s (%s): see %s and %s, or raise --start-timeout", s.cfg.StartTimeout, ys.err, s.layout.rmLog(), s.layout.nmLog())
			}
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

type yarnProbe struct {
	rmUp         bool
	nodesRunning int
	err          string
}

func yarnHealth(ctx context.Context, rm yarn.Client) yarnProbe {
	pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	info, err := rm.ClusterInfo(pctx)
	if err != nil {
		return yarnProbe{err: err.Error()}
	}
	if info.State != "STARTED" {
		return yarnProbe{err: "resourcemanager " + info.State}
	}
	nodes, err := rm.Nodes(pctx)
	if err != nil {
		return yarnProbe{rmUp: true, err: err.Error()}
	}
	p := yarnProbe{rmUp: true}
	for _, n := range nodes {
		if n.State == "RUNNING" {
			p.nodesRunning++
		}
	}
	if p.nodesRunning == 0 {
		p.err = "no NodeManager RUNNING"
	}
	return p
}

// yarnStatusOf probes the YARN daemons, the applications and their containers.
func (s *Stack) yarnStatusOf(ctx context.Context, st *state) *YarnStatus {
	marker := homeMarker(s.cfg.Home)
	ys := &YarnStatus{ResourceManagerURL: s.cfg.Yarn.RMURL(), NodeManagerURL: s.cfg.Yarn.NMURL(),
		ResourceManagerLog: s.layout.rmLog(), NodeManagerLog: s.layout.nmLog(), Applications: []YarnApplication{}}
	if st.ResourceManager != nil && processAlive(st.ResourceManager.PID, marker) {
		ys.ResourceManagerPID, ys.ResourceManagerRunning = st.ResourceManager.PID, true
	}
	if st.NodeManager != nil && processAlive(st.NodeManager.PID, marker) {
		ys.NodeManagerPID, ys.NodeManagerRunning = st.NodeManager.PID, true
	}
	if !ys.ResourceManagerRunning {
		return ys
	}
	rm := yarn.Client{RMURL: s.cfg.Yarn.RMURL()}
	p := yarnHealth(ctx, rm)
	ys.NodesRunning, ys.Healthy, ys.Error = p.nodesRunning, p.rmUp && p.nodesRunning > 0 && ys.NodeManagerRunning, p.err
	pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	apps, err := rm.Apps(pctx, "NEW", "NEW_SAVING", "SUBMITTED", "ACCEPTED", "RUNNING")
	if err != nil {
		ys.Error = err.Error()
		return ys
	}
	var containers []yarn.Container
	if ys.NodeManagerRunning {
		containers, _ = rm.Containers(pctx, s.cfg.Yarn.NMURL())
	}
	for _, a := range apps {
		ya := YarnApplication{ID: a.ID, Name: a.Name, State: a.State, FinalStatus: a.FinalStatus, TrackingURL: a.TrackingURL,
			FlinkREST: a.FlinkRESTURL(), Containers: []YarnContainer{}}
		for _, c := range containers {
			if c.Application() != a.ID {
				continue
			}
			ya.Containers = append(ya.Containers, YarnContainer{ID: c.ID, State: c.State, MemoryMB: c.MemoryMB,
				PID: containerPID(s.layout, marker, a.ID, c.ID), Log: filepath.Join(s.layout.yarnContainerLogs(), a.ID, c.ID)})
		}
		sort.Slice(ya.Containers, func(i, j int) bool { return ya.Containers[i].ID < ya.Containers[j].ID })
		ys.Applications = append(ys.Applications, ya)
	}
	return ys
}

// containerPID is the pid of the JVM a running container runs (0 if none): the NodeManager
// records the container's launch shell in nmPrivate/<app>/<container>/<container>.pid; the JVM
// is the process below it that carries the stack's marker.
func containerPID(l layout, marker, appID, containerID string) int {
	b, err := os.ReadFile(filepath.Join(l.yarnNMLocal(), "nmPrivate", appID, containerID, containerID+".pid"))
	if err != nil {
		return 0
	}
	shell, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0
	}
	if processAlive(shell, marker) {
		return shell
	}
	for pid := range descendants(shell) {
		if processAlive(pid, marker) {
			return pid
		}
	}
	return 0
}

// descendants lists the processes below pid (from /proc; none without it).
func descendants(pid int) map[int]bool {
	parent := map[int]int{}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if pp := parentPID(p); pp > 0 {
			parent[p] = pp
		}
	}
	out := map[int]bool{}
	for changed := true; changed; {
		changed = false
		for p, pp := range parent {
			if !out[p] && (pp == pid || out[pp]) {
				out[p], changed = true, true
			}
		}
	}
	return out
}

// parentPID reads a process's parent from /proc/<pid>/stat (0 if unknown).
func parentPID(pid int) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	fields := strings.Fields(s[i+1:])
	if len(fields) < 2 {
		return 0
	}
	pp, _ := strconv.Atoi(fields[1])
	return pp
}

// isAMContainer reports whether a container id is an application attempt's first container,
// which runs its ApplicationMaster (for Flink, the JobManager).
func isAMContainer(id string) bool { return strings.HasSuffix(id, "_000001") }

// stopYarn kills the Flink session through YARN, then stops the NodeManager and the
// ResourceManager by pid, and any container JVM of this stack that outlived them.
func (s *Stack) stopYarn(ctx context.Context, st *state, progress io.Writer) error {
	marker := homeMarker(s.cfg.Home)
	rmUp := st.ResourceManager != nil && processAlive(st.ResourceManager.PID, marker)
	if st.YarnSession != nil && rmUp {
		fmt.Fprintf(progress, "stopping the Flink session (YARN application %s)\n", st.YarnSession.ApplicationID)
		java, _, err := FindJava(s.cfg.JavaHome)
		if err == nil {
			sctx, cancel := context.WithTimeout(ctx, 90*time.Second)
			_, err = s.launcher(java).Stop(sctx, st.YarnSession.ApplicationID)
			cancel()
		}
		if err != nil {
			fmt.Fprintf(progress, "warning: %v; stopping YARN stops its containers\n", err)
		}
	}
	st.YarnSession = nil
	// Container JVMs carry the stack's marker (env.java.opts.all): note them before the
	// NodeManager goes, which stops them.
	daemons := map[int]bool{}
	for _, p := range append([]*procRecord{st.ResourceManager, st.NodeManager, st.JobManager, st.Kafka}, st.MoreBrokers...) {
		if p != nil {
			daemons[p.PID] = true
		}
	}
	for _, tm := range st.TaskManagers { // a standalone Flink's: Down stops them in order
		daemons[tm.PID] = true
	}
	for _, p := range []struct {
		name string
		rec  *procRecord
	}{{"YARN NodeManager", st.NodeManager}, {"YARN ResourceManager", st.ResourceManager}} {
		if p.rec == nil || !processAlive(p.rec.PID, marker) {
			continue
		}
		fmt.Fprintf(progress, "stopping %s (pid %d)\n", p.name, p.rec.PID)
		if err := stopProcess(ctx, p.rec.PID, marker, s.cfg.StopTimeout); err != nil {
			return fmt.Errorf("stop %s: %w", p.name, err)
		}
	}
	st.ResourceManager, st.NodeManager = nil, nil
	for _, pid := range processesWithMarker(marker) {
		if daemons[pid] {
			continue
		}
		fmt.Fprintf(progress, "stopping YARN container process %d\n", pid)
		if err := stopProcess(ctx, pid, marker, s.cfg.StopTimeout); err != nil {
			return fmt.Errorf("stop container process %d: %w", pid, err)
		}
	}
	return nil
}
