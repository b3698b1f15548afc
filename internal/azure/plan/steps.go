package plan

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/streamscale/streamscale/internal/relay"
)

// StepKind names what a step converges; the provisioner has one function per kind.
type StepKind string

// The step kinds, in the order `up` runs them.
const (
	KindResourceGroup StepKind = "resource-group"
	KindNamespace     StepKind = "eventhubs-namespace"
	KindHub           StepKind = "event-hub"
	KindRules         StepKind = "authorization-rules"
	KindStorage       StepKind = "storage-account"
	KindRegistry      StepKind = "container-registry"
	KindIdentity      StepKind = "managed-identity"
	KindCluster       StepKind = "aks-cluster"
	// KindFederatedCredential is a federated identity credential on a user-assigned identity.
	KindFederatedCredential StepKind = "federated-credential"
	KindRoleAssignment      StepKind = "role-assignments"
	KindPrometheus          StepKind = "managed-prometheus"
	KindImages              StepKind = "images"
	// KindK8sNamespace is the job's Kubernetes namespace, applied before the operator's chart,
	// which puts the job's ServiceAccount, Role and RoleBinding into it.
	KindK8sNamespace StepKind = "kubernetes-namespace"
	KindOperator     StepKind = "flink-operator"
	KindSecrets      StepKind = "kubernetes-secrets"
	KindDeployment   StepKind = "flink-deployment"
	KindGenerators   StepKind = "generators"
)

// Step is one thing `up` makes exist, with what it creates.
type Step struct {
	Kind StepKind
	// Name is the resource's name (or names, for a step that converges several).
	Name string
	// Details are "key value" lines a reviewer checks against the tier: SKU, capacity,
	// partitions, node pool, rules. They never hold a secret.
	Details []string
}

// Rule is a shared access authorization rule on a namespace.
type Rule struct {
	Name   string
	Rights []string // Send, Listen
}

// RulesIn are namespace #1's rules: the generators send, the job listens, and the verifier
// listens with a rule of its own (`azure run` reads the input window with it), so no
// credential serves two parties.
var RulesIn = []Rule{{RuleGeneratorsSend, []string{"Send"}}, {RuleJobListen, []string{"Listen"}}, {RuleVerifierListen, []string{"Listen"}}}

// RulesOut are namespace #2's rules: the job sends, the verifier listens.
var RulesOut = []Rule{{RuleJobSend, []string{"Send"}}, {RuleVerifierListen, []string{"Listen"}}}

func rulesText(rules []Rule) string {
	s := make([]string, len(rules))
	for i, r := range rules {
		s[i] = r.Name + " [" + strings.Join(r.Rights, ",") + "]"
	}
	return strings.Join(s, ", ")
}

