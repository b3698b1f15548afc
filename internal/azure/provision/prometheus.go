package provision

import (
	"context"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/monitor/armmonitor"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources"

	"github.com/streamscale/streamscale/internal/azure/plan"
)

// Managed Prometheus, as `az aks update --enable-azure-monitor-metrics` sets it up: an Azure
// Monitor workspace (Microsoft.Monitor/accounts, which no official Go module has a client for:
// it goes through the generic resources client and its API version), a data collection
// endpoint and rule forwarding the cluster's Prometheus metrics into the workspace, and the
// two associations of the cluster with them. The cluster's metrics add-on
// (azureMonitorProfile.metrics) then scrapes what the PodMonitor selects.
const (
	// MonitorAccountsAPIVersion is Microsoft.Monitor/accounts' API version.
	MonitorAccountsAPIVersion = "2023-04-03"
	// prometheusStream is the stream the metrics add-on sends.
	prometheusStream = "Microsoft-PrometheusMetrics"
	// The associations' names the az CLI gives them, which the add-on looks for.
	ruleAssociation     = "ContainerInsightsMetricsExtension"
	endpointAssociation = "configurationAccessEndpoint"
	workspaceDestName   = "MonitoringAccount1"
)

func (r *Runner) prometheus(ctx context.Context) ([]StepResult, error) {
	p, c, rg, n := r.Plan, r.Clients, r.Plan.Names.ResourceGroup, r.Plan.Names
	loc := to.Ptr(p.Config.Location)
	workspace := r.resourceID("Microsoft.Monitor", "accounts", n.MonitorWorkspace)
	dce := r.resourceID("Microsoft.Insights", "dataCollectionEndpoints", n.PrometheusEndpoint)
	dcr := r.resourceID("Microsoft.Insights", "dataCollectionRules", n.PrometheusRule)
	cluster := r.resourceID("Microsoft.ContainerService", "managedClusters", n.Cluster)
	steps := []struct {
		name        string
		get, create func(context.Context) error
	}{
		{n.MonitorWorkspace,
			func(ctx context.Context) error {
				_, err := c.Resources.GetByID(ctx, workspace, MonitorAccountsAPIVersion, nil)
				return err
			},
			func(ctx context.Context) error {
				poller, err := c.Resources.BeginCreateOrUpdateByID(ctx, workspace, MonitorAccountsAPIVersion, armresources.GenericResource{Location: loc, Tags: tags()}, nil)
				if err != nil {
					return err
				}
				_, err = wait(ctx, r, "Azure Monitor workspace "+n.MonitorWorkspace, poller)
				return err
			}},
		{n.PrometheusEndpoint,
			func(ctx context.Context) error {
				_, err := c.CollectionEndpoints.Get(ctx, rg, n.PrometheusEndpoint, nil)
				return err
			},
			func(ctx context.Context) error {
				_, err := c.CollectionEndpoints.Create(ctx, rg, n.PrometheusEndpoint, armmonitor.DataCollectionEndpointResource{
					Location: loc, Tags: tags(), Kind: to.Ptr(armmonitor.KnownDataCollectionEndpointResourceKindLinux),
					Properties: &armmonitor.DataCollectionEndpointResourceProperties{}}, nil)
				return err
			}},
		{n.PrometheusRule,
			func(ctx context.Context) error {
				_, err := c.CollectionRules.Get(ctx, rg, n.PrometheusRule, nil)
				return err
			},
			func(ctx context.Context) error {
				_, err := c.CollectionRules.Create(ctx, rg, n.PrometheusRule, prometheusRule(loc, dce, workspace), nil)
				return err
			}},
		{n.Cluster + "/" + ruleAssociation,
			func(ctx context.Context) error {
				_, err := c.CollectionAssociations.Get(ctx, cluster, ruleAssociation, nil)
				return err
			},
			func(ctx context.Context) error {
				_, err := c.CollectionAssociations.Create(ctx, cluster, ruleAssociation, armmonitor.DataCollectionRuleAssociationProxyOnlyResource{
					Properties: &armmonitor.DataCollectionRuleAssociationProxyOnlyResourceProperties{DataCollectionRuleID: to.Ptr(dcr)}}, nil)
				return err
			}},
		{n.Cluster + "/" + endpointAssociation,
			func(ctx context.Context) error {
				_, err := c.CollectionAssociations.Get(ctx, cluster, endpointAssociation, nil)
				return err
			},
			func(ctx context.Context) error {
				_, err := c.CollectionAssociations.Create(ctx, cluster, endpointAssociation, armmonitor.DataCollectionRuleAssociationProxyOnlyResource{
					Properties: &armmonitor.DataCollectionRuleAssociationProxyOnlyResourceProperties{DataCollectionEndpointID: to.Ptr(dce)}}, nil)
				return err
			}},
	}
	var out []StepResult
	for _, s := range steps {
		res, err := r.converge(ctx, plan.KindPrometheus, s.name, s.get, s.create)
		out = append(out, res)
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// prometheusRule is the data collection rule that sends the cluster's Prometheus metrics
// through the endpoint dce into the workspace.
func prometheusRule(loc *string, dce, workspace string) armmonitor.DataCollectionRuleResource {
	return armmonitor.DataCollectionRuleResource{
		Location: loc, Tags: tags(),
		Properties: &armmonitor.DataCollectionRuleResourceProperties{
			Description:              to.Ptr("the AKS cluster's Prometheus metrics into the Azure Monitor workspace (streamscale)"),
			DataCollectionEndpointID: to.Ptr(dce),
			DataSources: &armmonitor.DataCollectionRuleDataSources{PrometheusForwarder: []*armmonitor.PrometheusForwarderDataSource{{
				Name:    to.Ptr("PrometheusDataSource"),
				Streams: []*armmonitor.KnownPrometheusForwarderDataSourceStreams{to.Ptr(armmonitor.KnownPrometheusForwarderDataSourceStreamsMicrosoftPrometheusMetrics)},
			}}},
			Destinations: &armmonitor.DataCollectionRuleDestinations{MonitoringAccounts: []*armmonitor.MonitoringAccountDestination{{
				AccountResourceID: to.Ptr(workspace), Name: to.Ptr(workspaceDestName)}}},
			DataFlows: []*armmonitor.DataFlow{{
				Streams:      []*armmonitor.KnownDataFlowStreams{to.Ptr(armmonitor.KnownDataFlowStreams(prometheusStream))},
				Destinations: []*string{to.Ptr(workspaceDestName)},
			}},
		}}
}
