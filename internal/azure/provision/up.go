package provision

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/streamscale/streamscale/internal/azure/plan"
)

// record returns two adapters that append a step's results to d.Steps and pass its error
// on: one for a step with one result, many for a step with several.
func (d *Deployment) record() (one func(StepResult, error) error, many func([]StepResult, error) error) {
	one = func(res StepResult, err error) error {
		d.Steps = append(d.Steps, res)
		return err
	}
	many = func(res []StepResult, err error) error {
		d.Steps = append(d.Steps, res...)
		return err
	}
	return one, many
}

// ErrNoClusterSide says `Up` converged the Azure resources but had no ClusterSide for the
// images, the operator and the FlinkDeployment, so it did not start the generators either.
var ErrNoClusterSide = errors.New("the Azure resources are there; the images, the Flink operator and the FlinkDeployment are not deployed by this build, so the generators were not started")

// Up converges everything in the plan's order and returns the deployment. It is safe to run
// again: a resource that exists is left alone, so a failed run resumes at the step that
// failed.
func (r *Runner) Up(ctx context.Context) (*Deployment, error) {
	start := r.clock()
	d, err := r.UpShared(ctx)
	if err != nil {
		return d, err
	}
	one, many := d.record()
	steps := []func() error{
		func() error { return one(r.registry(ctx)) },
		func() error { return one(r.generatorIdentity(ctx, d)) },
		func() error { return one(r.flinkIdentity(ctx, d)) },
		func() error { return one(r.cluster(ctx, d)) },
		func() error { return one(r.federatedCredential(ctx, d)) },
		func() error { return many(r.roleAssignments(ctx, d)) },
		func() error { return many(r.prometheus(ctx)) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return d, err
		}
	}
	if r.Cluster == nil {
		fmt.Fprintf(r.out(), "converged the Azure resources in %s (%d created)\n", r.clock().Sub(start).Round(time.Second), len(d.Created()))
		return d, ErrNoClusterSide
	}
	kubeconfig, err := r.Kubeconfig(ctx)
	if err != nil {
		return d, err
	}
	if err := r.Cluster.Converge(ctx, d, kubeconfig, r.out()); err != nil {
		return d, fmt.Errorf("kubernetes side: %w (run `azure up` again to resume)", err)
	}
	if r.Plan.Config.NoLoad {
		fmt.Fprintf(r.out(), "  no generators started (--load-duration 0): `azure run` starts its own\n")
	} else if err := many(r.generators(ctx, d)); err != nil {
		return d, err
	}
	fmt.Fprintf(r.out(), "up in %s: %d created\n", r.clock().Sub(start).Round(time.Second), len(d.Created()))
	return d, nil
}

// StartGenerators creates the generator container groups that are missing; each sends its
// share of the tier's rate for the plan's LoadDuration, then stops (restart policy Never).
// d needs GeneratorsSend and GeneratorIdentityID (from Up or Read). command, when not nil,
// replaces the plan's command line of generator i (Plan.GeneratorCommand): `azure run` sends
// the run's load.
func (r *Runner) StartGenerators(ctx context.Context, d *Deployment, command func(i int) []string) ([]StepResult, error) {
	return r.generatorsWith(ctx, d, command)
}

// Kubeconfig is the AKS cluster's user kubeconfig (Azure RBAC decides what it may do).
func (r *Runner) Kubeconfig(ctx context.Context) ([]byte, error) {
	n := r.Plan.Names
	creds, err := r.Clients.Clusters.ListClusterUserCredentials(ctx, n.ResourceGroup, n.Cluster, nil)
	if err != nil {
		return nil, fmt.Errorf("kubeconfig of AKS cluster %s: %w", n.Cluster, err)
	}
	if len(creds.Kubeconfigs) == 0 || creds.Kubeconfigs[0] == nil || len(creds.Kubeconfigs[0].Value) == 0 {
		return nil, fmt.Errorf("AKS cluster %s returned no kubeconfig", n.Cluster)
	}
	return creds.Kubeconfigs[0].Value, nil
}

