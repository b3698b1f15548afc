package provision

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerinstance/armcontainerinstance/v2"

	"github.com/streamscale/streamscale/internal/azure/plan"
	"github.com/streamscale/streamscale/internal/kafkaconn"
)

// GeneratorResult is one generator container's end.
type GeneratorResult struct {
	Group    string
	ExitCode int
	// Log is the end of the container's output: the generator's summary.
	Log string
}

// generatorContainer is the container's name in each group.
const generatorContainer = "generator"

// logTail is how many lines of a generator's output WaitGenerators keeps.
const logTail = 80

// WaitGenerators polls the generator container groups until every generator has ended (the
// groups never restart), then returns each one's exit code and the end of its output, the
// generator's own summary. It prints a line when a generator ends.
func (r *Runner) WaitGenerators(ctx context.Context) ([]GeneratorResult, error) {
	every := r.PollEvery
	if every <= 0 {
		every = DefaultPollEvery
	}
	p, c, rg := r.Plan, r.Clients, r.Plan.Names.ResourceGroup
	done := map[string]*GeneratorResult{}
	for {
		for _, g := range p.Names.GeneratorGroups {
			if done[g] != nil {
				continue
			}
			got, err := c.ContainerGroups.Get(ctx, rg, g, nil)
			if err != nil {
				return nil, fmt.Errorf("read generator %s: %w", g, err)
			}
			code, ended := exitCode(got.ContainerGroup)
			if !ended {
				continue
			}
			res := &GeneratorResult{Group: g, ExitCode: code}
			logs, err := c.GeneratorLogs.ListLogs(ctx, rg, g, generatorContainer, &armcontainerinstance.ContainersClientListLogsOptions{Tail: to.Ptr(int32(logTail))})
			if err != nil {
				return nil, fmt.Errorf("logs of generator %s: %w", g, err)
			}
			if logs.Content != nil {
				res.Log = strings.TrimRight(*logs.Content, "\n")
			}
			done[g] = res
			fmt.Fprintf(r.out(), "  generator %s ended, exit code %d\n", g, code)
		}
		if len(done) == len(p.Names.GeneratorGroups) {
			out := make([]GeneratorResult, 0, len(done))
			for _, g := range p.Names.GeneratorGroups {
				out = append(out, *done[g])
			}
			return out, nil
		}
		t := time.NewTimer(every)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("wait for the generators (%d of %d ended): %w", len(done), len(p.Names.GeneratorGroups), ctx.Err())
		case <-t.C:
		}
	}
}

// StoppedExitCode is the exit code of a generator whose container group was stopped
// (StopGenerators) before its container reported one.
const StoppedExitCode = -1

// exitCode is the generator container's exit code once it has terminated; a group that was
// stopped has ended too (StoppedExitCode when its container reports no code).
func exitCode(g armcontainerinstance.ContainerGroup) (int, bool) {
	if g.Properties == nil {
		return 0, false
	}
	if code, ok := containerExitCode(g); ok {
		return code, true
	}
	if iv := g.Properties.InstanceView; iv != nil && iv.State != nil && *iv.State == "Stopped" {
		return StoppedExitCode, true
	}
	return 0, false
}

func containerExitCode(g armcontainerinstance.ContainerGroup) (int, bool) {
	for _, ct := range g.Properties.Containers {
		if ct == nil || ct.Name == nil || *ct.Name != generatorContainer || ct.Properties == nil || ct.Properties.InstanceView == nil {
			continue
		}
		st := ct.Properties.InstanceView.CurrentState
		if st != nil && st.State != nil && *st.State == "Terminated" && st.ExitCode != nil {
			return int(*st.ExitCode), true
		}
	}
	return 0, false
}

// generators converges the container groups; each starts sending when created.
func (r *Runner) generators(ctx context.Context, d *Deployment) ([]StepResult, error) {
	return r.generatorsWith(ctx, d, nil)
}

// generatorsWith converges the container groups with command(i) as generator i's command
// line (nil: the plan's).
func (r *Runner) generatorsWith(ctx context.Context, d *Deployment, command func(i int) []string) ([]StepResult, error) {
	p, c, rg := r.Plan, r.Clients, r.Plan.Names.ResourceGroup
	if d.GeneratorsSend.IsZero() || d.GeneratorIdentityID == "" {
		return nil, errors.New("generators: no send rule or pull identity yet")
	}
	var out []StepResult
	for i, name := range p.Names.GeneratorGroups {
		cmd := p.GeneratorCommand(i)
		if command != nil {
			cmd = command(i)
		}
		res, err := r.converge(ctx, plan.KindGenerators, name,
			func(ctx context.Context) error {
				_, err := c.ContainerGroups.Get(ctx, rg, name, nil)
				return err
			},
			func(ctx context.Context) error {
				poller, err := c.ContainerGroups.BeginCreateOrUpdate(ctx, rg, name, armcontainerinstance.ContainerGroup{
					Location: to.Ptr(p.Config.Location),
					Tags:     tags(),
					Identity: &armcontainerinstance.ContainerGroupIdentity{
						Type:                   to.Ptr(armcontainerinstance.ResourceIdentityTypeUserAssigned),
						UserAssignedIdentities: map[string]*armcontainerinstance.UserAssignedIdentities{d.GeneratorIdentityID: {}},
					},
					Properties: &armcontainerinstance.ContainerGroupPropertiesProperties{
						OSType:                   to.Ptr(armcontainerinstance.OperatingSystemTypesLinux),
						RestartPolicy:            to.Ptr(armcontainerinstance.ContainerGroupRestartPolicyNever),
						ImageRegistryCredentials: []*armcontainerinstance.ImageRegistryCredential{{Server: to.Ptr(p.Names.RegistryHost()), Identity: to.Ptr(d.GeneratorIdentityID)}},
						Containers: []*armcontainerinstance.Container{{
							Name: to.Ptr("generator"),
							Properties: &armcontainerinstance.ContainerProperties{
								Image:   to.Ptr(p.GeneratorImage()),
								Command: to.SliceOfPtrs(cmd...),
								Resources: &armcontainerinstance.ResourceRequirements{Requests: &armcontainerinstance.ResourceRequests{
									CPU: to.Ptr(1.0), MemoryInGB: to.Ptr(1.5)}},
								EnvironmentVariables: []*armcontainerinstance.EnvironmentVariable{{
									Name: to.Ptr(kafkaconn.EnvConnectionString), SecureValue: to.Ptr(d.GeneratorsSend.Reveal())}},
							},
						}},
					},
				}, nil)
				if err != nil {
					return err
				}
				_, err = wait(ctx, r, "container group "+name, poller)
				return err
			})
		out = append(out, res)
		if err != nil {
			return out, err
		}
	}
	return out, nil
}
