package yarn

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/streamscale/streamscale/internal/flinkconf"
)

// SessionConfig is a Flink session for an existing YARN cluster, as `streamscale yarn
// session start` deploys it (the sample's `yarn-session.sh --jobManagerMemory 1024m
// --taskManagerMemory 4096m --detached`).
type SessionConfig struct {
	Name                string
	JobManagerMemoryMB  int
	TaskManagerMemoryMB int
	Slots               int
	Queue               string
	// CheckpointDir is a directory every node can reach (hdfs://…, abfs://…), or "".
	CheckpointDir string
	// ClusterJavaHome is the JDK 17+ on the cluster's nodes, when the nodes' default Java is
	// older (HDInsight 5.1 runs Java 8); "" keeps the nodes' JAVA_HOME.
	ClusterJavaHome string
	// JavaOpts are added to every Flink JVM (Java 17's module flags).
	JavaOpts []string
}

// Validate names the first bad setting and the flag to change.
func (c SessionConfig) Validate() error {
	switch {
	case c.Name == "":
		return errors.New("name: the YARN application needs a name (--name)")
	case c.JobManagerMemoryMB < 768:
		return fmt.Errorf("jobmanager-memory-mb: %d MB is below Flink's workable minimum of 768 MB", c.JobManagerMemoryMB)
	case c.TaskManagerMemoryMB < 1024:
		return fmt.Errorf("taskmanager-memory-mb: %d MB is below Flink's workable minimum of 1024 MB", c.TaskManagerMemoryMB)
	case c.Slots < 1 || c.Slots > 64:
		return fmt.Errorf("slots: %d is out of range 1-64", c.Slots)
	}
	return nil
}

// FlinkConfigYAML renders the session's config.yaml. TaskManagers come and go with the jobs'
// demand, as with yarn-session.sh.
func (c SessionConfig) FlinkConfigYAML() string {
	kv := flinkconf.New(flinkconf.Session{JobManagerMemoryMB: c.JobManagerMemoryMB, TaskManagerMemoryMB: c.TaskManagerMemoryMB,
		Slots: c.Slots, MetricsPort: "9249-9270"})
	if len(c.JavaOpts) > 0 {
		kv["env.java.opts.all"] = flinkconf.Quote(strings.Join(c.JavaOpts, " "))
	}
	if c.CheckpointDir != "" {
		dir := strings.TrimRight(c.CheckpointDir, "/")
		kv["execution.checkpointing.dir"] = flinkconf.Quote(dir + "/checkpoints")
		kv["execution.checkpointing.savepoint-dir"] = flinkconf.Quote(dir + "/savepoints")
	}
	if c.ClusterJavaHome != "" {
		kv["containerized.master.env.JAVA_HOME"] = flinkconf.Quote(c.ClusterJavaHome)
		kv["containerized.taskmanager.env.JAVA_HOME"] = flinkconf.Quote(c.ClusterJavaHome)
	}
	return kv.YAML("yarn session start")
}

// CheckConfDir fails with what to do unless dir is a HADOOP_CONF_DIR-style directory with a
// yarn-site.xml.
func CheckConfDir(dir string) error {
	if dir == "" {
		return errors.New("yarn-conf: give the YARN cluster's configuration directory (--yarn-conf DIR or HADOOP_CONF_DIR), e.g. /etc/hadoop/conf copied from a head node")
	}
	if _, err := os.Stat(filepath.Join(dir, "yarn-site.xml")); err != nil {
		return fmt.Errorf("yarn-conf: %s has no yarn-site.xml: copy the cluster's configuration directory (/etc/hadoop/conf on a head node)", dir)
	}
	return nil
}

// Record is what `yarn session start` remembers, so that stop and status need no id.
type Record struct {
	ApplicationID string `json:"applicationId"`
	RESTURL       string `json:"restUrl"`
	YarnConfDir   string `json:"yarnConfDir"`
	Name          string `json:"name"`
}

// SaveRecord writes r to path (creating its directory).
func SaveRecord(path string, r Record) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("record the YARN session: %w", err)
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("record the YARN session: %w", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("record the YARN session: %w", err)
	}
	return nil
}

// LoadRecord reads the record at path; a missing file yields (nil, nil).
func LoadRecord(path string) (*Record, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the YARN session record: %w", err)
	}
	var r Record
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("YARN session record %s is corrupt (%v): remove it and pass --application-id", path, err)
	}
	return &r, nil
}
