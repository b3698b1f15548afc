package kube

import (
	"context"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/streamscale/streamscale/internal/azure/plan"
	"github.com/streamscale/streamscale/internal/relay"
)

func TestJobToVerifyReadsTheClusters_FakeDynamic(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		deployed []relay.Job
		asked    relay.Job
		want     relay.Job
		errHas   string
	}{
		{"relay deployed, no --job", []relay.Job{relay.JobRelay}, "", relay.JobRelay, ""},
		{"complex deployed, no --job", []relay.Job{relay.JobComplex}, "", relay.JobComplex, ""},
		{"complex deployed, --job complex", []relay.Job{relay.JobComplex}, relay.JobComplex, relay.JobComplex, ""},
		{"complex deployed, --job relay", []relay.Job{relay.JobComplex}, relay.JobRelay, "", "--job relay: the cluster runs the complex job (FlinkDeployment streamscale/streamscale-complex); drop --job"},
		{"relay deployed, --job complex", []relay.Job{relay.JobRelay}, relay.JobComplex, "", "--job complex: the cluster runs the relay job"},
		{"none", nil, "", "", "run `streamscale azure up` first"},
		{"both", []relay.Job{relay.JobRelay, relay.JobComplex}, "", "", "both FlinkDeployments"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dyn := fakeDynamic()
			for _, j := range tc.deployed {
				u := &unstructured.Unstructured{}
				u.SetAPIVersion("flink.apache.org/v1beta1")
				u.SetKind("FlinkDeployment")
				u.SetName(plan.DeploymentNameFor(j))
				u.SetNamespace(plan.K8sNamespace)
				if err := dyn.Tracker().Create(FlinkDeployments, u, plan.K8sNamespace); err != nil {
					t.Fatal(err)
				}
			}
			got, err := JobToVerify(ctx, dyn, plan.K8sNamespace, tc.asked)
			if tc.errHas != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errHas) || strings.Contains(err.Error(), "\n") {
					t.Fatalf("err %v, want %q", err, tc.errHas)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("%s %v, want %s", got, err, tc.want)
			}
		})
	}
}
