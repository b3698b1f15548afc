package hdinsight

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/streamscale/streamscale/internal/azure/provision"
)

// fakeShared stands in for provision.Runner.UpShared (tested against the ARM fakes in
// provision): it records that it ran, creates on the first call only, and can fail.
type fakeShared struct {
	log   *[]string
	calls int
	fail  error
}

func (s *fakeShared) UpShared(context.Context) (*provision.Deployment, error) {
	s.calls++
	*s.log = append(*s.log, "shared")
	outcome := provision.Created
	if s.calls > 1 {
		outcome = provision.Exists
	}
	d := &provision.Deployment{Steps: []provision.StepResult{{Kind: "storage-account", Name: "st", Outcome: outcome}},
		JobListen: provision.NewSecret(testJobListen), JobSend: provision.NewSecret(testJobSend)}
	return d, s.fail
}

func TestUpAllOrderThenNothing_Fake(t *testing.T) {
	f := &fakeAzure{exists: map[string]bool{}}
	var out bytes.Buffer
	r := newRunner(t, f, &out)
	r.JobListen, r.JobSend = provision.Secret{}, provision.Secret{} // UpAll passes the shared steps' on
	var log []string
	shared := &fakeShared{log: &log}
	if _, _, err := UpAll(context.Background(), shared, r); err != nil {
		t.Fatal(err)
	}
	// The shared steps ran before anything of the HDInsight steps was created.
	if len(log) != 1 || len(f.creates) != 4 || len(f.blobs.puts) != 3 {
		t.Fatalf("shared %v, creates %v, uploads %v", log, f.creates, f.blobs.puts)
	}
	if !strings.Contains(out.String(), "up: 8 created") {
		t.Errorf("output lacks the summary:\n%s", out.String())
	}
	// The uploads come before the cluster in the output (the cluster reads the script).
	if i, j := strings.Index(out.String(), "uploaded"), strings.Index(out.String(), "created  hdinsight-cluster"); i < 0 || j < i {
		t.Errorf("the uploads are not before the cluster:\n%s", out.String())
	}
	out.Reset()
	if _, _, err := UpAll(context.Background(), shared, r); err != nil {
		t.Fatal(err)
	}
	if len(f.creates) != 4 || len(f.blobs.puts) != 3 || !strings.Contains(out.String(), "up: 0 created") {
		t.Errorf("second up created %v, uploaded %v:\n%s", f.creates, f.blobs.puts, out.String())
	}
	if strings.Contains(out.String(), testPassword) {
		t.Error("the output holds the password")
	}
}

func TestUpAllStopsWhenTheSharedStepsFail_Fake(t *testing.T) {
	f := &fakeAzure{exists: map[string]bool{}}
	r := newRunner(t, f, &bytes.Buffer{})
	var log []string
	boom := errors.New("create storage-account st: boom")
	if _, _, err := UpAll(context.Background(), &fakeShared{log: &log, fail: boom}, r); !errors.Is(err, boom) {
		t.Fatalf("err %v, want the shared step's", err)
	}
	if len(f.creates) != 0 || len(f.blobs.puts) != 0 {
		t.Errorf("created %v and uploaded %v after the shared steps failed", f.creates, f.blobs.puts)
	}
}