// Read returns the deployment `up` made, creating nothing: the hubs' endpoints and the
// rules' connection strings (for `run`, `verify` and `report`).
func (r *Runner) Read(ctx context.Context) (*Deployment, error) {
	p, c, rg := r.Plan, r.Clients, r.Plan.Names.ResourceGroup
	d := &Deployment{Plan: p, InBootstrap: plan.Bootstrap(p.Names.NamespaceIn), OutBootstrap: plan.Bootstrap(p.Names.NamespaceOut)}
	for _, k := range []struct {
		namespace, rule string
		into            *Secret
	}{
		{p.Names.NamespaceIn, plan.RuleGeneratorsSend, &d.GeneratorsSend},
		{p.Names.NamespaceIn, plan.RuleJobListen, &d.JobListen},
		{p.Names.NamespaceIn, plan.RuleVerifierListen, &d.VerifierListenIn},
		{p.Names.NamespaceOut, plan.RuleJobSend, &d.JobSend},
		{p.Names.NamespaceOut, plan.RuleVerifierListen, &d.VerifierListen},
	} {
		keys, err := c.Namespaces.ListKeys(ctx, rg, k.namespace, k.rule, nil)
		if err != nil {
			if IsNotFound(err) {
				return nil, fmt.Errorf("rule %s on %s does not exist: run `streamscale azure up` first", k.rule, k.namespace)
			}
			return nil, fmt.Errorf("read the keys of rule %s on %s: %w", k.rule, k.namespace, err)
		}
		if keys.PrimaryConnectionString == nil {
			return nil, fmt.Errorf("rule %s on %s has no connection string", k.rule, k.namespace)
		}
		*k.into = NewSecret(*keys.PrimaryConnectionString)
	}
	n := p.Names
	if n.GeneratorIdentity != "" {
		id, err := c.Identities.Get(ctx, rg, n.GeneratorIdentity, nil)
		if err != nil {
			return nil, readErr("managed identity", n.GeneratorIdentity, err)
		}
		if id.ID != nil {
			d.GeneratorIdentityID = *id.ID
		}
		if id.Properties != nil && id.Properties.PrincipalID != nil {
			d.GeneratorIdentityPrincipal = *id.Properties.PrincipalID
		}
	}
	if n.FlinkIdentity != "" {
		id, err := c.Identities.Get(ctx, rg, n.FlinkIdentity, nil)
		if err != nil {
			return nil, readErr("managed identity", n.FlinkIdentity, err)
		}
		if id.Properties != nil && id.Properties.ClientID != nil && id.Properties.PrincipalID != nil {
			d.FlinkIdentityClientID, d.FlinkIdentityPrincipal = *id.Properties.ClientID, *id.Properties.PrincipalID
		}
	}
	if n.Cluster != "" {
		cl, err := c.Clusters.Get(ctx, rg, n.Cluster, nil)
		if err != nil {
			return nil, readErr("AKS cluster", n.Cluster, err)
		}
		if cl.Properties != nil {
			if k := cl.Properties.IdentityProfile["kubeletidentity"]; k != nil && k.ClientID != nil && k.ObjectID != nil {
				d.KubeletClientID, d.KubeletObjectID = *k.ClientID, *k.ObjectID
			}
			if o := cl.Properties.OidcIssuerProfile; o != nil && o.IssuerURL != nil {
				d.OIDCIssuer = *o.IssuerURL
			}
		}
	}
	return d, nil
}

// readErr says a resource `up` makes is missing (run `azure up`), or could not be read.
func readErr(kind, name string, err error) error {
	if IsNotFound(err) {
		return fmt.Errorf("%s %s does not exist: run `streamscale azure up` first", kind, name)
	}
	return fmt.Errorf("read %s %s: %w", kind, name, err)
}

// ErrGeneratorRunning is a generator container group that still runs when a new load is
// to start: its events would fall into the new run's window.
var ErrGeneratorRunning = errors.New("a generator is still sending")

