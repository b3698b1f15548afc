package provision

import (
	"context"
	"fmt"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerinstance/armcontainerinstance/v2"
)

// StopGenerators stops every generator container group (Container Instances' Stop: the
// containers are sent SIGTERM, a generator then prints its summary of what it sent) and
// returns each one's end of output and, when its container reports it terminated, its exit
// code. A group that cannot be stopped or read is an error naming it; the others are still
// stopped and read. The groups stay (stopped) until the next load or `azure down` deletes
// them.
func (r *Runner) StopGenerators(ctx context.Context) ([]GeneratorResult, error) {
	p, c, rg := r.Plan, r.Clients, r.Plan.Names.ResourceGroup
	var out []GeneratorResult
	var errs []string
	for _, g := range p.Names.GeneratorGroups {
		if _, err := c.ContainerGroups.Stop(ctx, rg, g, nil); err != nil {
			errs = append(errs, fmt.Sprintf("stop generator %s: %v", g, err))
			continue
		}
		fmt.Fprintf(r.out(), "  generator %s stopped\n", g)
		res := GeneratorResult{Group: g}
		if got, err := c.ContainerGroups.Get(ctx, rg, g, nil); err == nil {
			res.ExitCode, _ = exitCode(got.ContainerGroup)
		}
		logs, err := c.GeneratorLogs.ListLogs(ctx, rg, g, generatorContainer, &armcontainerinstance.ContainersClientListLogsOptions{Tail: to.Ptr(int32(logTail))})
		if err != nil {
			errs = append(errs, fmt.Sprintf("logs of generator %s: %v", g, err))
			continue
		}
		if logs.Content != nil {
			res.Log = strings.TrimRight(*logs.Content, "\n")
		}
		out = append(out, res)
	}
	if len(errs) > 0 {
		return out, fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return out, nil
}