// steps lists the plan's steps in creation order.
func (p *Plan) steps() []Step {
	c, t, n := p.Config, p.Tier, p.Names
	capacity := fmt.Sprintf("capacity %d throughput units (auto-inflate off)", p.Capacity)
	if c.SKU == Premium {
		capacity = fmt.Sprintf("capacity %d processing units", p.Capacity)
	}
	ns := func(name, role string) Step {
		return Step{Kind: KindNamespace, Name: name, Details: []string{
			"role " + role,
			"sku " + c.SKU.AzureName(),
			capacity,
			"kafka endpoint " + Bootstrap(name) + " (SASL_SSL)",
			"public network access on, TLS 1.2 minimum, local (SAS) auth on",
		}}
	}
	hub := func(name, namespace string, partitions int) Step {
		return Step{Kind: KindHub, Name: name, Details: []string{
			"namespace " + namespace,
			"partitions " + strconv.Itoa(partitions),
			"retention " + strconv.Itoa(c.RetentionDays) + " day(s)",
		}}
	}
	gens := make([]string, len(n.GeneratorGroups))
	copy(gens, n.GeneratorGroups)
	steps := []Step{
		{Kind: KindResourceGroup, Name: n.ResourceGroup, Details: []string{"location " + c.Location}},
		ns(n.NamespaceIn, "#1, input: the generators write, the job and the verifier read"),
		hub(HubIn, n.NamespaceIn, t.Partitions),
		{Kind: KindRules, Name: n.NamespaceIn, Details: []string{"rules " + rulesText(RulesIn)}},
		ns(n.NamespaceOut, "#2, output: the job writes, the verifier reads"),
		hub(HubOut, n.NamespaceOut, t.Partitions),
		hub(HubDeadLetter, n.NamespaceOut, 1),
		{Kind: KindRules, Name: n.NamespaceOut, Details: []string{"rules " + rulesText(RulesOut)}},
		{Kind: KindStorage, Name: n.StorageAccount, Details: []string{
			"sku Standard_LRS, kind StorageV2, hierarchical namespace on (abfss://)",
			"container " + CheckpointContainer + ": checkpoints, savepoints, high-availability metadata",
			"shared key access off: Flink reaches it as identity " + n.FlinkIdentity + " (workload identity)",
		}},
		{Kind: KindRegistry, Name: n.Registry, Details: []string{
			"sku Basic, admin user off",
			"login server " + n.RegistryHost(),
		}},
		{Kind: KindIdentity, Name: n.GeneratorIdentity, Details: []string{
			"user-assigned managed identity: the generators' container groups pull their image with it",
		}},
		{Kind: KindIdentity, Name: n.FlinkIdentity, Details: []string{
			"user-assigned managed identity: Flink's pods reach the storage account as it, through AKS workload identity",
		}},
		{Kind: KindCluster, Name: n.Cluster, Details: []string{
			fmt.Sprintf("node pool system: %d × %s", t.NodeCount, t.NodeVMSize),
			"dns prefix " + n.ClusterDNS,
			"identity system-assigned; the kubelet identity pulls images (AcrPull), nothing else",
			"OIDC issuer on, workload identity on (its webhook projects tokens into pods labelled azure.workload.identity/use)",
			"Azure Monitor managed Prometheus on (azureMonitorProfile.metrics)",
			"no public load balancer service: the Flink UI stays ClusterIP (see `azure ui`)",
		}},
		{Kind: KindFederatedCredential, Name: n.FlinkIdentity + "/" + FlinkFederatedCredential, Details: []string{
			"issuer: the cluster's OIDC issuer URL (read once the cluster exists)",
			"subject " + WorkloadIdentitySubject() + ", audience " + WorkloadIdentityAudience,
		}},
		{Kind: KindRoleAssignment, Name: n.Cluster + " kubelet identity, " + n.FlinkIdentity + ", " + n.GeneratorIdentity, Details: []string{
			"kubelet identity: AcrPull on " + n.Registry + " (how AKS nodes pull images)",
			"flink identity " + n.FlinkIdentity + ": Storage Blob Data Contributor on " + n.StorageAccount + " (only pods of service account " + FlinkServiceAccount + " get its tokens)",
			"generators identity " + n.GeneratorIdentity + ": AcrPull on " + n.Registry + " (Container Instances pull with it)",
		}},
	}
	steps = append(steps, p.kubernetesSteps()...)
	if c.NoLoad {
		return steps
	}
	each := fmt.Sprintf("each: generate --topic %s --rate %s --instance i --instances %d --duration %s", HubIn, strconv.FormatFloat(p.GeneratorRate(), 'f', -1, 64), t.Generators, c.LoadDuration)
	if c.Job == relay.JobComplex {
		each += " --mixed-types"
	}
	return append(steps, Step{Kind: KindGenerators, Name: strings.Join(gens, ", "), Details: []string{
		fmt.Sprintf("%d container group(s) on Azure Container Instances, 1 vCPU, 1.5 GiB each", t.Generators),
		each,
		"connection string (" + RuleGeneratorsSend + " on #1) as a secure environment variable",
	}})
}

// chartSource says where the operator's chart comes from.
func (p *Plan) chartSource() string {
	src := p.OperatorChartSources()
	if p.Config.OperatorChart != "" {
		return src[0] + " (--operator-chart)"
	}
	return src[0] + ", else " + src[1]
}

func (p *Plan) deploymentDetails() []string {
	t := p.Tier
	job := "job " + JobJarURI() + " (" + relay.EntryClass + ")"
	if p.Config.Job == relay.JobComplex {
		job = "job complex: " + JobJarURI() + " (" + relay.ComplexEntryClass + "), Flink job " + p.jobName() + ", consumer group " + ComplexConsumerGroup
	}
	d := []string{
		"flink " + FlinkVersion + " (Flink " + FlinkRelease + "), mode native, application mode, image " + p.JobImage() + ", pull policy IfNotPresent",
		"plugin " + AzureFSPlugin + " (ENABLE_BUILT_IN_PLUGINS: /opt/flink/opt to /opt/flink/plugins)",
		job,
		fmt.Sprintf("parallelism %d (= partitions), %d TaskManager(s) × %d slots, %g CPU / %s each",
			t.Parallelism, t.TaskManagers(), t.SlotsPerTaskManager, t.TaskManager().CPU, t.TaskManager().Memory),
		fmt.Sprintf("JobManager 1 × %g CPU / %s", JobManagerSize.CPU, JobManagerSize.Memory),
		"guarantee " + string(p.Config.Guarantee),
		"upgradeMode savepoint",
		"high availability kubernetes, storage " + p.Names.StorageURI("ha"),
		"storage as identity " + p.Names.FlinkIdentity + ": service account " + FlinkServiceAccount + " annotated azure.workload.identity/client-id, pods labelled azure.workload.identity/use with its IMDS proxy sidecar; ABFS MsiTokenProvider for that client ID",
		"checkpoints " + p.Names.StorageURI("checkpoints") + ", savepoints " + p.Names.StorageURI("savepoints"),
		"Flink UI: ClusterIP only, never exposed (`streamscale azure ui` port-forwards it)",
	}
	if p.Config.SKU == Premium && p.Config.Guarantee == relay.ExactlyOnce {
		d = append(d, "exactly-once relies on Kafka transactions on Event Hubs Premium, a preview feature")
	}
	if p.Config.Job == relay.JobComplex {
		d = append(d, "a FlinkDeployment of its own, so the complex job starts fresh (no relay savepoint): from its group's committed offsets, else the earliest",
			"the relay's FlinkDeployment "+K8sNamespace+"/"+DeploymentName+" is deleted first when it is there: one job writes "+HubOut)
	}
	return d
}

