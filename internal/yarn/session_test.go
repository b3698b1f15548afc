package yarn

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSessionConfigValidate(t *testing.T) {
	ok := SessionConfig{Name: "s", JobManagerMemoryMB: 1024, TaskManagerMemoryMB: 4096, Slots: 1}
	tests := []struct {
		name    string
		mutate  func(*SessionConfig)
		wantErr string
	}{
		{"the sample's sizes", func(*SessionConfig) {}, ""},
		{"no name", func(c *SessionConfig) { c.Name = "" }, "--name"},
		{"small jobmanager", func(c *SessionConfig) { c.JobManagerMemoryMB = 512 }, "jobmanager-memory-mb"},
		{"small taskmanager", func(c *SessionConfig) { c.TaskManagerMemoryMB = 900 }, "taskmanager-memory-mb"},
		{"no slots", func(c *SessionConfig) { c.Slots = 0 }, "slots"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.mutate(&c)
			err := c.Validate()
			if (tt.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("Validate() = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestSessionFlinkConfigYAML(t *testing.T) {
	tests := []struct {
		name    string
		cfg     SessionConfig
		want    []string
		notWant []string
	}{
		{"sample defaults", SessionConfig{Name: "s", JobManagerMemoryMB: 1024, TaskManagerMemoryMB: 4096, Slots: 1},
			[]string{"jobmanager.memory.process.size: 1024m", "taskmanager.memory.process.size: 4096m", "taskmanager.numberOfTaskSlots: 1"},
			[]string{"execution.checkpointing.dir", "containerized.master.env.JAVA_HOME", "env.java.opts.all", "rest.port"}},
		{"checkpoints and cluster java", SessionConfig{Name: "s", JobManagerMemoryMB: 1024, TaskManagerMemoryMB: 2048, Slots: 2,
			CheckpointDir: "abfs://c@a.dfs.core.windows.net/ss/", ClusterJavaHome: "/usr/lib/jvm/temurin-17", JavaOpts: []string{"--add-opens=java.base/java.lang=ALL-UNNAMED"}},
			[]string{"execution.checkpointing.dir: 'abfs://c@a.dfs.core.windows.net/ss/checkpoints'",
				"execution.checkpointing.savepoint-dir: 'abfs://c@a.dfs.core.windows.net/ss/savepoints'",
				"containerized.master.env.JAVA_HOME: '/usr/lib/jvm/temurin-17'", "containerized.taskmanager.env.JAVA_HOME: '/usr/lib/jvm/temurin-17'",
				"env.java.opts.all: '--add-opens=java.base/java.lang=ALL-UNNAMED'", "taskmanager.numberOfTaskSlots: 2"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.cfg.FlinkConfigYAML()
			for _, w := range tt.want {
				if !strings.Contains(got, w+"\n") {
					t.Errorf("missing %q in\n%s", w, got)
				}
			}
			for _, n := range tt.notWant {
				if strings.Contains(got, n) {
					t.Errorf("unexpected %q in\n%s", n, got)
				}
			}
		})
	}
}

func TestCheckConfDir(t *testing.T) {
	dir := t.TempDir()
	if err := CheckConfDir(""); err == nil || !strings.Contains(err.Error(), "HADOOP_CONF_DIR") {
		t.Fatalf("empty: %v", err)
	}
	if err := CheckConfDir(dir); err == nil || !strings.Contains(err.Error(), "no yarn-site.xml") {
		t.Fatalf("without yarn-site.xml: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "yarn-site.xml"), []byte("<configuration/>"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := CheckConfDir(dir); err != nil {
		t.Fatalf("with yarn-site.xml: %v", err)
	}
}

func TestRecordRoundTrip(t *testing.T) {
	p := filepath.Join(t.TempDir(), "sessions", "s", "session.json")
	if r, err := LoadRecord(p); r != nil || err != nil {
		t.Fatalf("missing record = %v, %v", r, err)
	}
	want := Record{ApplicationID: "application_1_0001", RESTURL: "http://h:1", YarnConfDir: "/conf", Name: "s"}
	if err := SaveRecord(p, want); err != nil {
		t.Fatal(err)
	}
	got, err := LoadRecord(p)
	if err != nil || *got != want {
		t.Fatalf("LoadRecord = %+v, %v", got, err)
	}
	if err := os.WriteFile(p, []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadRecord(p); err == nil || !strings.Contains(err.Error(), "--application-id") {
		t.Fatalf("corrupt record: %v", err)
	}
}
