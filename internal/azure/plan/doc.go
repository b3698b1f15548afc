// Package plan turns `streamscale azure up`'s inputs (tier, resource group, location, prefix,
// SKU, guarantee and the per-tier overrides) into the deployment's plan: the tier's sizes,
// every resource's name, and the ordered steps that create them. It touches nothing and needs
// no credentials, so `azure up --dry-run` prints it and the provisioner follows it.
//
// The tiers are the Azure "Streaming at Scale" sample's (docs/azure.md): throughput units
// 2/6/12, simulators 1/3/5, and AKS 3×Standard_D2s_v3, 5×Standard_D2s_v3, 4×Standard_D4s_v3;
// hub partitions are ours, 2/4/8 (the sample's script used 1/4/8), and the job's parallelism
// equals them.
package plan