func (p *Plan) imageDetails() []string {
	d := []string{
		"generator " + p.GeneratorImage() + ": the static linux/amd64 streamscale binary (CGO_ENABLED=0) and CA roots on an empty base",
		"job " + p.JobImage() + ": " + p.Config.FlinkBaseImage + " + relay-job.jar at " + JobJarPath,
		"built without Docker (go-containerregistry), reproducibly; pushed under a tag of their content, once",
	}
	if p.Config.Images.Generator == "" {
		d = append(d, "generator content tag: computed when `azure up` builds the image, before it creates anything")
	}
	if p.Config.Images.Job == "" {
		d = append(d, "job digest: computed when `azure up` pulls "+p.Config.FlinkBaseImage+" and builds the image, before it creates anything (a dry run pulls nothing)")
	}
	return d
}

// jobName is the Flink job's name (relay.Spec.JobName for the plan's job and hubs).
func (p *Plan) jobName() string {
	return relay.Spec{Job: p.Config.Job, InTopic: HubIn, OutTopic: HubOut}.JobName()
}

// Names in the cluster and the job image that the plan and the manifests share.
const (
	// JobJarPath is where the job image holds the relay jar.
	JobJarPath = "/opt/flink/usrlib/relay-job.jar"
	// SecretName holds the job's Event Hubs connection strings.
	SecretName = "streamscale-eventhubs"
	// SecretKeyIn and SecretKeyOut are its keys: the job's listen rule on #1 and send rule on
	// #2.
	SecretKeyIn  = "in-connection-string"
	SecretKeyOut = "out-connection-string"
	// KafkaConfigMapName holds the job's Kafka client properties, with no secret in them.
	KafkaConfigMapName = "streamscale-kafka"
)

// JobJarURI is the FlinkDeployment's job.jarURI.
func JobJarURI() string { return "local://" + JobJarPath }

// kubernetesSteps are managed Prometheus' step and the steps inside the cluster: the
// images, the namespace, the operator, the secrets and the job's FlinkDeployment.
func (p *Plan) kubernetesSteps() []Step {
	c, n := p.Config, p.Names
	return []Step{
		{Kind: KindPrometheus, Name: n.MonitorWorkspace, Details: []string{
			"Azure Monitor workspace " + n.MonitorWorkspace + ": managed Prometheus' store; `azure report --prometheus-endpoint` queries it",
			"data collection endpoint " + n.PrometheusEndpoint + " and rule " + n.PrometheusRule + ": the cluster's Prometheus metrics into the workspace",
			"associated with " + n.Cluster + " (as `az aks update --enable-azure-monitor-metrics` does)",
		}},
		{Kind: KindImages, Name: GeneratorImageRepo + ", " + JobImageRepo, Details: p.imageDetails()},
		{Kind: KindK8sNamespace, Name: K8sNamespace, Details: []string{
			"first: the operator's chart creates ServiceAccount flink, Role flink and RoleBinding flink-role-binding in it",
		}},
		{Kind: KindOperator, Name: OperatorChart + " " + c.OperatorVersion, Details: []string{
			"chart from " + p.chartSource(),
			"namespace " + OperatorNamespace + ", watching " + K8sNamespace,
			"webhook off (webhook.create=false: the chart's default needs cert-manager, which AKS does not have)",
			"a failed release is uninstalled and installed again by the next up",
		}},
		{Kind: KindSecrets, Name: K8sNamespace + "/" + SecretName, Details: []string{
			"keys " + SecretKeyIn + " (" + RuleJobListen + " on #1), " + SecretKeyOut + " (" + RuleJobSend + " on #2)",
			"configmap " + KafkaConfigMapName + ": Kafka client properties reading the keys from the environment",
		}},
		{Kind: KindDeployment, Name: K8sNamespace + "/" + p.DeploymentName(), Details: p.deploymentDetails()},
	}
}
