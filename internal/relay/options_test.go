package relay

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/streamscale/streamscale/internal/flink"
	"github.com/streamscale/streamscale/internal/flinktest"
	"github.com/streamscale/streamscale/internal/kafkaconn"
)

// TestOptionsSpec: the checkpoint interval follows the guarantee unless given, the tuning
// reaches the spec only when given, and Event Hubs sets the record limit.
func TestOptionsSpec(t *testing.T) {
	topics := Topics{In: "in", Out: "out", DeadLetter: "in-dead-letter"}
	o := DefaultOptions("/b")
	o.Guarantee = string(ExactlyOnce)
	s := o.Spec(kafkaconn.Conn{Brokers: []string{"a:1", "b:2"}}, topics, 3)
	if s.CheckpointInterval != time.Second || s.Parallelism != 3 || s.Brokers != "a:1,b:2" || s.BufferTimeout != nil || s.Linger != nil || s.MaxRecordBytes != 0 {
		t.Errorf("spec %+v", s)
	}
	o.Given = func(flag string) bool { return flag == "buffer-timeout" }
	s = o.Spec(kafkaconn.Conn{Brokers: []string{"a:1"}, EventHubs: true}, topics, 3)
	if s.BufferTimeout == nil || *s.BufferTimeout != 5*time.Millisecond || s.MaxRecordBytes != EventHubsMaxRecordBytes || !s.Secured {
		t.Errorf("spec %+v", s)
	}
	if err := o.CheckTarget(kafkaconn.Conn{EventHubs: true}); !errors.Is(err, ErrExactlyOnceEventHubs) {
		t.Errorf("exactly-once on Event Hubs: %v", err)
	}
	if err := DefaultOptions("/b").Validate(); err != nil {
		t.Errorf("defaults refused: %v", err)
	}
}

// TestForTopics_FakeFlink: the job for the topics is the one that runs; both running is a
// usage error asking for --job, as is an unknown kind; none says how to find one.
func TestForTopics_FakeFlink(t *testing.T) {
	st := flinktest.New(t)
	st.Add("c1", flinktest.Job{Name: "streamscale-complex in->out", States: []flink.JobState{flink.StateRunning}})
	j, k, err := ForTopics(t.Context(), st.Client(), "in", "out", "")
	if err != nil || j.ID != "c1" || k != JobComplex {
		t.Fatalf("ForTopics = %v %v %v, want the complex job c1", j, k, err)
	}
	st.Add("r1", flinktest.Job{Name: "streamscale-relay in->out", States: []flink.JobState{flink.StateRunning}})
	var ue *UsageError
	if _, _, err := ForTopics(t.Context(), st.Client(), "in", "out", ""); !errors.As(err, &ue) || !strings.Contains(err.Error(), "pick one with --job") {
		t.Errorf("both running: %v, want a usage error asking for --job", err)
	}
	if _, _, err := ForTopics(t.Context(), st.Client(), "in", "out", "cep"); !errors.As(err, &ue) {
		t.Errorf("unknown kind: %v, want a usage error", err)
	}
	if _, _, err := ForTopics(t.Context(), st.Client(), "a", "b", ""); err == nil || !strings.Contains(err.Error(), "streamscale job list") {
		t.Errorf("none running: %v", err)
	}
}
