package preflight

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v9"

	"github.com/streamscale/streamscale/internal/azure/hdinsight"
)

// TotalRegionalCores is the usage entry of the region's total vCPUs, across VM families.
const TotalRegionalCores = "cores"

// nodes are count VMs of one size.
type nodes struct {
	role  string
	count int
	size  string
}

// clusterNodes are the VMs the plan's cluster runs, read from the plan: the tier's node pool
// (with its overrides) on AKS, the head, worker and ZooKeeper nodes on HDInsight.
func (c Config) clusterNodes() (cluster string, typ string, n []nodes) {
	if h := c.HDInsight; h != nil {
		return h.Names.Cluster, typeHDICluster, []nodes{
			{"head", hdinsight.HeadNodes, hdinsight.HeadNodeSize},
			{"worker", h.Spec.Workers, h.Spec.WorkerSize},
			{"zookeeper", hdinsight.ZookeeperNodes, hdinsight.ZookeeperNodeSize},
		}
	}
	t := c.Plan.Tier
	return c.Plan.Names.Cluster, typeAKSCluster, []nodes{{"node pool", t.NodeCount, t.NodeVMSize}}
}

// resources runs the checks that depend on what is already in the resource group: the
// global names, then the VM sizes and the quota.
func (r *run) resources(ctx context.Context) []Check {
	var checks []Check
	have, listErr := r.existingResources(ctx)
	if listErr != nil {
		// Without the list, a resumed `up` may see its own names and cluster as others'.
		have = existing{}
		rg := r.Plan.Config.ResourceGroup
		checks = append(checks, fail("resource group "+rg, "cannot list its resources: "+r.brief(listErr),
			"you need at least Reader on resource group "+rg+" (`az resource list --resource-group "+rg+" -o table` shows whether you can)"))
	}
	checks = append(checks, r.names(ctx, have)...)
	return append(checks, r.compute(ctx, have)...)
}

// skuInfo is what the check needs of a VM size in the region.
type skuInfo struct {
	family string
	vcpus  int
}

// compute checks that each node size is offered in the region and open to the
// subscription, then that the regional vCPU quota (the size's family and the region's total)
// leaves room for the nodes. A cluster already in the resource group has its nodes counted
// in the usage already, so then only the sizes are checked.
func (r *run) compute(ctx context.Context, have existing) []Check {
	loc := r.Plan.Config.Location
	cluster, typ, pool := r.clusterNodes()
	skus, skuErr := r.listSKUs(ctx)
	var checks []Check
	need := map[string]int{} // vCPUs by family
	total, known := 0, true
	sizes := map[string]bool{}
	for _, n := range pool {
		if sizes[strings.ToLower(n.size)] {
			continue
		}
		sizes[strings.ToLower(n.size)] = true
		c, info := r.size(n.size, skus, skuErr)
		checks = append(checks, c)
		if !c.OK {
			known = false
			continue
		}
		for _, m := range pool {
			if strings.EqualFold(m.size, n.size) {
				need[info.family] += m.count * info.vcpus
				total += m.count * info.vcpus
			}
		}
	}
	const name = "quota"
	switch {
	case have.has(typ, cluster):
		return append(checks, pass(name, "cluster "+cluster+" is already in resource group "+r.Plan.Config.ResourceGroup+": its nodes count in the usage already"))
	case !known:
		return append(checks, fail(name, "not checked: a node size is not usable in "+loc, "fix the size first (above)"))
	}
	usage, err := r.listUsage(ctx)
	if err != nil {
		return append(checks, fail(name, "cannot read the compute usage in "+loc+": "+r.brief(err), "run the check again; `az vm list-usage --location "+loc+" -o table`"))
	}
	families := make([]string, 0, len(need))
	for f := range need {
		families = append(families, f)
	}
	sort.Strings(families)
	for _, f := range append(families, TotalRegionalCores) {
		n := need[f]
		if f == TotalRegionalCores {
			n = total
		}
		checks = append(checks, quotaCheck(f, n, usage[strings.ToLower(f)], loc))
	}
	return checks
}

// quota is one usage entry.
type quota struct {
	label        string
	current, max int64
}

func quotaCheck(family string, need int, q *quota, loc string) Check {
	name := "quota " + family
	if q == nil {
		return fail(name, "no usage entry for "+family+" in "+loc, "check `az vm list-usage --location "+loc+" -o table` for the family")
	}
	free := q.max - q.current
	detail := fmt.Sprintf("%s in %s: need %d vCPUs, %d of %d in use, %d free", q.label, loc, need, q.current, q.max, free)
	if int64(need) > free {
		return fail(name, detail, fmt.Sprintf("request a quota increase of %q in %s to at least %d vCPUs: Azure portal → Quotas → Compute (or `az quota update`), or pick another --location", q.label, loc, q.current+int64(need)))
	}
	return pass(name, detail)
}

