//go:build integration

package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/streamscale/streamscale/internal/dashboard"
	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/yarn"
)

// yarnStackStatus is the YARN part of `local status --json`.
type yarnStackStatus struct {
	FlinkOn string `json:"flinkOn"`
	Flink   struct {
		REST            string `json:"rest"`
		JobManagerPID   int    `json:"jobmanagerPid"`
		TaskManagerPIDs []int  `json:"taskmanagerPids"`
		Healthy         bool   `json:"healthy"`
	} `json:"flink"`
	Yarn *struct {
		ResourceManager    string `json:"resourcemanager"`
		ResourceManagerPID int    `json:"resourcemanagerPid"`
		NodeManagerPID     int    `json:"nodemanagerPid"`
		Healthy            bool   `json:"healthy"`
		Applications       []struct {
			ID         string `json:"id"`
			State      string `json:"state"`
			FlinkREST  string `json:"flinkRest"`
			Containers []struct {
				ID  string `json:"id"`
				PID int    `json:"pid"`
			} `json:"containers"`
		} `json:"applications"`
	} `json:"yarn"`
}

// startYarnStack runs `local up --flink-on yarn` on free ports: Kafka, a single-node YARN
// cluster and the Flink session as a YARN application. The subtests of TestIntegrationYarn
// share it; its cleanup runs `local down` and fails the test if any process the stack ever
// had (daemons and every container JVM, replaced ones included) is still alive.
func startYarnStack(t *testing.T) *faultStack {
	t.Helper()
	c := newCLI(t)
	ports, err := local.FreePorts(12)
	if err != nil {
		t.Fatal(err)
	}
	// Flink's Prometheus reporter takes the first free port of a 17-port range on YARN.
	flinkMetrics, err := freePortRange(17, ports)
	if err != nil {
		t.Fatal(err)
	}
	flags := []string{"--flink-on", "yarn",
		"--kafka-port", strconv.Itoa(ports[0]), "--controller-port", strconv.Itoa(ports[1]),
		"--flink-rest-port", strconv.Itoa(ports[2]), "--flink-rpc-port", strconv.Itoa(ports[3]),
		"--metrics-port", strconv.Itoa(ports[4]), "--flink-metrics-port", strconv.Itoa(flinkMetrics),
		"--yarn-rm-port", strconv.Itoa(ports[5]), "--yarn-rm-scheduler-port", strconv.Itoa(ports[6]),
		"--yarn-rm-tracker-port", strconv.Itoa(ports[7]), "--yarn-rm-admin-port", strconv.Itoa(ports[8]),
		"--yarn-rm-web-port", strconv.Itoa(ports[9]), "--yarn-nm-web-port", strconv.Itoa(ports[10]),
		"--yarn-nm-localizer-port", strconv.Itoa(ports[11]), "--start-timeout", "4m",
	}
	s := &faultStack{t: t, c: c, pids: map[int]string{}, flags: flags}
	t.Cleanup(func() {
		_, errOut, code := s.c.run(context.Background(), "local", "down")
		t.Logf("local down (exit %d):\n%s", code, errOut)
		for pid, start := range s.pids {
			if stillRuns(pid, start) {
				t.Errorf("process %d alive after `local down`", pid)
			}
		}
		if left := markedProcesses(c.home); len(left) > 0 {
			t.Errorf("processes of the stack's home alive after `local down`: %v", left)
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	s.up(ctx)
	s.yarnStatus(ctx)
	return s
}

// yarnStatus runs `local status --json`, records every pid it shows and checks the stack
// runs Flink on YARN.
func (s *faultStack) yarnStatus(ctx context.Context) yarnStackStatus {
	s.t.Helper()
	s.status(ctx) // records Kafka's and Flink's pids
	out, errOut, _ := s.c.run(ctx, "local", "status", "--json")
	var st yarnStackStatus
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		s.t.Fatalf("local status --json: %v\n%s\n%s", err, out, errOut)
	}
	if st.FlinkOn != "yarn" || st.Yarn == nil {
		s.t.Fatalf("local status: flinkOn %q, yarn %v; want Flink on YARN\n%s", st.FlinkOn, st.Yarn, out)
	}
	for _, pid := range []int{st.Yarn.ResourceManagerPID, st.Yarn.NodeManagerPID} {
		s.track(pid)
	}
	for _, a := range st.Yarn.Applications {
		for _, c := range a.Containers {
			s.track(c.PID)
		}
	}
	return st
}

// markedProcesses lists the processes whose command line carries the home's marker.
func markedProcesses(home string) []int {
	marker := []byte("-Dstreamscale.home=" + home + "\x00")
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || !alive(pid) {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && bytes.Contains(b, marker) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// TestIntegrationYarn runs the pipeline with Flink inside a real YARN: a ResourceManager and a
// NodeManager from Hadoop's jars, the Flink session deployed as a YARN application by Flink's
// own YARN code, the relay submitted through the session's REST API. One stack serves the
// subtests: 10,000 events verified with none missing, then the TaskManager's container JVM
// killed with kill -9 mid-load, replaced by YARN and Flink alone, again none missing. Its
// cleanup checks `local down` leaves no process.
func TestIntegrationYarn(t *testing.T) {
	s := startYarnStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 12*time.Minute)
	defer cancel()
	st := s.yarnStatus(ctx)
	if !st.Flink.Healthy || !st.Yarn.Healthy || len(st.Yarn.Applications) != 1 || st.Yarn.Applications[0].State != "RUNNING" {
		t.Fatalf("after local up: %+v", st)
	}
	app := st.Yarn.Applications[0]
	if app.FlinkREST != st.Flink.REST || len(app.Containers) != 2 || len(st.Flink.TaskManagerPIDs) != 1 {
		t.Fatalf("application %s: REST %s (flink %s), containers %+v, TaskManagers %v; want the JobManager and one TaskManager container",
			app.ID, app.FlinkREST, st.Flink.REST, app.Containers, st.Flink.TaskManagerPIDs)
	}
	// The ResourceManager's own report agrees: the session is a Flink application there.
	rmApp, err := yarn.Client{RMURL: st.Yarn.ResourceManager}.App(ctx, app.ID)
	if err != nil || !rmApp.Running() || rmApp.ApplicationType != "Apache Flink" || rmApp.FlinkRESTURL() != st.Flink.REST {
		t.Fatalf("ResourceManager report of %s = %+v, %v", app.ID, rmApp, err)
	}

	t.Run("relay", func(t *testing.T) {
		in, out := "yarn-in", "yarn-out"
		args := append([]string{"run", "--json", "--count", strconv.Itoa(events), "--rate", "2500", "--duplicate-fraction", "0"}, s.jobFlags(in, out)...)
		stdout, stderr, code := s.c.run(ctx, append(args, s.flags...)...)
		rec, res := runResult(t, stdout, stderr)
		if code != 0 || res.InputEvents != events || res.Missing != 0 || res.Unexpected != 0 || res.Duplicates != 0 {
			t.Fatalf("run exited %d: %d input events (want %d), %d missing, %d unexpected, %d duplicates\n%s", code, res.InputEvents, events, res.Missing, res.Unexpected, res.Duplicates, stderr)
		}
		if rec.FlinkURL != st.Flink.REST {
			t.Fatalf("the run used Flink at %s, want the YARN session's %s", rec.FlinkURL, st.Flink.REST)
		}
		// The relay runs inside the YARN application: its REST API lists the job.
		var jobs struct {
			Jobs []struct {
				ID     string `json:"id"`
				Status string `json:"status"`
			} `json:"jobs"`
		}
		getJSON(ctx, t, strings.TrimRight(st.Flink.REST, "/")+"/jobs", &jobs)
		found := false
		for _, j := range jobs.Jobs {
			found = found || (j.ID == rec.JobID && j.Status == "RUNNING")
		}
		if !found {
			t.Fatalf("job %s not running in the YARN session: %+v", rec.JobID, jobs.Jobs)
		}
		// The dashboard finds the reporters inside the containers by probing the port range.
		ep, err := local.ReadEndpoints(s.c.home)
		if err != nil || !ep.FlinkMetricsProbe {
			t.Fatalf("endpoints of the YARN stack: %+v, %v; want the reporters' port range to probe", ep, err)
		}
		counters, err := (&dashboard.FlinkPrometheus{URLs: ep.FlinkMetricsURLs, SkipRefused: true}).Sample(ctx, rec.JobID)
		if err != nil || !counters.RelayedPresent || counters.Relayed < events {
			t.Fatalf("the relay's counter from the reporters in the YARN containers: %+v, %v; want at least %d relayed", counters, err, events)
		}
		s.c.run(context.Background(), append([]string{"job", "cancel"}, s.jobFlags(in, out)[:4]...)...)
		t.Logf("relay on YARN: %d events, 0 missing, pipeline p99 %.1f ms", res.InputEvents, res.LatencyMs.Pipeline.P99)
	})

	// `yarn session` against the running YARN as an existing cluster: its configuration
	// directory is all it gets. A small session beside the stack's, then stopped.
	t.Run("yarn-session-existing-cluster", func(t *testing.T) {
		conf := filepath.Join(s.c.home, "yarn", "conf")
		name := []string{"--yarn-conf", conf, "--name", "it-session"}
		stdout, stderr, code := s.c.run(ctx, append([]string{"yarn", "session", "start", "--json", "--jobmanager-memory-mb", "768", "--taskmanager-memory-mb", "1024"}, name...)...)
		var started yarn.Result
		if err := json.Unmarshal([]byte(stdout), &started); code != 0 || err != nil || started.State != "RUNNING" || started.RESTURL == "" {
			t.Fatalf("yarn session start exited %d (%v): %s\n%s", code, err, stdout, stderr)
		}
		var ov struct {
			FlinkVersion string `json:"flink-version"`
		}
		getJSON(ctx, t, strings.TrimRight(started.RESTURL, "/")+"/overview", &ov)
		if !strings.HasPrefix(ov.FlinkVersion, "2.2") {
			t.Fatalf("session at %s runs Flink %q", started.RESTURL, ov.FlinkVersion)
		}
		stdout, _, code = s.c.run(ctx, append([]string{"yarn", "session", "status"}, name...)...)
		if code != 0 || !strings.Contains(stdout, started.ApplicationID) || !strings.Contains(stdout, "--flink-url "+started.RESTURL) {
			t.Fatalf("yarn session status exited %d:\n%s", code, stdout)
		}
		stdout, stderr, code = s.c.run(ctx, append([]string{"yarn", "session", "stop"}, name...)...)
		if code != 0 || !strings.Contains(stdout, "KILLED") {
			t.Fatalf("yarn session stop exited %d:\n%s\n%s", code, stdout, stderr)
		}
		if _, _, code = s.c.run(ctx, append([]string{"yarn", "session", "status"}, name...)...); code != 1 {
			t.Fatalf("yarn session status of a killed session exited %d, want 1", code)
		}
		after := s.yarnStatus(ctx)
		if len(after.Yarn.Applications) != 1 || after.Yarn.Applications[0].ID != app.ID {
			t.Fatalf("applications after the stop: %+v; want only the stack's %s", after.Yarn.Applications, app.ID)
		}
	})

	t.Run("taskmanager-container-kill", func(t *testing.T) {
		killTM := func(ctx context.Context, s *faultStack, _, _ string) {
			st := s.yarnStatus(ctx)
			if len(st.Flink.TaskManagerPIDs) != 1 {
				s.t.Fatalf("want 1 TaskManager container, status shows %v", st.Flink.TaskManagerPIDs)
			}
			// No `local up`: YARN reports the container lost and Flink asks it for another.
			s.kill(st.Flink.TaskManagerPIDs[0])
		}
		faultRun{guarantee: "at-least-once", inject: killTM, wantRestart: true}.do(ctx, t, s, "yarn-tmkill")
		after := s.yarnStatus(ctx)
		if len(after.Flink.TaskManagerPIDs) != 1 || after.Flink.TaskManagerPIDs[0] == st.Flink.TaskManagerPIDs[0] {
			t.Fatalf("TaskManagers after the kill: %v (killed %v); want one new container", after.Flink.TaskManagerPIDs, st.Flink.TaskManagerPIDs)
		}
	})
}
