package preflight

import (
	"context"
	"sort"

	"github.com/streamscale/streamscale/internal/azure/hdinsight"
	"github.com/streamscale/streamscale/internal/azure/plan"
)

// stepProviders are the resource providers each kind of step creates resources with.
// (hdinsight.KindIdentity is plan.KindIdentity's kind.)
var stepProviders = map[plan.StepKind][]string{
	plan.KindNamespace:    {"Microsoft.EventHub"},
	plan.KindStorage:      {"Microsoft.Storage"},
	plan.KindRegistry:     {"Microsoft.ContainerRegistry"},
	plan.KindIdentity:     {"Microsoft.ManagedIdentity"},
	plan.KindCluster:      {"Microsoft.ContainerService"},
	plan.KindPrometheus:   {"Microsoft.Monitor", "Microsoft.Insights"},
	plan.KindGenerators:   {"Microsoft.ContainerInstance"},
	hdinsight.KindCluster: {"Microsoft.HDInsight"},
}

// requiredProviders are the providers the plan's steps need, sorted. On AKS the generators'
// Container Instances are needed even when `up` starts none (--load-duration 0), as
// `azure run` starts its own.
func (c Config) requiredProviders() []string {
	steps := c.Plan.Steps
	if c.HDInsight != nil {
		steps = c.HDInsight.Steps
	}
	set := map[string]bool{}
	for _, s := range steps {
		for _, p := range stepProviders[s.Kind] {
			set[p] = true
		}
	}
	if c.HDInsight == nil {
		for _, p := range stepProviders[plan.KindGenerators] {
			set[p] = true
		}
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// providers checks that each provider the plan needs is registered with the subscription.
func (r *run) providers(ctx context.Context) []Check {
	var checks []Check
	for _, ns := range r.requiredProviders() {
		name := "provider " + ns
		register := "`az provider register --namespace " + ns + "` (takes a few minutes; `az provider show --namespace " + ns + " --query registrationState`)"
		cctx, cancel := r.call(ctx)
		p, err := r.clients.Providers.Get(cctx, ns, nil)
		cancel()
		switch {
		case err != nil:
			checks = append(checks, fail(name, "cannot read its registration: "+r.brief(err), register))
		case p.RegistrationState == nil:
			checks = append(checks, fail(name, "no registration state", register))
		case *p.RegistrationState == "Registered":
			checks = append(checks, pass(name, "Registered"))
		case *p.RegistrationState == "Registering":
			checks = append(checks, fail(name, "Registering, not yet Registered", "wait until `az provider show --namespace "+ns+" --query registrationState` says Registered"))
		default:
			checks = append(checks, fail(name, *p.RegistrationState, register))
		}
	}
	return checks
}
