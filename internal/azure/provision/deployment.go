package provision

import (
	"github.com/streamscale/streamscale/internal/azure/plan"
)

// Deployment is what `up` leaves behind for the rest of the pipeline: where the hubs are
// and the connection strings of the four rules, the cluster's kubelet identity, and what each
// step did. It is also what `run`, `verify` and `report` need (docs/azure.md).
type Deployment struct {
	Plan *plan.Plan
	// InBootstrap and OutBootstrap are the two namespaces' Kafka endpoints (host:9093).
	InBootstrap, OutBootstrap string
	// The rules' primary connection strings: generators-send, job-listen and verifier-listen
	// (VerifierListenIn) on #1, job-send and verifier-listen on #2.
	GeneratorsSend, JobListen, VerifierListenIn, JobSend, VerifierListen Secret
	// KubeletClientID and KubeletObjectID are the AKS kubelet identity's: the nodes pull
	// images as it (AcrPull). Flink does not use it.
	KubeletClientID, KubeletObjectID string
	// FlinkIdentityClientID and FlinkIdentityPrincipal are the Flink identity's
	// (plan.Names.FlinkIdentity): Flink's pods reach the storage account as it through
	// workload identity; the flink service account is annotated with its client ID.
	FlinkIdentityClientID, FlinkIdentityPrincipal string
	// OIDCIssuer is the AKS cluster's OIDC issuer URL, which the federated credential trusts.
	OIDCIssuer string
	// GeneratorIdentityID is the user-assigned identity's resource ID the container groups
	// pull their image with; GeneratorIdentityPrincipal its principal (object) ID.
	GeneratorIdentityID, GeneratorIdentityPrincipal string
	// Steps are the steps run, in order.
	Steps []StepResult
}

// Created are the steps that created something (none on a second `up`).
func (d *Deployment) Created() []StepResult {
	var c []StepResult
	for _, s := range d.Steps {
		if s.Outcome == Created {
			c = append(c, s)
		}
	}
	return c
}
