package provision

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/authorization/armauthorization/v2"

	"github.com/streamscale/streamscale/internal/azure/plan"
)

// DefaultPollEvery is how often a long-running operation is polled, and a progress line
// printed, when Runner.PollEvery is zero.
const DefaultPollEvery = 15 * time.Second

// Runner converges Azure to a plan.
type Runner struct {
	Plan    *plan.Plan
	Clients *Clients
	// Out receives one line per step and the progress lines (nil: discarded).
	Out io.Writer
	// PollEvery is how often long-running operations are polled (default DefaultPollEvery).
	PollEvery time.Duration
	// Cluster, when set, does the Kubernetes side once the AKS cluster exists: the images, the
	// operator, the secrets and the FlinkDeployment. Without it `Up` stops after the Azure
	// resources and says so.
	Cluster ClusterSide
	// now is the clock for the elapsed times printed (time.Now by default).
	now func() time.Time
}

// ClusterSide is the work after the Azure resources: what the images, operator and
// Kubernetes packages do.
type ClusterSide interface {
	// Converge pushes the images, installs the operator and applies the manifests for d,
	// printing its steps to out. kubeconfig is the AKS cluster's user credentials.
	Converge(ctx context.Context, d *Deployment, kubeconfig []byte, out io.Writer) error
}

// Outcome is what a step did.
type Outcome string

// The outcomes.
const (
	Created Outcome = "created"
	Exists  Outcome = "exists"
)

// StepResult is one converged resource.
type StepResult struct {
	Kind    plan.StepKind
	Name    string
	Outcome Outcome
	Took    time.Duration
}

// errNotFound marks a Get that found nothing (HTTP 404).
var errNotFound = errors.New("not found")

// notFound maps an SDK 404 to errNotFound and wraps other errors.
func notFound(err error) error {
	var re *azcore.ResponseError
	if errors.As(err, &re) && re.StatusCode == http.StatusNotFound {
		return errNotFound
	}
	return err
}

// IsNotFound reports whether err is the SDK's answer to a Get of a resource that does not
// exist (HTTP 404): what a read-first step then creates. It is the one 404 check of the Azure
// packages and commands (a missing resource group, hub or permission scope).
func IsNotFound(err error) bool { return errors.Is(notFound(err), errNotFound) }

func (r *Runner) out() io.Writer {
	if r.Out == nil {
		return io.Discard
	}
	return r.Out
}

func (r *Runner) clock() time.Time {
	if r.now != nil {
		return r.now()
	}
	return time.Now()
}

// converge runs one resource's step (Stepper.Converge), timed, resumed by `azure up`.
func (r *Runner) converge(ctx context.Context, kind plan.StepKind, name string, get, create func(context.Context) error) (StepResult, error) {
	return Stepper{Out: r.out(), Clock: r.clock, Resume: "azure up"}.Converge(ctx, kind, name, get, create)
}

// Stepper runs read-first steps: the one step runner of `azure up` (Runner) and of
// `azure up --platform hdinsight` (package hdinsight).
type Stepper struct {
	// Out is told each step's progress (nil: nothing is said).
	Out io.Writer
	// Clock times each creation, said on its "created" line (nil: not timed).
	Clock func() time.Time
	// Resume is the command whose rerun resumes after a failed creation, e.g. "azure up".
	Resume string
}

// Converge runs one resource's step: get reports whether it exists (nil), is missing (an
// SDK 404, IsNotFound) or cannot be told (another error); create makes it.
func (s Stepper) Converge(ctx context.Context, kind plan.StepKind, name string, get, create func(context.Context) error) (StepResult, error) {
	out := s.Out
	if out == nil {
		out = io.Discard
	}
	res := StepResult{Kind: kind, Name: name}
	err := notFound(get(ctx))
	switch {
	case err == nil:
		res.Outcome = Exists
		fmt.Fprintf(out, "  exists   %-20s %s\n", kind, name)
		return res, nil
	case !errors.Is(err, errNotFound):
		return res, fmt.Errorf("read %s %s: %w", kind, name, err)
	}
	fmt.Fprintf(out, "  creating %-20s %s\n", kind, name)
	var start time.Time
	if s.Clock != nil {
		start = s.Clock()
	}
	if err := create(ctx); err != nil {
		return res, fmt.Errorf("create %s %s: %w (run `%s` again to resume)", kind, name, err, s.Resume)
	}
	res.Outcome = Created
	if s.Clock == nil {
		fmt.Fprintf(out, "  created  %-20s %s\n", kind, name)
		return res, nil
	}
	res.Took = s.Clock().Sub(start)
	fmt.Fprintf(out, "  created  %-20s %s in %s\n", kind, name, res.Took.Round(time.Second))
	return res, nil
}

// RoleAssignment is the read and the create of the role assignment giving principal (a
// service principal) role at scope, named after the three (RoleAssignmentName) so a rerun
// finds it: for Stepper.Converge.
func RoleAssignment(c *armauthorization.RoleAssignmentsClient, subscription, scope, role, principal string) (get, create func(context.Context) error) {
	name := roleAssignmentName(scope, role, principal)
	roleID := "/subscriptions/" + subscription + "/providers/Microsoft.Authorization/roleDefinitions/" + role
	get = func(ctx context.Context) error {
		_, err := c.Get(ctx, scope, name, nil)
		return err
	}
	create = func(ctx context.Context) error {
		_, err := c.Create(ctx, scope, name, armauthorization.RoleAssignmentCreateParameters{
			Properties: &armauthorization.RoleAssignmentProperties{
				RoleDefinitionID: to.Ptr(roleID),
				PrincipalID:      to.Ptr(principal),
				PrincipalType:    to.Ptr(armauthorization.PrincipalTypeServicePrincipal),
			},
		}, nil)
		return err
	}
	return get, create
}

// wait polls a long-running operation until it is done, printing a progress line each time.
func wait[T any](ctx context.Context, r *Runner, what string, p *runtime.Poller[T]) (T, error) {
	every := r.PollEvery
	if every <= 0 {
		every = DefaultPollEvery
	}
	start := r.clock()
	for !p.Done() {
		t := time.NewTimer(every)
		select {
		case <-ctx.Done():
			t.Stop()
			var zero T
			return zero, ctx.Err()
		case <-t.C:
		}
		if _, err := p.Poll(ctx); err != nil {
			var zero T
			return zero, err
		}
		if !p.Done() {
			fmt.Fprintf(r.out(), "           … %s: Azure is still working (%s)\n", what, r.clock().Sub(start).Round(time.Second))
		}
	}
	return p.Result(ctx)
}
