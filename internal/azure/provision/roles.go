package provision

import (
	"context"
	"crypto/sha256"
	"fmt"

	"github.com/streamscale/streamscale/internal/azure/plan"
)

// roleAssignmentName is a stable GUID for (scope, role, principal), so a second `up` finds
// the assignment the first made.
func roleAssignmentName(scope, role, principal string) string {
	h := sha256.Sum256([]byte(scope + "\x00" + role + "\x00" + principal))
	h[6] = (h[6] & 0x0f) | 0x50 // version 5 style
	h[8] = (h[8] & 0x3f) | 0x80 // RFC 4122 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

func (r *Runner) roleAssignment(ctx context.Context, what, scope, role, principal string) (StepResult, error) {
	get, create := RoleAssignment(r.Clients.RoleAssignments, r.Clients.Subscription, scope, role, principal)
	return r.converge(ctx, plan.KindRoleAssignment, what, get, create)
}

func (r *Runner) resourceID(provider, typ, name string) string {
	return "/subscriptions/" + r.Clients.Subscription + "/resourceGroups/" + r.Plan.Names.ResourceGroup +
		"/providers/" + provider + "/" + typ + "/" + name
}

func (r *Runner) roleAssignments(ctx context.Context, d *Deployment) ([]StepResult, error) {
	n := r.Plan.Names
	acr := r.resourceID("Microsoft.ContainerRegistry", "registries", n.Registry)
	st := r.resourceID("Microsoft.Storage", "storageAccounts", n.StorageAccount)
	var out []StepResult
	for _, a := range []struct{ what, scope, role, principal string }{
		// AKS nodes pull images as the kubelet identity: AcrPull stays with it.
		{"kubelet AcrPull on " + n.Registry, acr, roleAcrPull, d.KubeletObjectID},
		// Flink's pods, and nothing else, reach the storage account as the Flink identity.
		{n.FlinkIdentity + " Storage Blob Data Contributor on " + n.StorageAccount, st, roleStorageBlobDataContributor, d.FlinkIdentityPrincipal},
		{"generators AcrPull on " + n.Registry, acr, roleAcrPull, d.GeneratorIdentityPrincipal},
	} {
		res, err := r.roleAssignment(ctx, a.what, a.scope, a.role, a.principal)
		out = append(out, res)
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// RoleAssignmentName is the stable GUID `up` names the assignment of role to principal at
// scope with, so a second run (of this or another platform's steps) finds it.
func RoleAssignmentName(scope, role, principal string) string {
	return roleAssignmentName(scope, role, principal)
}
