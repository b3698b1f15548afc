package yarn

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// resultPrefix starts the one line of JSON the launcher prints on standard output.
const resultPrefix = "STREAMSCALE_YARN_RESULT "

// launcherMain is the launcher's main class (jvm/yarn-launcher).
const launcherMain = "io.streamscale.yarn.YarnLauncher"

// Result is what the launcher reports about an application.
type Result struct {
	ApplicationID       string `json:"applicationId"`
	Name                string `json:"name"`
	State               string `json:"state"`
	FinalStatus         string `json:"finalStatus"`
	TrackingURL         string `json:"trackingUrl"`
	OriginalTrackingURL string `json:"originalTrackingUrl"`
	Diagnostics         string `json:"diagnostics"`
	// RESTURL is the Flink JobManager's REST address (start only).
	RESTURL string `json:"restUrl"`
}

// Launcher runs jvm/yarn-launcher.
type Launcher struct {
	// Java is the java executable.
	Java string
	// BuildDir is where `make build` put yarn/yarn-launcher.jar and runtime/{flink,flink-yarn,yarn}.
	BuildDir string
	// RuntimeDir holds the classpath directories (default BuildDir/runtime).
	RuntimeDir string
	// YarnConfDir is the HADOOP_CONF_DIR-style directory of the YARN cluster.
	YarnConfDir string
	// FlinkConfDir holds the Flink config.yaml (and log4j.properties) for the session.
	FlinkConfDir string
	// LogFile receives the launcher's own log.
	LogFile string
	// ExtraJVMArgs are added to the launcher's JVM (e.g. a marker property).
	ExtraJVMArgs []string
}

// Session is what Start deploys.
type Session struct {
	Name                string
	JobManagerMemoryMB  int
	TaskManagerMemoryMB int
	Slots               int
	Queue               string
}

// Start deploys a Flink session cluster as a YARN application and returns once YARN runs its
// JobManager, with the REST address.
func (l Launcher) Start(ctx context.Context, s Session) (Result, error) {
	args := []string{"start", "--name", s.Name,
		"--jobmanager-memory-mb", strconv.Itoa(s.JobManagerMemoryMB),
		"--taskmanager-memory-mb", strconv.Itoa(s.TaskManagerMemoryMB),
		"--slots", strconv.Itoa(s.Slots),
		"--dist-jar", l.distJar()}
	if s.Queue != "" {
		args = append(args, "--queue", s.Queue)
	}
	r, err := l.run(ctx, args...)
	if err != nil {
		return Result{}, fmt.Errorf("deploy the Flink session to YARN: %w", err)
	}
	if r.RESTURL == "" {
		return r, fmt.Errorf("deploy the Flink session to YARN: application %s reports no REST address (state %s)", r.ApplicationID, r.State)
	}
	return r, nil
}

// Stop kills application id through YARN.
func (l Launcher) Stop(ctx context.Context, id string) (Result, error) {
	r, err := l.run(ctx, "stop", "--application-id", id)
	if err != nil {
		return Result{}, fmt.Errorf("stop YARN application %s: %w", id, err)
	}
	return r, nil
}

// Status reports application id.
func (l Launcher) Status(ctx context.Context, id string) (Result, error) {
	r, err := l.run(ctx, "status", "--application-id", id)
	if err != nil {
		return Result{}, fmt.Errorf("status of YARN application %s: %w", id, err)
	}
	return r, nil
}

// Check reports what of the build the launcher needs is missing, with what to run.
func (l Launcher) Check() error {
	for _, p := range []string{l.jar(), l.distJar(), filepath.Join(l.runtimeDir(), "flink"), filepath.Join(l.runtimeDir(), "yarn")} {
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("%s is missing: run `make build` first", p)
		}
	}
	return nil
}

func (l Launcher) runtimeDir() string {
	if l.RuntimeDir != "" {
		return l.RuntimeDir
	}
	return filepath.Join(l.BuildDir, "runtime")
}

func (l Launcher) jar() string { return filepath.Join(l.BuildDir, "yarn", "yarn-launcher.jar") }

// distJar is the jar Flink ships as its "dist" jar: flink-yarn (the YARN entrypoints); the
// rest of Flink ships from FLINK_LIB_DIR.
func (l Launcher) distJar() string {
	m, _ := filepath.Glob(filepath.Join(l.runtimeDir(), "flink-yarn", "flink-yarn-*.jar"))
	if len(m) == 0 {
		return filepath.Join(l.runtimeDir(), "flink-yarn", "flink-yarn.jar")
	}
	return m[0]
}

// Classpath is the launcher JVM's classpath: its jar, flink-yarn, Flink, then Hadoop.
func (l Launcher) Classpath() string {
	rt := l.runtimeDir()
	return strings.Join([]string{l.jar(), filepath.Join(rt, "flink-yarn", "*"), filepath.Join(rt, "flink", "*"), filepath.Join(rt, "yarn", "*")}, string(os.PathListSeparator))
}

func (l Launcher) run(ctx context.Context, args ...string) (Result, error) {
	if err := l.Check(); err != nil {
		return Result{}, err
	}
	argv := []string{"-Xmx256m", "-XX:+UseSerialGC"}
	argv = append(argv, l.ExtraJVMArgs...)
	argv = append(argv, "-Dlog.file="+l.LogFile,
		"-Dlog4j2.configurationFile="+filepath.Join(l.FlinkConfDir, "log4j-cli.properties"),
		"-cp", l.Classpath(), launcherMain)
	argv = append(argv, args...)
	argv = append(argv, "--yarn-conf", l.YarnConfDir, "--flink-conf", l.FlinkConfDir)
	if args[0] == "status" {
		argv = argv[:len(argv)-2] // status needs no Flink configuration
	}
	cmd := exec.CommandContext(ctx, l.Java, argv...)
	cmd.Env = append(os.Environ(),
		"FLINK_LIB_DIR="+filepath.Join(l.runtimeDir(), "flink"),
		"FLINK_CONF_DIR="+l.FlinkConfDir,
		"HADOOP_CONF_DIR="+l.YarnConfDir)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		return Result{}, ctx.Err()
	}
	r, perr := ParseResult(stdout.String())
	if err != nil {
		msg := lastLine(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return Result{}, fmt.Errorf("%s (launcher log: %s)", msg, l.LogFile)
	}
	if perr != nil {
		return Result{}, fmt.Errorf("%w (launcher log: %s)", perr, l.LogFile)
	}
	return r, nil
}

// ParseResult finds the launcher's result line in its standard output.
func ParseResult(stdout string) (Result, error) {
	for _, line := range strings.Split(stdout, "\n") {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), resultPrefix)
		if !ok {
			continue
		}
		var r Result
		if err := json.Unmarshal([]byte(rest), &r); err != nil {
			return Result{}, fmt.Errorf("read the launcher's result: %w", err)
		}
		if r.ApplicationID == "" {
			return Result{}, errors.New("the launcher's result names no application")
		}
		return r, nil
	}
	return Result{}, errors.New("the launcher printed no result line")
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" {
			return l
		}
	}
	return ""
}
