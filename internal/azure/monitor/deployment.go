package monitor

import (
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/monitor/armmonitor"

	"github.com/streamscale/streamscale/internal/azure/plan"
)

// TwoHubs is the history of the deployment's two hubs: "in" in namespace #1 and "out" in
// namespace #2 (`azure run`'s hub table and `azure report`'s).
func TwoHubs(client *armmonitor.MetricsClient, subscription string, n plan.Names, throughputUnits int) History {
	ns := func(name string) string { return n.ResourceID(subscription, "Microsoft.EventHub/namespaces", name) }
	return History{Client: client, ThroughputUnits: throughputUnits, Hubs: []Hub{
		{Name: plan.HubIn, NamespaceID: ns(n.NamespaceIn)},
		{Name: plan.HubOut, NamespaceID: ns(n.NamespaceOut)},
	}}
}
