package cli

import (
	"github.com/streamscale/streamscale/internal/azure/azclient"

	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/streamscale/streamscale/internal/azure/preflight"
	"github.com/streamscale/streamscale/internal/azure/up"
)

func TestAzureCheckFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		ok   func(*up.CheckOptions) bool
	}{
		{[]string{"--tier", "10", "--resource-group", "rg", "--location", "westeurope"}, func(o *up.CheckOptions) bool {
			return o.Config.Tier == 10 && o.Config.ResourceGroup == "rg" && o.Config.Location == "westeurope" && o.Platform == up.AKS &&
				o.Config.Prefix == "streamscale" && o.CallTimeout == preflight.DefaultCallTimeout
		}},
		{[]string{"--resource-group", "rg", "--location", "l", "--node-count", "6", "--node-vm-size", "Standard_D8s_v3", "--prefix", "ssdemo", "--subscription", "s"}, func(o *up.CheckOptions) bool {
			return o.Config.Overrides.NodeCount == 6 && o.Config.Overrides.NodeVMSize == "Standard_D8s_v3" && o.Config.Prefix == "ssdemo" && o.Config.Subscription == "s"
		}},
		{[]string{"--platform", "hdinsight", "--hdi-workers", "5", "--hdi-worker-size", "Standard_D4_V2", "--call-timeout", "5s"}, func(o *up.CheckOptions) bool {
			return o.Platform == up.HDInsight && o.HDI.Workers == 5 && o.HDI.WorkerSize == "Standard_D4_V2" && o.CallTimeout == 5*time.Second
		}},
	} {
		var got *up.CheckOptions
		f, _, _ := testFactory()
		err := execute(newAzureCheckCmd(f, func(_ context.Context, o *up.CheckOptions) error { got = o; return nil }), tc.args...)
		if err != nil || got == nil || !tc.ok(got) {
			t.Errorf("%v: err %v, options %+v", tc.args, err, got)
		}
	}
}

// checkStub is a preflight that returns rep and records the Config it was given.
type checkStub struct {
	rep   preflight.Report
	calls int
	got   preflight.Config
}

func (s *checkStub) run(_ context.Context, c preflight.Config) (preflight.Report, error) {
	s.calls++
	s.got = c
	return s.rep, nil
}

var (
	passingReport = preflight.Report{Checks: []preflight.Check{{Name: "identity", OK: true, Detail: "signed in as alice"}}}
	failingReport = preflight.Report{Checks: []preflight.Check{{Name: "identity", OK: true, Detail: "signed in as alice"},
		{Name: "quota standardDSv3Family", Detail: "need 16 vCPUs, 4 free", Fix: "request a quota increase"}}}
)

// countingTransport answers every request 500 and counts them: a test sees whether a
// command reached Azure.
type countingTransport struct{ n atomic.Int32 }

func (c *countingTransport) Do(req *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return &http.Response{StatusCode: http.StatusInternalServerError, Status: "500", Header: http.Header{}, Body: http.NoBody, Request: req}, nil
}

func stubDeps(s *checkStub, tr *countingTransport) *azclient.Clients {
	return &azclient.Clients{
		NewCredential: func() (azcore.TokenCredential, error) { return &azfake.TokenCredential{}, nil },
		ARMOptions:    &arm.ClientOptions{ClientOptions: policy.ClientOptions{Transport: tr, Retry: policy.RetryOptions{MaxRetries: -1}}},
		Checks:        s.run,
	}
}

