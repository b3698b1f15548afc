package relay

import (
	"testing"

	"github.com/streamscale/streamscale/internal/flink"
	"github.com/streamscale/streamscale/internal/flinktest"
)

// newStubFlink is the Flink REST double (flinktest; not a Flink cluster, the integration
// tests use the real JobManager) and a client of it.
func newStubFlink(t *testing.T) (*flinktest.Server, *flink.Client) {
	s := flinktest.New(t)
	return s, s.Client()
}

// addJob puts a job on the double.
func addJob(s *flinktest.Server, id, name, cause string, states ...flink.JobState) {
	s.Add(id, flinktest.Job{Name: name, Cause: cause, States: states})
}
