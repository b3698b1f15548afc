package bench

import (
	"fmt"
	"io"
	"time"
)

// Err is an error when events are missing after the kills, nil otherwise.
func (r FailoverResult) Err() error {
	if r.Missing > 0 {
		return fmt.Errorf("bench failover: %d events missing after the kills", r.Missing)
	}
	return nil
}

// WriteText prints the settings, a row per kill (its stall, when and how Flink noticed) and
// the stalls' median and maximum.
func (r FailoverResult) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "guarantee %s, %.0f events/s, checkpoint interval %s, restart %s\n", r.Guarantee, r.Rate, time.Duration(r.CheckpointIntervalMs)*time.Millisecond, r.Restart)
	fmt.Fprintf(w, "settings %s: %d standby TaskManagers, heartbeat.interval %s, heartbeat.timeout %s, heartbeat.rpc-failure-threshold %s, failover %s\n",
		r.Settings.Name, r.Settings.StandbyTaskManagers, orDefault(r.Flink["heartbeat.interval"]), orDefault(r.Flink["heartbeat.timeout"]),
		orDefault(r.Flink["heartbeat.rpc-failure-threshold"]), orDefault(r.Flink["jobmanager.execution.failover-strategy"]))
	fmt.Fprintf(w, "%-5s %-28s %10s %-18s %9s %16s %8s %8s\n", "kill", "taskmanager", "lost after", "detected by", "stall ms", "gap from/to ms", "back ms", "missing")
	for i, k := range r.Kills {
		by := k.DetectedBy
		if by == "" {
			by = "?"
		}
		stall, gap := fmt.Sprint(k.Stall.Ms), fmt.Sprintf("%+d/%+d", k.Stall.FromMs, k.Stall.ToMs)
		if !k.Stall.Recovered {
			stall, gap = "-", "not recovered"
		}
		fmt.Fprintf(w, "%-5d %-28s %10d %-18s %9s %16s %8d %8d\n", i+1, k.TaskManager, k.DetectedMs, by, stall, gap, k.BackAfterMs, k.Missing)
	}
	_, err := fmt.Fprintf(w, "stall p50 %d ms, max %d ms over %d kills (%d not recovered); %d missing; load average %.1f → %.1f\n",
		r.StallP50Ms, r.StallMaxMs, len(r.Kills)-r.Unrecovered, r.Unrecovered, r.Missing, r.LoadAvg[0], r.LoadAvg[1])
	return err
}

// orDefault is a cluster setting, or "default" when the cluster does not set it.
func orDefault(v string) string {
	if v == "" {
		return "default"
	}
	return v
}

// WriteJSONFile writes the result to path as indented JSON.
func (r FailoverResult) WriteJSONFile(path string) error { return writeJSONFile(path, r) }