// size checks one VM size against the region's SKU list.
func (r *run) size(size string, skus []*armcompute.ResourceSKU, listErr error) (Check, skuInfo) {
	loc := r.Plan.Config.Location
	name := "vm size " + size
	if listErr != nil {
		return fail(name, "cannot list the VM sizes in "+loc+": "+r.brief(listErr), "run the check again; `az vm list-skus --location "+loc+" --size "+size+" -o table`"), skuInfo{}
	}
	other := "pick another --location, or another size (`az vm list-skus --location " + loc + " --resource-type virtualMachines -o table`)"
	for _, s := range skus {
		if s == nil || s.Name == nil || !strings.EqualFold(*s.Name, size) || s.ResourceType == nil || !strings.EqualFold(*s.ResourceType, "virtualMachines") || !inLocation(s.Locations, loc) {
			continue
		}
		for _, rs := range s.Restrictions {
			if rs == nil || rs.Type == nil || *rs.Type != armcompute.ResourceSKURestrictionsTypeLocation || !restrictsLocation(rs, loc) {
				continue
			}
			code := "restricted"
			if rs.ReasonCode != nil {
				code = string(*rs.ReasonCode)
			}
			return fail(name, "offered in "+loc+" but not to this subscription ("+code+")",
				"ask for access to "+size+" in "+loc+" (Azure portal → Help + support → new support request → Service and subscription limits (quotas) → Compute-VM (cores-vCPUs)), or "+other), skuInfo{}
		}
		info := skuInfo{vcpus: capability(s, "vCPUs")}
		if s.Family != nil {
			info.family = *s.Family
		}
		if info.family == "" || info.vcpus <= 0 {
			return fail(name, "Azure names no family or vCPU count for it in "+loc, other), skuInfo{}
		}
		return pass(name, fmt.Sprintf("offered in %s, %d vCPUs, family %s", loc, info.vcpus, info.family)), info
	}
	return fail(name, "not offered in "+loc, other), skuInfo{}
}

func inLocation(locs []*string, loc string) bool {
	for _, l := range locs {
		if l != nil && strings.EqualFold(*l, loc) {
			return true
		}
	}
	return false
}

// restrictsLocation says whether a location restriction covers loc (its restriction info,
// or else its values, name the locations).
func restrictsLocation(rs *armcompute.ResourceSKURestrictions, loc string) bool {
	if rs.RestrictionInfo != nil && len(rs.RestrictionInfo.Locations) > 0 {
		return inLocation(rs.RestrictionInfo.Locations, loc)
	}
	return len(rs.Values) == 0 || inLocation(rs.Values, loc)
}

func capability(s *armcompute.ResourceSKU, name string) int {
	for _, c := range s.Capabilities {
		if c != nil && c.Name != nil && c.Value != nil && strings.EqualFold(*c.Name, name) {
			n, err := strconv.Atoi(*c.Value)
			if err == nil {
				return n
			}
		}
	}
	return 0
}

// listSKUs lists the compute SKUs of the plan's region.
func (r *run) listSKUs(ctx context.Context) ([]*armcompute.ResourceSKU, error) {
	cctx, cancel := r.call(ctx)
	defer cancel()
	filter := "location eq '" + r.Plan.Config.Location + "'"
	pager := r.clients.SKUs.NewListPager(&armcompute.ResourceSKUsClientListOptions{Filter: &filter})
	var out []*armcompute.ResourceSKU
	for pager.More() {
		page, err := pager.NextPage(cctx)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Value...)
	}
	return out, nil
}

// listUsage reads the region's compute usage, by lower-case usage name.
func (r *run) listUsage(ctx context.Context) (map[string]*quota, error) {
	cctx, cancel := r.call(ctx)
	defer cancel()
	pager := r.clients.Usage.NewListPager(r.Plan.Config.Location, nil)
	out := map[string]*quota{}
	for pager.More() {
		page, err := pager.NextPage(cctx)
		if err != nil {
			return nil, err
		}
		for _, u := range page.Value {
			if u == nil || u.Name == nil || u.Name.Value == nil || u.CurrentValue == nil || u.Limit == nil {
				continue
			}
			label := *u.Name.Value
			if u.Name.LocalizedValue != nil {
				label = *u.Name.LocalizedValue
			}
			out[strings.ToLower(*u.Name.Value)] = &quota{label: label, current: int64(*u.CurrentValue), max: *u.Limit}
		}
	}
	return out, nil
}
