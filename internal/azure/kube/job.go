package kube

import (
	"context"
	"fmt"

	"k8s.io/client-go/dynamic"

	"github.com/streamscale/streamscale/internal/azure/plan"
	"github.com/streamscale/streamscale/internal/relay"
)

// DeployedJob reads which job the cluster runs: the kind whose FlinkDeployment is in
// namespace (plan.DeploymentNameFor). None, or both (`azure up` deletes the other kind's, so
// only a hand-made one), is an error naming what to do.
func DeployedJob(ctx context.Context, dyn dynamic.Interface, namespace string) (relay.Job, error) {
	var found []relay.Job
	for _, j := range []relay.Job{relay.JobRelay, relay.JobComplex} {
		ok, err := FlinkDeploymentExists(ctx, dyn, namespace, plan.DeploymentNameFor(j))
		if err != nil {
			return "", err
		}
		if ok {
			found = append(found, j)
		}
	}
	relayName, complexName := plan.DeploymentNameFor(relay.JobRelay), plan.DeploymentNameFor(relay.JobComplex)
	switch len(found) {
	case 0:
		return "", fmt.Errorf("no FlinkDeployment %s or %s in namespace %s: run `streamscale azure up` first", relayName, complexName, namespace)
	case 1:
		return found[0], nil
	}
	return "", fmt.Errorf("both FlinkDeployments %s and %s are in namespace %s, and both write %s: `azure up --job relay` (or complex) deletes the other", relayName, complexName, namespace, plan.HubOut)
}

// JobToVerify is the job `azure verify` checks: the one the cluster runs (DeployedJob); an
// asked job (--job, "" when not given) that contradicts it is an error.
func JobToVerify(ctx context.Context, dyn dynamic.Interface, namespace string, asked relay.Job) (relay.Job, error) {
	deployed, err := DeployedJob(ctx, dyn, namespace)
	if err != nil {
		return "", err
	}
	if asked != "" && asked != deployed {
		return "", fmt.Errorf("--job %s: the cluster runs the %s job (FlinkDeployment %s/%s); drop --job, or run `azure up --job %s` first",
			asked, deployed, namespace, plan.DeploymentNameFor(deployed), asked)
	}
	return deployed, nil
}