// DeleteGenerators deletes the plan's generator container groups that have ended (a
// group's name is fixed, so a second load needs the first one's gone), waiting until Azure is
// done, and returns how many it deleted. A group that still runs is not touched: that is
// ErrGeneratorRunning, naming it.
func (r *Runner) DeleteGenerators(ctx context.Context) (int, error) {
	c, rg := r.Clients, r.Plan.Names.ResourceGroup
	deleted := 0
	for _, g := range r.Plan.Names.GeneratorGroups {
		got, err := c.ContainerGroups.Get(ctx, rg, g, nil)
		if IsNotFound(err) {
			continue
		}
		if err != nil {
			return deleted, fmt.Errorf("read generator %s: %w", g, err)
		}
		if _, ended := exitCode(got.ContainerGroup); !ended {
			return deleted, fmt.Errorf("%w: container group %s (from `azure up` or another run) has not ended; wait until it has (`az container show -g %s -n %s --query instanceView.state`) and run again", ErrGeneratorRunning, g, rg, g)
		}
		start := r.clock()
		poller, err := c.ContainerGroups.BeginDelete(ctx, rg, g, nil)
		if err != nil {
			return deleted, fmt.Errorf("delete generator %s: %w", g, err)
		}
		if _, err := wait(ctx, r, "container group "+g, poller); err != nil {
			return deleted, fmt.Errorf("delete generator %s: %w", g, err)
		}
		deleted++
		fmt.Fprintf(r.out(), "  deleted  %-20s %s (ended) in %s\n", plan.KindGenerators, g, r.clock().Sub(start).Round(time.Second))
	}
	return deleted, nil
}

// Down deletes the resource group rg and everything in it, waiting until Azure is done. A
// group that does not exist is not an error: there is nothing to delete. It needs only
// r.Clients (no plan).
func (r *Runner) Down(ctx context.Context, rg string) (deleted bool, err error) {
	if _, err := r.Clients.Groups.Get(ctx, rg, nil); err != nil {
		if IsNotFound(err) {
			fmt.Fprintf(r.out(), "resource group %s does not exist: nothing to delete\n", rg)
			return false, nil
		}
		return false, fmt.Errorf("read resource group %s: %w", rg, err)
	}
	fmt.Fprintf(r.out(), "  deleting resource group %s and everything in it\n", rg)
	start := r.clock()
	poller, err := r.Clients.Groups.BeginDelete(ctx, rg, nil)
	if err != nil {
		return false, fmt.Errorf("delete resource group %s: %w", rg, err)
	}
	if _, err := wait(ctx, r, "resource group "+rg, poller); err != nil {
		return false, fmt.Errorf("delete resource group %s: %w", rg, err)
	}
	fmt.Fprintf(r.out(), "  deleted  resource group %s in %s\n", rg, r.clock().Sub(start).Round(time.Second))
	return true, nil
}

// UpShared converges the steps every platform shares, in the plan's order: the resource
// group, the two Event Hubs namespaces with their hubs and rules, and the storage account
// with its containers. The deployment it returns has the rules' connection strings. It is
// safe to run again, like Up.
func (r *Runner) UpShared(ctx context.Context) (*Deployment, error) {
	p := r.Plan
	d := &Deployment{Plan: p, InBootstrap: plan.Bootstrap(p.Names.NamespaceIn), OutBootstrap: plan.Bootstrap(p.Names.NamespaceOut)}
	one, many := d.record()
	rules := func(namespace string, rs []plan.Rule) error {
		res, keys, err := r.rules(ctx, namespace, rs)
		d.Steps = append(d.Steps, res...)
		if err != nil {
			return err
		}
		for name, k := range keys {
			switch name {
			case plan.RuleGeneratorsSend:
				d.GeneratorsSend = k
			case plan.RuleJobListen:
				d.JobListen = k
			case plan.RuleJobSend:
				d.JobSend = k
			case plan.RuleVerifierListen:
				if namespace == p.Names.NamespaceIn {
					d.VerifierListenIn = k
				} else {
					d.VerifierListen = k
				}
			}
		}
		return nil
	}
	steps := []func() error{
		func() error { return one(r.resourceGroup(ctx)) },
		func() error { return one(r.namespace(ctx, p.Names.NamespaceIn)) },
		func() error { return one(r.hub(ctx, p.Names.NamespaceIn, plan.HubIn, p.Tier.Partitions)) },
		func() error { return rules(p.Names.NamespaceIn, plan.RulesIn) },
		func() error { return one(r.namespace(ctx, p.Names.NamespaceOut)) },
		func() error { return one(r.hub(ctx, p.Names.NamespaceOut, plan.HubOut, p.Tier.Partitions)) },
		func() error { return one(r.hub(ctx, p.Names.NamespaceOut, plan.HubDeadLetter, 1)) },
		func() error { return rules(p.Names.NamespaceOut, plan.RulesOut) },
		func() error { return many(r.storage(ctx)) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return d, err
		}
	}
	return d, nil
}