func TestAzureCheckRun(t *testing.T) {
	base := []string{"--resource-group", "rg", "--location", "westeurope", "--subscription", "sub"}
	for _, tc := range []struct {
		name    string
		args    []string
		rep     preflight.Report
		wantErr error
		want    []string
		// config checks what the checks were asked to check.
		config func(preflight.Config) bool
	}{
		{"pass, tier 10 from the tier table", append([]string{"--tier", "10"}, base...), passingReport, nil,
			[]string{"azure check: tier 10 on aks in resource group rg (westeurope)", "  ok    identity: signed in as alice", "1 of 1 checks passed"},
			func(c preflight.Config) bool {
				return c.Plan.Tier.NodeCount == 4 && c.Plan.Tier.NodeVMSize == "Standard_D4s_v3" && c.HDInsight == nil && c.Plan.Config.Subscription == "sub" && c.CallTimeout == preflight.DefaultCallTimeout
			}},
		{"fail exits non-zero", base, failingReport, ErrSilent,
			[]string{"  FAIL  quota standardDSv3Family: need 16 vCPUs, 4 free; fix: request a quota increase", "1 of 2 checks passed"}, nil},
		{"hdinsight", append([]string{"--platform", "hdinsight", "--hdi-workers", "4"}, base...), passingReport, nil,
			[]string{"on hdinsight"}, func(c preflight.Config) bool {
				return c.HDInsight != nil && c.HDInsight.Spec.Workers == 4 && c.HDInsight.Base == c.Plan
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &checkStub{rep: tc.rep}
			f, out, _ := testFactory()
			err := execute(newAzureCheckCmd(withAzure(f, stubDeps(s, &countingTransport{})), nil), tc.args...)
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
				t.Fatalf("err %v, want %v", err, tc.wantErr)
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
			if tc.config != nil && (s.calls != 1 || !tc.config(s.got)) {
				t.Errorf("checks called %d times with %+v", s.calls, s.got)
			}
		})
	}
}

func TestAzureCheckFlagErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--location", "westeurope", "--subscription", "s"}, "--resource-group is required"},
		{[]string{"--resource-group", "rg", "--location", "westeurope"}, "no subscription: pass --subscription"},
		{[]string{"--resource-group", "rg", "--location", "westeurope", "--subscription", "s", "--tier", "7"}, "--tier 7: there is no such tier"},
		{[]string{"--resource-group", "rg", "--location", "westeurope", "--subscription", "s", "--platform", "k8s"}, `--platform "k8s": use aks or hdinsight`},
		{[]string{"--resource-group", "rg", "--location", "westeurope", "--subscription", "s", "--call-timeout", "0s"}, "--call-timeout 0s"},
		{[]string{"--resource-group", "rg", "--location", "westeurope", "--subscription", "s", "--platform", "hdinsight", "--hdi-worker-size", "D3"}, `--hdi-worker-size "D3"`},
	} {
		s := &checkStub{rep: passingReport}
		f, _, _ := testFactory()
		err := execute(newAzureCheckCmd(withAzure(f, stubDeps(s, &countingTransport{})), nil), tc.args...)
		var fe *FlagError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), tc.want) || s.calls != 0 {
			t.Errorf("%v: err %v (checks run %d times), want a flag error with %q", tc.args, err, s.calls, tc.want)
		}
	}
}

// TestAzureUpChecksFirst: `azure up` runs the checks before it asks Azure for anything, stops
// on a failed one having created nothing, goes on after passing ones (to the image build), and skips them with
// --skip-checks (and in a dry run, which needs no credentials).
func TestAzureUpChecksFirst(t *testing.T) {
	base := []string{"--resource-group", "rg", "--location", "westeurope", "--subscription", "sub", "--generator-binary", "/bin/true"}
	for _, tc := range []struct {
		name       string
		args       []string
		rep        preflight.Report
		wantChecks int
		wantErr    string
		reached    bool // whether up went on to call Azure
	}{
		{"failed check stops up", base, failingReport, 1, "azure up: azure check failed: 1 of 2 checks failed", false},
		{"failed check stops hdinsight up", append([]string{"--platform", "hdinsight", "--job-jar", "/bin/true"}, base...), failingReport, 1, "nothing was created (--skip-checks goes on anyway)", false},
		// Past the checks, up builds the images before it creates anything: /bin/true is
		// refused there (dynamically linked), which shows up went on.
		{"passed checks go on", base, passingReport, 1, "generator binary", false},
		{"skip-checks", append([]string{"--skip-checks"}, base...), failingReport, 0, "generator binary", false},
		{"dry run", append([]string{"--dry-run"}, base...), failingReport, 0, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, tr := &checkStub{rep: tc.rep}, &countingTransport{}
			f, out, _ := testFactory()
			err := execute(newAzureUpCmd(withAzure(f, stubDeps(s, tr)), nil), tc.args...)
			if (tc.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("err %v, want %q\n%s", err, tc.wantErr, out.String())
			}
			if s.calls != tc.wantChecks {
				t.Errorf("checks ran %d times, want %d", s.calls, tc.wantChecks)
			}
			if got := tr.n.Load() > 0; got != tc.reached {
				t.Errorf("up called Azure %d times; want calls: %v", tr.n.Load(), tc.reached)
			}
		})
	}
}
