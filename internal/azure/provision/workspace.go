package provision

import (
	"context"
	"fmt"

	"github.com/streamscale/streamscale/internal/azure/plan"
)

// WorkspaceQueryEndpoint is the Prometheus query endpoint of the Azure Monitor workspace
// `up` made (its properties.metrics.prometheusQueryEndpoint): where `azure report --flink`
// reads the job's Flink metrics.
func WorkspaceQueryEndpoint(ctx context.Context, c *Clients, n plan.Names) (string, error) {
	id := n.ResourceID(c.Subscription, "Microsoft.Monitor/accounts", n.MonitorWorkspace)
	got, err := c.Resources.GetByID(ctx, id, MonitorAccountsAPIVersion, nil)
	if err != nil {
		return "", fmt.Errorf("azure monitor workspace %s: %w (made by `azure up`; or pass --prometheus-endpoint)", n.MonitorWorkspace, err)
	}
	props, _ := got.Properties.(map[string]any)
	metrics, _ := props["metrics"].(map[string]any)
	ep, _ := metrics["prometheusQueryEndpoint"].(string)
	if ep == "" {
		return "", fmt.Errorf("azure monitor workspace %s has no Prometheus query endpoint yet: pass --prometheus-endpoint", n.MonitorWorkspace)
	}
	return ep, nil
}
