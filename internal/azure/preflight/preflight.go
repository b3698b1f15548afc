// Package preflight checks a subscription before `azure up` spends twenty minutes creating
// things that then fail: the signed-in identity and the subscription, the resource providers
// the plan needs, the permission to create role assignments, the regional vCPU quota and the
// VM sizes of the cluster's nodes, and the availability of the plan's globally unique names.
// It reads only; it creates nothing. `streamscale azure check` prints its report, and
// `azure up` runs it first (docs/azure.md, "azure check").
package preflight

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"

	"github.com/streamscale/streamscale/internal/azure/armclients"
	"github.com/streamscale/streamscale/internal/azure/hdinsight"
	"github.com/streamscale/streamscale/internal/azure/plan"
)

// DefaultCallTimeout bounds each call to Azure when Config.CallTimeout is unset.
const DefaultCallTimeout = 30 * time.Second

// Config is what Run checks and how it reaches Azure.
type Config struct {
	// Plan is the AKS plan, or the base of the HDInsight plan: its subscription, resource
	// group, location, tier (node count and size) and names.
	Plan *plan.Plan
	// HDInsight, when set, checks `azure up --platform hdinsight` instead of AKS: its nodes,
	// its resource provider, and no container registry.
	HDInsight *hdinsight.Plan
	// Credential signs the calls; Run first asks it for a token.
	Credential azcore.TokenCredential
	// Options are the ARM clients' options (nil: the SDK's defaults; tests set the SDK's fake
	// servers as the transport).
	Options *arm.ClientOptions
	// CallTimeout bounds each call (default DefaultCallTimeout).
	CallTimeout time.Duration
}

func (c Config) validate() error {
	switch {
	case c.Plan == nil:
		return errors.New("preflight: no plan")
	case c.Credential == nil:
		return errors.New("preflight: no credential")
	case c.Plan.Config.Subscription == "":
		return plan.ErrNoSubscription
	case c.HDInsight != nil && c.HDInsight.Base != c.Plan:
		return errors.New("preflight: the HDInsight plan is built on another base plan")
	case c.CallTimeout < 0:
		return fmt.Errorf("preflight: call timeout %s: give a positive duration", c.CallTimeout)
	}
	return nil
}

// Check is one check's outcome.
type Check struct {
	// Name says what was checked, e.g. "provider Microsoft.EventHub".
	Name string
	// OK is whether it passed.
	OK bool
	// Detail is what was found: never a token or a key.
	Detail string
	// Fix is what to do when it failed.
	Fix string
}

func pass(name, detail string) Check { return Check{Name: name, OK: true, Detail: detail} }

func fail(name, detail, fix string) Check { return Check{Name: name, Detail: detail, Fix: fix} }

// Report is every check's outcome, in a fixed order.
type Report struct {
	Checks []Check
}

// Failed are the checks that failed.
func (r Report) Failed() []Check {
	var f []Check
	for _, c := range r.Checks {
		if !c.OK {
			f = append(f, c)
		}
	}
	return f
}

// ErrChecksFailed is the error Report.Err wraps when a check failed.
var ErrChecksFailed = errors.New("azure check failed")

// Err is nil when every check passed, else an error naming how many failed.
func (r Report) Err() error {
	if n := len(r.Failed()); n > 0 {
		return fmt.Errorf("%w: %d of %d checks failed; fix them (each FAIL line says how) and run it again", ErrChecksFailed, n, len(r.Checks))
	}
	return nil
}

// Write prints one line per check: "ok" or "FAIL", the check, what was found, and the fix.
func (r Report) Write(w io.Writer) error {
	for _, c := range r.Checks {
		var err error
		if c.OK {
			_, err = fmt.Fprintf(w, "  ok    %s: %s\n", c.Name, c.Detail)
		} else {
			_, err = fmt.Fprintf(w, "  FAIL  %s: %s; fix: %s\n", c.Name, c.Detail, c.Fix)
		}
		if err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(w, "%d of %d checks passed\n", len(r.Checks)-len(r.Failed()), len(r.Checks))
	return err
}

// Run checks the subscription against the plan. Every check runs, whatever the others
// found (only a credential that gets no token stops the rest, as every call would fail the
// same way); the error is for a Config that cannot be checked, never for a failed check:
// those are in the Report (Report.Err).
func Run(ctx context.Context, c Config) (Report, error) {
	if err := c.validate(); err != nil {
		return Report{}, err
	}
	if c.CallTimeout == 0 {
		c.CallTimeout = DefaultCallTimeout
	}
	cl, err := armclients.New(c.Plan.Config.Subscription, c.Credential, c.Options)
	if err != nil {
		return Report{}, err
	}
	r := &run{Config: c, clients: cl}
	who, idCheck := r.identity(ctx)
	if !idCheck.OK {
		return Report{Checks: []Check{idCheck,
			fail("other checks", "not run: every call needs a token", "sign in first; then run the checks again")}}, nil
	}
	groups := []func(context.Context) []Check{
		r.subscription,
		r.providers,
		func(ctx context.Context) []Check { return []Check{r.roleAssignments(ctx, who)} },
		r.resources,
	}
	out := make([][]Check, len(groups))
	var wg sync.WaitGroup
	for i, g := range groups {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = g(ctx)
		}()
	}
	wg.Wait()
	rep := Report{Checks: []Check{idCheck}}
	for _, o := range out {
		rep.Checks = append(rep.Checks, o...)
	}
	return rep, nil
}

// run is one Run's state.
type run struct {
	Config
	clients *armclients.Set
}

// call bounds one call to Azure by the call timeout.
func (r *run) call(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, r.CallTimeout)
}

// brief is an Azure error in one line: the service's error code and HTTP status, or a
// timeout, without the response body the SDK's message carries.
func (r *run) brief(err error) string {
	var re *azcore.ResponseError
	switch {
	case errors.As(err, &re):
		return fmt.Sprintf("%s (HTTP %d)", re.ErrorCode, re.StatusCode)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("no answer within %s", r.CallTimeout)
	}
	return firstLine(err.Error())
}

func firstLine(s string) string {
	for i, ch := range s {
		if ch == '\n' {
			return s[:i]
		}
	}
	return s
}
