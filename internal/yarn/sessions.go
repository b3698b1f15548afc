package yarn

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/streamscale/streamscale/internal/flinkconf"
)

// SettingError is a session setting or a YARN configuration directory the caller has to
// change: the input is wrong, not the cluster.
type SettingError struct{ Err error }

// Error implements error.
func (e *SettingError) Error() string { return e.Err.Error() }

// Unwrap returns the setting's problem.
func (e *SettingError) Unwrap() error { return e.Err }

// Sessions deploys, stops and reports Flink sessions on an existing YARN cluster, as `streamscale
// yarn session start|stop|status` do. A session's Flink configuration and record live under
// Home/yarn-sessions/<name>, the launcher's log at Home/logs/yarn-session-launcher.log.
type Sessions struct {
	// Home is the state directory.
	Home string
	// RuntimeDir holds the Maven-built flink/, flink-yarn/ and yarn/ classpaths.
	RuntimeDir string
	// YarnConfDir is the cluster's HADOOP_CONF_DIR-style directory; Stop and Status fall back
	// to the one Start recorded when it is "".
	YarnConfDir string
	// Java finds the JDK 17+ java that runs the launcher; it is called once the settings are
	// known to be good.
	Java func() (string, error)
	// Progress receives a line before the deployment starts (nil: none).
	Progress io.Writer
}

func (s Sessions) dir(name string) string { return filepath.Join(s.Home, "yarn-sessions", name) }

func (s Sessions) recordPath(name string) string {
	return filepath.Join(s.dir(name), "session.json")
}

func (s Sessions) launcher(name string) (Launcher, error) {
	java, err := s.Java()
	if err != nil {
		return Launcher{}, err
	}
	rt, err := filepath.Abs(s.RuntimeDir)
	if err != nil {
		return Launcher{}, err
	}
	conf, err := filepath.Abs(s.YarnConfDir)
	if err != nil {
		return Launcher{}, err
	}
	return Launcher{Java: java, BuildDir: filepath.Dir(rt), RuntimeDir: rt, YarnConfDir: conf,
		FlinkConfDir: filepath.Join(s.dir(name), "conf"), LogFile: filepath.Join(s.Home, "logs", "yarn-session-launcher.log")}, nil
}

// Start validates c (a *SettingError names what to change), writes the session's Flink
// configuration (with Java 17's module flags unless c.JavaOpts is set), deploys it detached and
// records it for Stop and Status.
func (s Sessions) Start(ctx context.Context, c SessionConfig) (Result, error) {
	if c.JavaOpts == nil {
		c.JavaOpts = flinkconf.JavaModuleFlags()
	}
	if err := c.Validate(); err != nil {
		return Result{}, &SettingError{err}
	}
	if err := CheckConfDir(s.YarnConfDir); err != nil {
		return Result{}, &SettingError{err}
	}
	l, err := s.launcher(c.Name)
	if err != nil {
		return Result{}, err
	}
	if err := l.Check(); err != nil {
		return Result{}, err
	}
	if err := os.MkdirAll(l.FlinkConfDir, 0o755); err != nil {
		return Result{}, fmt.Errorf("yarn session start: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(l.LogFile), 0o755); err != nil {
		return Result{}, fmt.Errorf("yarn session start: %w", err)
	}
	for name, content := range map[string]string{
		"config.yaml": c.FlinkConfigYAML(), "log4j.properties": flinkconf.Log4jProperties(), "log4j-cli.properties": flinkconf.Log4jProperties(),
	} {
		if err := os.WriteFile(filepath.Join(l.FlinkConfDir, name), []byte(content), 0o644); err != nil {
			return Result{}, fmt.Errorf("yarn session start: %w", err)
		}
	}
	if s.Progress != nil {
		fmt.Fprintf(s.Progress, "deploying the Flink session %q to YARN (%s; log %s)\n", c.Name, l.YarnConfDir, l.LogFile)
	}
	r, err := l.Start(ctx, Session{Name: c.Name, JobManagerMemoryMB: c.JobManagerMemoryMB,
		TaskManagerMemoryMB: c.TaskManagerMemoryMB, Slots: c.Slots, Queue: c.Queue})
	if err != nil {
		return Result{}, fmt.Errorf("yarn session start: %w", err)
	}
	if err := SaveRecord(s.recordPath(c.Name), Record{ApplicationID: r.ApplicationID, RESTURL: r.RESTURL, YarnConfDir: l.YarnConfDir, Name: c.Name}); err != nil {
		return Result{}, err
	}
	return r, nil
}

// resolve fills in the application id and the configuration directory from Start's record of
// session name.
func (s *Sessions) resolve(name, id string) (string, error) {
	rec, err := LoadRecord(s.recordPath(name))
	if err != nil {
		return "", err
	}
	if id == "" {
		if rec == nil {
			return "", &SettingError{fmt.Errorf("no session %q recorded in %s: pass --application-id", name, s.Home)}
		}
		id = rec.ApplicationID
	}
	if s.YarnConfDir == "" && rec != nil {
		s.YarnConfDir = rec.YarnConfDir
	}
	if err := CheckConfDir(s.YarnConfDir); err != nil {
		return "", &SettingError{err}
	}
	return id, nil
}

// Stop kills the YARN application of session name: id, or the one Start recorded when id is "".
func (s Sessions) Stop(ctx context.Context, name, id string) (Result, error) {
	id, err := s.resolve(name, id)
	if err != nil {
		return Result{}, err
	}
	l, err := s.launcher(name)
	if err != nil {
		return Result{}, err
	}
	if err := os.MkdirAll(l.FlinkConfDir, 0o755); err != nil {
		return Result{}, fmt.Errorf("yarn session stop: %w", err)
	}
	// The launcher reads a Flink configuration directory even to stop an application; a
	// session started elsewhere has none here.
	for _, file := range []string{"config.yaml", "log4j-cli.properties"} {
		p := filepath.Join(l.FlinkConfDir, file)
		if _, err := os.Stat(p); err != nil {
			content := "# Written by streamscale yarn session stop.\n"
			if file != "config.yaml" {
				content = flinkconf.Log4jProperties()
			}
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				return Result{}, fmt.Errorf("yarn session stop: %w", err)
			}
		}
	}
	r, err := l.Stop(ctx, id)
	if err != nil {
		return Result{}, fmt.Errorf("yarn session stop: %w", err)
	}
	return r, nil
}

// Status reports the YARN application of session name (id, or the one Start recorded), with
// the recorded Flink REST address while that application runs. ErrNotRunning comes with the
// report when it does not run.
func (s Sessions) Status(ctx context.Context, name, id string) (Result, error) {
	id, err := s.resolve(name, id)
	if err != nil {
		return Result{}, err
	}
	l, err := s.launcher(name)
	if err != nil {
		return Result{}, err
	}
	if err := os.MkdirAll(filepath.Dir(l.LogFile), 0o755); err != nil {
		return Result{}, fmt.Errorf("yarn session status: %w", err)
	}
	r, err := l.Status(ctx, id)
	if err != nil {
		return Result{}, fmt.Errorf("yarn session status: %w", err)
	}
	if r.State != "RUNNING" {
		return r, ErrNotRunning
	}
	if rec, _ := LoadRecord(s.recordPath(name)); rec != nil && rec.ApplicationID == r.ApplicationID {
		r.RESTURL = rec.RESTURL
	}
	return r, nil
}

// ErrNotRunning is Status's answer, beside the report, for an application that is not running.
var ErrNotRunning = errors.New("the YARN application is not running")
