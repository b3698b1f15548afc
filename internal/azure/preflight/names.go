package preflight

import (
	"context"
	"errors"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerregistry/armcontainerregistry"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/eventhub/armeventhub"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/storage/armstorage"

	"github.com/streamscale/streamscale/internal/azure/plan"
	"github.com/streamscale/streamscale/internal/azure/provision"
)

// Resource types whose names are global: their DNS names are unique across Azure.
const (
	typeStorageAccount = "Microsoft.Storage/storageAccounts"
	typeRegistry       = "Microsoft.ContainerRegistry/registries"
	typeNamespace      = "Microsoft.EventHub/namespaces"
	typeAKSCluster     = "Microsoft.ContainerService/managedClusters"
	typeHDICluster     = "Microsoft.HDInsight/clusters"
)

// existing are the resources already in the plan's resource group, by lower-case
// "type/name".
type existing map[string]bool

func (e existing) has(typ, name string) bool { return e[strings.ToLower(typ+"/"+name)] }

// existingResources lists the resource group's resources; a group that does not exist has
// none.
func (r *run) existingResources(ctx context.Context) (existing, error) {
	cctx, cancel := r.call(ctx)
	defer cancel()
	e := existing{}
	pager := r.clients.Resources.NewListByResourceGroupPager(r.Plan.Config.ResourceGroup, nil)
	for pager.More() {
		page, err := pager.NextPage(cctx)
		if provision.IsNotFound(err) {
			return e, nil
		}
		if err != nil {
			return nil, err
		}
		for _, res := range page.Value {
			if res != nil && res.Type != nil && res.Name != nil {
				e[strings.ToLower(*res.Type+"/"+*res.Name)] = true
			}
		}
	}
	return e, nil
}

// globalName is one of the plan's globally unique names.
type globalName struct {
	what, typ, name string
}

// globalNames are the plan's globally unique names, from its steps.
func (c Config) globalNames() []globalName {
	steps := c.Plan.Steps
	if c.HDInsight != nil {
		steps = c.HDInsight.Steps
	}
	var out []globalName
	seen := map[string]bool{}
	for _, s := range steps {
		var g globalName
		switch s.Kind {
		case plan.KindStorage:
			g = globalName{"storage account", typeStorageAccount, s.Name}
		case plan.KindRegistry:
			g = globalName{"container registry", typeRegistry, s.Name}
		case plan.KindNamespace:
			g = globalName{"Event Hubs namespace", typeNamespace, s.Name}
		default:
			continue
		}
		if !seen[g.typ+"/"+g.name] {
			seen[g.typ+"/"+g.name] = true
			out = append(out, g)
		}
	}
	return out
}

// names checks each global name: fine when the resource is already in our resource group
// (a resumed `up`), else it must be free.
func (r *run) names(ctx context.Context, have existing) []Check {
	var checks []Check
	for _, g := range r.globalNames() {
		name := "name " + g.name
		if have.has(g.typ, g.name) {
			checks = append(checks, pass(name, g.what+" already in resource group "+r.Plan.Config.ResourceGroup+" (azure up resumes with it)"))
			continue
		}
		available, reason, err := r.available(ctx, g)
		switch {
		case err != nil:
			checks = append(checks, fail(name, "cannot check the "+g.what+" name: "+r.brief(err), "run the check again, or ask Azure yourself: `"+cliCheck(g)+"`"))
		case available:
			checks = append(checks, pass(name, g.what+" name is free"))
		default:
			checks = append(checks, fail(name, g.what+" name is taken elsewhere in Azure ("+reason+")",
				"the names derive from --prefix and --resource-group: pick another --prefix (and give it to every azure command)"))
		}
	}
	return checks
}

// cliCheck is the Azure CLI's command for the same question.
func cliCheck(g globalName) string {
	switch g.typ {
	case typeStorageAccount:
		return "az storage account check-name --name " + g.name
	case typeRegistry:
		return "az acr check-name --name " + g.name
	}
	return "az eventhubs namespace exists --name " + g.name
}

// errNoAnswer is a name check that answered without saying whether the name is free.
var errNoAnswer = errors.New("the answer does not say whether the name is available")

// available asks the name's resource provider whether it is free.
func (r *run) available(ctx context.Context, g globalName) (ok bool, reason string, err error) {
	cctx, cancel := r.call(ctx)
	defer cancel()
	var free *bool
	var why, msg *string
	switch g.typ {
	case typeStorageAccount:
		res, e := r.clients.Accounts.CheckNameAvailability(cctx, armstorage.AccountCheckNameAvailabilityParameters{Name: &g.name, Type: ptr(typeStorageAccount)}, nil)
		err, free, msg = e, res.NameAvailable, res.Message
		if res.Reason != nil {
			why = ptr(string(*res.Reason))
		}
	case typeRegistry:
		res, e := r.clients.Registries.CheckNameAvailability(cctx, armcontainerregistry.RegistryNameCheckRequest{Name: &g.name, Type: ptr(typeRegistry)}, nil)
		err, free, why, msg = e, res.NameAvailable, res.Reason, res.Message
	case typeNamespace:
		res, e := r.clients.Namespaces.CheckNameAvailability(cctx, armeventhub.CheckNameAvailabilityParameter{Name: &g.name}, nil)
		err, free, msg = e, res.NameAvailable, res.Message
		if res.Reason != nil {
			why = ptr(string(*res.Reason))
		}
	}
	if err != nil {
		return false, "", err
	}
	if free == nil {
		return false, "", errNoAnswer
	}
	reason = "no reason given"
	switch {
	case why != nil && msg != nil:
		reason = *why + ": " + *msg
	case why != nil:
		reason = *why
	case msg != nil:
		reason = *msg
	}
	return *free, reason, nil
}
