package verify

import (
	"testing"

	"github.com/streamscale/streamscale/internal/relay"
)

// TestJobNamesAreRelays: the job names verify takes are the ones relay submits under, without
// verify importing the package it checks.
func TestJobNamesAreRelays(t *testing.T) {
	if JobRelay != string(relay.JobRelay) || JobComplex != string(relay.JobComplex) {
		t.Errorf("verify's job names %q, %q; relay's %q, %q", JobRelay, JobComplex, relay.JobRelay, relay.JobComplex)
	}
}
