package local

import (
	"fmt"
	"io"
	"strings"
)

// Addresses is a running stack's status as `local up` prints it: where each part answers.
type Addresses Status

// WriteText prints the Kafka bootstrap, the Flink REST URL, the YARN ResourceManager and
// applications, the metrics endpoints, the TaskManagers and the state directory.
func (s Addresses) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "Kafka bootstrap   %s\n", s.Kafka.Bootstrap)
	fmt.Fprintf(w, "Flink REST / UI   %s\n", s.Flink.REST)
	if y := s.Yarn; y != nil {
		fmt.Fprintf(w, "YARN RM / UI      %s\n", y.ResourceManagerURL)
		for _, a := range y.Applications {
			fmt.Fprintf(w, "YARN application  %s (%s, %d containers)\n", a.ID, a.State, len(a.Containers))
		}
	}
	if s.Flink.JobManagerMetrics != "" {
		fmt.Fprintf(w, "Flink metrics     %s (JobManager), %s (TaskManagers)\n", s.Flink.JobManagerMetrics, strings.Join(s.Flink.TaskManagerMetrics, ", "))
	}
	fmt.Fprintf(w, "TaskManagers      %d (%d slots)\n", s.Flink.TaskManagersRegistered, s.Flink.SlotsTotal)
	_, err := fmt.Fprintf(w, "State directory   %s\n", s.Home)
	return err
}
