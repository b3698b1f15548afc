package local

import "path/filepath"

// layout names every file and directory of a stack's home. Keeping the names in one place
// lets status print log paths and down find pid files without re-deriving them.
type layout struct{ home string }

func (l layout) stateFile() string     { return filepath.Join(l.home, "stack.json") }
func (l layout) lockFile() string      { return filepath.Join(l.home, "stack.lock") }
func (l layout) kafkaDir() string      { return filepath.Join(l.home, "kafka") }
func (l layout) kafkaLog4j() string    { return filepath.Join(l.kafkaDir(), "log4j2.properties") }
func (l layout) kafkaMetrics() string  { return filepath.Join(l.kafkaDir(), "jmx-exporter.yaml") }
func (l layout) kafkaLog() string      { return filepath.Join(l.logDir(), "kafka.log") }
func (l layout) kafkaOut() string      { return filepath.Join(l.logDir(), "kafka.out") }
func (l layout) flinkDir() string      { return filepath.Join(l.home, "flink") }
func (l layout) flinkConf() string     { return filepath.Join(l.flinkDir(), "conf") }
func (l layout) flinkPlugins() string  { return filepath.Join(l.flinkDir(), "plugins") }
func (l layout) flinkTmp() string      { return filepath.Join(l.flinkDir(), "tmp") }
func (l layout) flinkUploads() string  { return filepath.Join(l.flinkDir(), "uploads") }
func (l layout) checkpoints() string   { return CheckpointsDir(l.home) }
func (l layout) savepoints() string    { return SavepointsDir(l.home) }
func (l layout) logDir() string        { return filepath.Join(l.home, "logs") }
func (l layout) jobManagerLog() string { return filepath.Join(l.logDir(), "flink-jobmanager.log") }
func (l layout) jobManagerOut() string { return filepath.Join(l.logDir(), "flink-jobmanager.out") }

func (l layout) taskManagerLog(i int) string {
	return filepath.Join(l.logDir(), "flink-taskmanager-"+itoa(i)+".log")
}

func (l layout) taskManagerOut(i int) string {
	return filepath.Join(l.logDir(), "flink-taskmanager-"+itoa(i)+".out")
}

// CheckpointsDir is where the local Flink keeps checkpoints (execution.checkpointing.dir); the
// relay job's go to a subdirectory per topic pair.
func CheckpointsDir(home string) string { return filepath.Join(home, "flink", "checkpoints") }

// SavepointsDir is where `streamscale job stop` puts savepoints on the local stack
// (execution.checkpointing.savepoint-dir).
func SavepointsDir(home string) string { return filepath.Join(home, "flink", "savepoints") }

// JobsDir is where `streamscale job stop` records each relay's last savepoint.
func JobsDir(home string) string { return filepath.Join(home, "jobs") }

// RunsDir is where `streamscale run` records each run's window and results.
func RunsDir(home string) string { return filepath.Join(home, "runs") }

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b [20]byte
	n := len(b)
	for i > 0 {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
	}
	return string(b[n:])
}

func (l layout) yarnDir() string           { return filepath.Join(l.home, "yarn") }
func (l layout) yarnConf() string          { return filepath.Join(l.yarnDir(), "conf") }
func (l layout) yarnTmp() string           { return filepath.Join(l.yarnDir(), "tmp") }
func (l layout) yarnNMLocal() string       { return filepath.Join(l.yarnDir(), "nm-local") }
func (l layout) yarnStaging() string       { return filepath.Join(l.yarnDir(), "staging") }
func (l layout) yarnContainerLogs() string { return filepath.Join(l.logDir(), "yarn-containers") }
func (l layout) flinkYarnConf() string     { return filepath.Join(l.flinkDir(), "yarn-conf") }
func (l layout) rmLog() string             { return filepath.Join(l.logDir(), "yarn-resourcemanager.log") }
func (l layout) rmOut() string             { return filepath.Join(l.logDir(), "yarn-resourcemanager.out") }
func (l layout) nmLog() string             { return filepath.Join(l.logDir(), "yarn-nodemanager.log") }
func (l layout) nmOut() string             { return filepath.Join(l.logDir(), "yarn-nodemanager.out") }
func (l layout) yarnLauncherLog() string   { return filepath.Join(l.logDir(), "yarn-launcher.log") }
