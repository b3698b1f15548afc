package local

import (
	"context"
	"encoding/xml"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// parseHadoopXML reads a Hadoop *-site.xml back into name → value, failing on bad XML.
func parseHadoopXML(t *testing.T, doc string) map[string]string {
	t.Helper()
	var v struct {
		Properties []hadoopProperty `xml:"property"`
	}
	if err := xml.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatalf("not XML: %v\n%s", err, doc)
	}
	out := map[string]string{}
	for _, p := range v.Properties {
		if _, dup := out[p.Name]; dup {
			t.Errorf("property %s twice", p.Name)
		}
		out[p.Name] = p.Value
	}
	return out
}

func TestHadoopXMLEscapesValues(t *testing.T) {
	got := parseHadoopXML(t, hadoopXML(map[string]string{"a": `x<y & "z"`, "b": ""}))
	if got["a"] != `x<y & "z"` || got["b"] != "" || len(got) != 2 {
		t.Fatalf("round trip = %v", got)
	}
}

func TestCoreSiteXML(t *testing.T) {
	got := parseHadoopXML(t, coreSiteXML(layout{home: "/st"}))
	want := map[string]string{"fs.defaultFS": "file:///", "hadoop.tmp.dir": "/st/yarn/tmp"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

func TestYarnSiteXML(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
		want   map[string]string
	}{
		{"defaults", func(*Config) {}, map[string]string{
			"yarn.resourcemanager.address":                  "127.0.0.1:8032",
			"yarn.resourcemanager.scheduler.address":        "127.0.0.1:8030",
			"yarn.resourcemanager.resource-tracker.address": "127.0.0.1:8031",
			"yarn.resourcemanager.admin.address":            "127.0.0.1:8033",
			"yarn.resourcemanager.webapp.address":           "127.0.0.1:8088",
			"yarn.nodemanager.webapp.address":               "127.0.0.1:8042",
			"yarn.nodemanager.localizer.address":            "127.0.0.1:8040",
			"yarn.nodemanager.resource.memory-mb":           "6144",
			"yarn.nodemanager.resource.cpu-vcores":          "8",
			"yarn.scheduler.maximum-allocation-mb":          "6144",
			"yarn.nodemanager.vmem-check-enabled":           "false",
			"yarn.nodemanager.local-dirs":                   "/st/yarn/nm-local",
			"yarn.nodemanager.log-dirs":                     "/st/logs/yarn-containers",
			"yarn.application.classpath":                    "/st/yarn/conf,/rt/yarn/*",
		}},
		{"flags", func(c *Config) {
			c.Yarn.RMPort, c.Yarn.RMWebPort, c.Yarn.NMWebPort, c.Yarn.NMMemoryMB, c.Yarn.NMVcores = 18032, 18088, 18042, 8192, 4
		}, map[string]string{
			"yarn.resourcemanager.address":         "127.0.0.1:18032",
			"yarn.resourcemanager.webapp.address":  "127.0.0.1:18088",
			"yarn.nodemanager.webapp.address":      "127.0.0.1:18042",
			"yarn.nodemanager.resource.memory-mb":  "8192",
			"yarn.scheduler.maximum-allocation-mb": "8192",
			"yarn.nodemanager.resource.cpu-vcores": "4",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			c.RuntimeDir = "/rt"
			tt.mutate(&c)
			got := parseHadoopXML(t, yarnSiteXML(c, layout{home: "/st"}))
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
			for k, v := range got {
				if strings.Contains(v, "0.0.0.0") {
					t.Errorf("%s = %q binds beyond loopback", k, v)
				}
			}
		})
	}
}

func TestCapacitySchedulerLetsTheJobManagerStart(t *testing.T) {
	got := parseHadoopXML(t, capacitySchedulerXML())
	// YARN's default AM share (0.1) of the 6 GiB node is below one 1 GiB JobManager.
	if got["yarn.scheduler.capacity.maximum-am-resource-percent"] != "0.5" || got["yarn.scheduler.capacity.root.queues"] != "default" ||
		got["yarn.scheduler.capacity.root.default.capacity"] != "100" {
		t.Fatalf("capacity-scheduler.xml = %v", got)
	}
}

func TestFlinkYarnConfigYAML(t *testing.T) {
	c := DefaultConfig()
	c.Home, c.TaskManagers, c.Slots, c.TaskManagerMemoryMB, c.FlinkMetricsPort = "/st", 2, 3, 2048, 19249
	got := parseYAMLFlat(flinkYarnConfigYAML(c, layout{home: "/st"}))
	want := map[string]string{
		"taskmanager.numberOfTaskSlots":   "3",
		"taskmanager.memory.process.size": "2048m",
		"jobmanager.memory.process.size":  "1024m",
		"slotmanager.number-of-slots.min": "6",
		"yarn.staging-directory":          "'file:///st/yarn/staging'",
		"execution.checkpointing.dir":     "'file:///st/flink/checkpoints'",
		"metrics.reporter.prom.port":      "19249-19265",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	// YARN picks the addresses and ports; a fixed one would clash between containers.
	for _, k := range []string{"rest.port", "jobmanager.rpc.port", "jobmanager.rpc.address", "taskmanager.host", "io.tmp.dirs"} {
		if _, ok := got[k]; ok {
			t.Errorf("%s is set; YARN decides it", k)
		}
	}
	opts := got["env.java.opts.all"]
	if !strings.Contains(opts, "-Dstreamscale.home=/st") || !strings.Contains(opts, "--add-opens=java.base/java.lang=ALL-UNNAMED") {
		t.Errorf("env.java.opts.all = %q: want the stack's marker and Java 17's module flags", opts)
	}
}

func TestYarnDaemonArgv(t *testing.T) {
	c := DefaultConfig()
	c.Home, c.RuntimeDir = "/st", "/rt"
	argv := yarnDaemonArgv("/jdk/bin/java", c, layout{home: "/st"}, "yarn-nodemanager", "/st/logs/nm.log", nodeManagerMain, 256)
	joined := strings.Join(argv, " ")
	for _, want := range []string{"-Xmx256m", "-Dstreamscale.home=/st", "-Dyarn.log.file=/st/logs/nm.log", "-cp /st/yarn/conf:/rt/yarn/*", nodeManagerMain} {
		if !strings.Contains(joined, want) {
			t.Errorf("argv lacks %q: %s", want, joined)
		}
	}
	if argv[len(argv)-1] != nodeManagerMain {
		t.Errorf("main class must come last: %v", argv[len(argv)-3:])
	}
}

func TestSavedConfigKeepsTheFlinkHost(t *testing.T) {
	c := DefaultConfig()
	c.FlinkOn, c.Yarn.RMWebPort, c.TaskManagers = FlinkOnYarn, 18088, 2
	s := saved(c)
	back := DefaultConfig()
	s.apply(&back)
	if back.FlinkOn != FlinkOnYarn || back.Yarn.RMWebPort != 18088 || back.TaskManagers != 2 {
		t.Fatalf("applied = %s %d %d", back.FlinkOn, back.Yarn.RMWebPort, back.TaskManagers)
	}
	standalone := DefaultConfig()
	saved(DefaultConfig()).apply(&standalone)
	if standalone.FlinkOn != FlinkStandalone {
		t.Fatalf("a standalone stack reads back as %q", standalone.FlinkOn)
	}
}

func TestIsAMContainer(t *testing.T) {
	for id, want := range map[string]bool{
		"container_1795995524305_0001_01_000001": true,
		"container_1795995524305_0001_02_000001": true,
		"container_1795995524305_0001_01_000002": false,
		"container_1795995524305_0001_01_000010": false,
	} {
		if isAMContainer(id) != want {
			t.Errorf("isAMContainer(%s) != %v", id, want)
		}
	}
}

// yarnTestConfig is testConfig on YARN, with every YARN port free.
func yarnTestConfig(t *testing.T) Config {
	t.Helper()
	c := testConfig(t)
	c.FlinkOn = FlinkOnYarn
	drawPorts(t, 7, func(ports []int) error {
		y := &c.Yarn
		y.RMPort, y.RMSchedulerPort, y.RMTrackerPort, y.RMAdminPort, y.RMWebPort, y.NMWebPort, y.NMLocalizerPort =
			ports[0], ports[1], ports[2], ports[3], ports[4], ports[5], ports[6]
		return validPorts(c.flagPorts()) // none of the stack's ports testConfig gave
	})
	return c
}

func TestUpOnYarnWithoutTheYarnRuntime(t *testing.T) {
	c := yarnTestConfig(t)
	s, err := New(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Up(context.Background(), nil)
	if err == nil || !strings.Contains(err.Error(), "no yarn jars") || !strings.Contains(err.Error(), "make build") {
		t.Fatalf("Up on YARN without build/runtime/yarn = %v, want a hint to run make build", err)
	}
}

func TestUpRefusesTheOtherFlinkHostWhileFlinkRuns(t *testing.T) {
	c := yarnTestConfig(t)
	// A stand-in for a running standalone JobManager: a process carrying the home's marker.
	cmd := exec.Command("sh", "-c", "sleep 60", homeMarker(c.Home))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	deadline := time.Now().Add(5 * time.Second)
	for !processAlive(cmd.Process.Pid, homeMarker(c.Home)) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	standalone := c
	standalone.FlinkOn = ""
	st := &state{Version: stateVersion, ClusterID: "x", Config: saved(standalone), JobManager: &procRecord{PID: cmd.Process.Pid}}
	if err := st.save(layout{home: c.Home}); err != nil {
		t.Fatal(err)
	}
	s, err := New(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Up(context.Background(), nil)
	if err == nil || !strings.Contains(err.Error(), "runs Flink standalone") || !strings.Contains(err.Error(), "local down") {
		t.Fatalf("Up --flink-on yarn over a standalone Flink = %v, want a refusal naming local down", err)
	}
}

func TestReadEndpointsOfAYarnStack(t *testing.T) {
	c := yarnTestConfig(t)
	st := &state{Version: stateVersion, ClusterID: "x", Config: saved(c),
		YarnSession: &yarnSession{ApplicationID: "application_1_0001", RESTURL: "http://localhost:42997"}}
	if err := st.save(layout{home: c.Home}); err != nil {
		t.Fatal(err)
	}
	ep, err := ReadEndpoints(c.Home)
	if err != nil || ep.FlinkURL != "http://localhost:42997" || ep.KafkaBootstrap != c.KafkaBootstrap() {
		t.Fatalf("ReadEndpoints = %+v, %v; want the YARN session's REST URL", ep, err)
	}
	// The reporters' ports are the containers' first free ones of the range: all are
	// candidates, probed.
	want := fmt.Sprintf("http://127.0.0.1:%d/metrics", c.FlinkMetricsPort+FlinkMetricsPortRangeSize-1)
	if !ep.FlinkMetricsProbe || len(ep.FlinkMetricsURLs) != FlinkMetricsPortRangeSize || ep.FlinkMetricsURLs[FlinkMetricsPortRangeSize-1] != want {
		t.Fatalf("ReadEndpoints on YARN: metrics %v probe %v; want the %d ports up to %s, probed", ep.FlinkMetricsURLs, ep.FlinkMetricsProbe, FlinkMetricsPortRangeSize, want)
	}
}
