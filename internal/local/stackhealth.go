package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// waitHealthy polls until the broker and Flink are healthy, printing a progress line, and
// fails fast with the last lines of its log when a process dies.
func (s *Stack) waitHealthy(ctx context.Context, st *state, progress io.Writer) (Status, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.StartTimeout)
	defer cancel()
	marker := homeMarker(s.cfg.Home)
	line := newProgressLine(progress)
	defer line.done()
	for {
		for _, p := range allProcs(st) {
			if !processAlive(p.rec.PID, marker) {
				return Status{}, fmt.Errorf("%s (pid %d) exited during start; last lines of %s:\n%s", p.name, p.rec.PID, p.rec.Log, lastLines(p.rec))
			}
		}
		status := s.statusOf(ctx, st)
		tms, slots := len(st.TaskManagers), st.slots()
		if st.Config.flinkOn() == FlinkOnYarn {
			tms, slots = s.cfg.TaskManagers, s.cfg.TaskManagers*s.cfg.Slots
		}
		line.set(fmt.Sprintf("waiting for the stack: kafka %s, flink %d/%d taskmanagers, %d/%d slots",
			healthWord(status.Kafka.Healthy), status.Flink.TaskManagersRegistered, tms,
			status.Flink.SlotsTotal, slots))
		if status.Healthy() {
			return status, nil
		}
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return Status{}, fmt.Errorf("stack not healthy after %s (kafka healthy=%v, flink healthy=%v): see the logs in %s, or raise --start-timeout", s.cfg.StartTimeout, status.Kafka.Healthy, status.Flink.Healthy, s.layout.logDir())
			}
			return Status{}, ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

func healthWord(ok bool) string {
	if ok {
		return "ready"
	}
	return "starting"
}

// lastLines returns the tail of a process's log, or of its stdout file when the log is empty
// (a JVM that fails before log4j starts writes only to stdout).
func lastLines(p procRecord) string {
	if t := tailFile(p.Log, 15); t != "" {
		if o := tailFile(p.Out, 5); o != "" {
			return t + "\n" + o
		}
		return t
	}
	return tailFile(p.Out, 20)
}

type namedProc struct {
	name string
	rec  procRecord
}

func allProcs(st *state) []namedProc {
	var ps []namedProc
	for i := range st.Config.brokerCount() {
		if p := st.broker(i); p != nil {
			ps = append(ps, namedProc{brokerName(st.Config.brokerCount(), i), *p})
		}
	}
	if st.ResourceManager != nil {
		ps = append(ps, namedProc{"YARN ResourceManager", *st.ResourceManager})
	}
	if st.NodeManager != nil {
		ps = append(ps, namedProc{"YARN NodeManager", *st.NodeManager})
	}
	if st.JobManager != nil {
		ps = append(ps, namedProc{"Flink JobManager", *st.JobManager})
	}
	for i, tm := range st.TaskManagers {
		ps = append(ps, namedProc{fmt.Sprintf("Flink TaskManager %d", i), tm})
	}
	return ps
}

func keepAlive(p *procRecord, marker string) *procRecord {
	if p != nil && processAlive(p.PID, marker) {
		return p
	}
	return nil
}

func liveOnly(ps []procRecord, marker string) []procRecord {
	var out []procRecord
	for _, p := range ps {
		if processAlive(p.PID, marker) {
			out = append(out, p)
		}
	}
	return out
}
