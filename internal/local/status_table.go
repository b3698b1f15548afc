package local

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteText prints the stack's status for people (local status): a row per process with its
// pid, health, address and log, then the brokers of a replicated Kafka, the YARN applications,
// the Event Hubs emulation, the Flink slots and the metrics endpoints (or how to start the
// stack when it is not running).
func (s Status) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PROCESS\tPID\tSTATE\tADDRESS\tLOG")
	if len(s.Kafka.Brokers) > 1 {
		for _, b := range s.Kafka.Brokers {
			fmt.Fprintf(tw, "kafka-%d\t%s\t%s\t%s\t%s\n", b.NodeID, pidText(b.PID), stateText(b.Running, b.Running && b.Registered), b.Address, b.Log)
		}
	} else {
		fmt.Fprintf(tw, "kafka\t%s\t%s\t%s\t%s\n", pidText(s.Kafka.PID), stateText(s.Kafka.Running, s.Kafka.Healthy), s.Kafka.Bootstrap, s.Kafka.Log)
	}
	if y := s.Yarn; y != nil {
		fmt.Fprintf(tw, "yarn-resourcemanager\t%s\t%s\t%s\t%s\n", pidText(y.ResourceManagerPID), stateText(y.ResourceManagerRunning, y.Healthy), y.ResourceManagerURL, y.ResourceManagerLog)
		fmt.Fprintf(tw, "yarn-nodemanager\t%s\t%s\t%s\t%s\n", pidText(y.NodeManagerPID), stateText(y.NodeManagerRunning, y.Healthy && y.NodesRunning > 0), y.NodeManagerURL, y.NodeManagerLog)
	}
	fmt.Fprintf(tw, "flink-jobmanager\t%s\t%s\t%s\t%s\n", pidText(s.Flink.JobManagerPID), stateText(s.Flink.JobManagerRunning, s.Flink.Healthy), s.Flink.REST, s.Flink.JobManagerLog)
	for i, pid := range s.Flink.TaskManagerPIDs {
		fmt.Fprintf(tw, "flink-taskmanager-%d\t%d\t%s\t-\t%s\n", i, pid, stateText(true, s.Flink.Healthy), s.Flink.TaskManagerLogs[i])
	}
	tw.Flush()
	if len(s.Kafka.Brokers) > 1 && s.Kafka.Running {
		writeBrokers(w, s.Kafka)
	}
	if y := s.Yarn; y != nil && y.ResourceManagerRunning {
		writeYarnApps(w, y)
	}
	if l := s.Kafka.EventHubs; l != nil && s.Kafka.Running {
		fmt.Fprintf(w, "Kafka: emulates %s\n", l)
	}
	if s.Flink.JobManagerRunning {
		fmt.Fprintf(w, "Flink: %d TaskManagers registered (%d standby), %d/%d slots free\n", s.Flink.TaskManagersRegistered, s.Flink.StandbyTaskManagers, s.Flink.SlotsAvailable, s.Flink.SlotsTotal)
	}
	if s.Running() {
		metrics := []string{"kafka " + s.Kafka.MetricsURL}
		if len(s.Kafka.Brokers) > 1 {
			metrics = metrics[:0]
			for _, b := range s.Kafka.Brokers {
				metrics = append(metrics, fmt.Sprintf("kafka-%d %s", b.NodeID, b.MetricsURL))
			}
		}
		if s.Flink.JobManagerMetrics != "" {
			metrics = append(metrics, "flink-jobmanager "+s.Flink.JobManagerMetrics)
		}
		for i, u := range s.Flink.TaskManagerMetrics {
			metrics = append(metrics, fmt.Sprintf("flink-taskmanager-%d %s", i, u))
		}
		fmt.Fprintf(w, "Prometheus metrics: %s\n", strings.Join(metrics, ", "))
	}
	if !s.Running() {
		fmt.Fprintf(w, "The local stack in %s is not running: start it with `streamscale local up`.\n", s.Home)
	}
	return nil
}

// writeBrokers lists each broker of a replicated Kafka: its ports, whether the cluster lists it,
// whether it is the active controller and the partitions it leads.
func writeBrokers(w io.Writer, k KafkaStatus) {
	fmt.Fprintf(w, "Kafka: %d brokers, topics created with replication factor %d, min.insync.replicas %d\n", len(k.Brokers), k.ReplicationFactor, k.MinInsyncReplicas)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NODE\tPID\tALIVE\tREGISTERED\tPORTS (client/controller/metrics)\tROLE\tLEADS")
	for _, b := range k.Brokers {
		role := "broker+controller"
		if b.ActiveController {
			role += " (active)"
		}
		leads := "-"
		if len(b.Leaders) > 0 {
			leads = fmt.Sprintf("%d: %s", len(b.Leaders), strings.Join(b.Leaders, " "))
		}
		fmt.Fprintf(tw, "%d\t%s\t%v\t%v\t%d/%d/%d\t%s\t%s\n", b.NodeID, pidText(b.PID), b.Running, b.Registered, b.Port, b.ControllerPort, b.MetricsPort, role, leads)
	}
	tw.Flush()
}

// writeYarnApps lists the YARN applications that have not ended, with their containers.
func writeYarnApps(w io.Writer, y *YarnStatus) {
	if len(y.Applications) == 0 {
		fmt.Fprintln(w, "YARN: no application running")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "YARN APPLICATION / CONTAINER\tSTATE\tMEMORY\tPID\tADDRESS / LOGS")
	for _, a := range y.Applications {
		fmt.Fprintf(tw, "%s (%s)\t%s\t-\t-\t%s\n", a.ID, a.Name, a.State, a.TrackingURL)
		for _, c := range a.Containers {
			fmt.Fprintf(tw, "  %s\t%s\t%d MB\t%s\t%s\n", c.ID, c.State, c.MemoryMB, pidText(c.PID), c.Log)
		}
	}
	tw.Flush()
}

func pidText(pid int) string {
	if pid == 0 {
		return "-"
	}
	return fmt.Sprint(pid)
}

func stateText(running, healthy bool) string {
	switch {
	case !running:
		return "stopped"
	case healthy:
		return "healthy"
	default:
		return "unhealthy"
	}
}
