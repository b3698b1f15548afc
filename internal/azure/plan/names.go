package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strconv"
)

// DefaultPrefix starts every resource name when --prefix is not given.
const DefaultPrefix = "streamscale"

// Hub and rule names. The hubs are the local stack's topics, so the same job arguments and
// verifier settings work on both.
const (
	HubIn         = "in"
	HubOut        = "out"
	HubDeadLetter = "in-dead-letter"
	// RuleGeneratorsSend lets the generators send to namespace #1, nothing else.
	RuleGeneratorsSend = "generators-send"
	// RuleJobListen lets the job read namespace #1.
	RuleJobListen = "job-listen"
	// RuleJobSend lets the job write namespace #2 (the output and the dead letters).
	RuleJobSend = "job-send"
	// RuleVerifierListen lets the verifier read, nothing else: on namespace #2 the output, on
	// #1 the input (`azure run` reads the run's input window there to check every event came
	// out).
	RuleVerifierListen = "verifier-listen"
	// JobConsumerGroup is the relay's consumer group (a Kafka group on Event Hubs' endpoint);
	// the complex job's is ComplexConsumerGroup (each job's default --group-id).
	JobConsumerGroup = "streamscale-relay"
	// ComplexConsumerGroup is the complex job's consumer group.
	ComplexConsumerGroup = "streamscale-complex"
	// CheckpointContainer is the storage account's blob container for Flink's state.
	CheckpointContainer = "flink"
	// GeneratorImageRepo and JobImageRepo are the registry's repositories.
	GeneratorImageRepo = "streamscale-generator"
	JobImageRepo       = "streamscale-job"
	// K8sNamespace is where the FlinkDeployment and its secrets live.
	K8sNamespace = "streamscale"
	// FlinkServiceAccount is the Kubernetes service account the Flink pods run as: the
	// operator's chart creates it in each watched namespace; workload identity federates it
	// to Names.FlinkIdentity.
	FlinkServiceAccount = "flink"
	// FlinkFederatedCredential is the federated identity credential's name on FlinkIdentity.
	FlinkFederatedCredential = "flink-service-account"
	// WorkloadIdentityAudience is the audience of the service account tokens AKS workload
	// identity exchanges with Microsoft Entra ID (the one the webhook projects).
	WorkloadIdentityAudience = "api://AzureADTokenExchange"
	// OperatorNamespace is where the Flink Kubernetes Operator runs.
	OperatorNamespace = "flink-operator"
	// DeploymentName is the relay's FlinkDeployment.
	DeploymentName = "streamscale-relay"
	// ComplexDeploymentName is the complex job's FlinkDeployment.
	ComplexDeploymentName = "streamscale-complex"
)

var (
	prefixPattern = regexp.MustCompile(`^[a-z][a-z0-9]{2,10}$`)
	rgPattern     = regexp.MustCompile(`^[-\w.()]{1,90}$`)
	locPattern    = regexp.MustCompile(`^[a-z][a-z0-9]{2,39}$`)
	vmSize        = regexp.MustCompile(`^Standard_[A-Za-z0-9_]+$`)
)

// Names are every resource's name. The globally unique ones (namespaces, storage account,
// registry) carry a suffix hashed from the prefix and the resource group, so the same inputs
// always give the same names (a second `up` finds what the first created) and two groups do
// not collide.
type Names struct {
	ResourceGroup   string
	NamespaceIn     string
	NamespaceOut    string
	StorageAccount  string
	Registry        string
	Cluster         string
	ClusterDNS      string
	GeneratorGroups []string
	// GeneratorIdentity is the user-assigned identity the container groups pull images with.
	GeneratorIdentity string
	// FlinkIdentity is the user-assigned identity Flink reaches the storage account as,
	// through AKS workload identity (federated to the FlinkServiceAccount).
	FlinkIdentity string
	// MonitorWorkspace is the Azure Monitor workspace managed Prometheus writes to;
	// PrometheusEndpoint and PrometheusRule its data collection endpoint and rule.
	MonitorWorkspace, PrometheusEndpoint, PrometheusRule string
}

// suffix is six hex digits of SHA-256(prefix, resource group): deterministic, and short
// enough that the longest prefix fits the storage account's 24 characters.
func suffix(prefix, rg string) string {
	h := sha256.Sum256([]byte(prefix + "\x00" + rg))
	return hex.EncodeToString(h[:])[:6]
}

// NewNames derives the names from a validated prefix and resource group.
func NewNames(prefix, rg string, generators int) Names {
	s := suffix(prefix, rg)
	n := Names{
		ResourceGroup:  rg,
		NamespaceIn:    prefix + "-" + s + "-in",
		NamespaceOut:   prefix + "-" + s + "-out",
		StorageAccount: prefix + s + "st",
		Registry:       prefix + s + "acr",
		Cluster:        prefix + "-aks",
		ClusterDNS:     prefix + "-" + s,
		// 3-128 letters, digits, '-' and '_'.
		GeneratorIdentity: prefix + "-generators",
		FlinkIdentity:     prefix + "-flink",
		// Workspaces: 4-44 letters, digits, '-'; endpoints and rules: 3-44 letters, digits,
		// '-', '_', '.'.
		MonitorWorkspace:   prefix + "-" + s + "-prom",
		PrometheusEndpoint: prefix + "-" + s + "-prom-dce",
		PrometheusRule:     prefix + "-" + s + "-prom-dcr",
	}
	for i := 0; i < generators; i++ {
		n.GeneratorGroups = append(n.GeneratorGroups, prefix+"-gen-"+strconv.Itoa(i))
	}
	return n
}

// WorkloadIdentitySubject is the subject of the flink service account's tokens, which the
// federated credential trusts: system:serviceaccount:<namespace>:<name>.
func WorkloadIdentitySubject() string {
	return "system:serviceaccount:" + K8sNamespace + ":" + FlinkServiceAccount
}

// RegistryHost is the registry's login server.
func (n Names) RegistryHost() string { return n.Registry + ".azurecr.io" }

// Bootstrap is a namespace's Kafka endpoint.
func Bootstrap(namespace string) string { return namespace + ".servicebus.windows.net:9093" }

// StorageURI is an abfss:// URI of path in the state container.
func (n Names) StorageURI(path string) string {
	return fmt.Sprintf("abfss://%s@%s.dfs.core.windows.net/%s", CheckpointContainer, n.StorageAccount, path)
}

// check proves the derived names within Azure's rules; a failure is a bug in NewNames, as
// validated inputs always give valid names.
func (n Names) check() error {
	rules := []struct {
		what, name string
		re         *regexp.Regexp
	}{
		{"Event Hubs namespace", n.NamespaceIn, eventHubsNamespace},
		{"Event Hubs namespace", n.NamespaceOut, eventHubsNamespace},
		{"storage account", n.StorageAccount, storageAccount},
		{"container registry", n.Registry, registry},
		{"AKS cluster", n.Cluster, aksCluster},
		{"AKS DNS prefix", n.ClusterDNS, aksCluster},
	}
	for _, g := range n.GeneratorGroups {
		rules = append(rules, struct {
			what, name string
			re         *regexp.Regexp
		}{"container group", g, containerGroup})
	}
	for _, r := range rules {
		if !r.re.MatchString(r.name) {
			return fmt.Errorf("%s name %q breaks Azure's naming rules", r.what, r.name)
		}
	}
	return nil
}

// Azure's naming rules (learn.microsoft.com, "Naming rules and restrictions for Azure
// resources").
var (
	// 6-50: letters, digits, hyphens; starts with a letter, ends with a letter or digit.
	eventHubsNamespace = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]{4,48}[A-Za-z0-9]$`)
	// 3-24 lowercase letters and digits.
	storageAccount = regexp.MustCompile(`^[a-z0-9]{3,24}$`)
	// 5-50 letters and digits.
	registry = regexp.MustCompile(`^[A-Za-z0-9]{5,50}$`)
	// 1-63: letters, digits, hyphens, underscores; starts and ends with a letter or digit.
	aksCluster = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?$`)
	// 1-63: lowercase letters, digits, single hyphens; no hyphen at either end.
	containerGroup = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

// NamesFor validates a prefix and resource group and derives the names, for the commands
// that find an existing deployment (report, verify, ui) and need no tier or location.
func NamesFor(prefix, rg string) (Names, error) {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	switch {
	case rg == "":
		return Names{}, fmt.Errorf("--resource-group is required: name the group `azure up` created")
	case !rgPattern.MatchString(rg):
		return Names{}, fmt.Errorf("--resource-group %q: use 1-90 letters, digits, '-', '_', '.', '(' or ')'", rg)
	case !prefixPattern.MatchString(prefix):
		return Names{}, fmt.Errorf("--prefix %q: use 3-11 lowercase letters and digits, starting with a letter, as with `azure up`", prefix)
	}
	return NewNames(prefix, rg, 0), nil
}

// ResourceID is the ARM ID of a resource of the group: provider is e.g.
// "Microsoft.EventHub/namespaces", name the resource's.
func (n Names) ResourceID(subscription, provider, name string) string {
	return "/subscriptions/" + subscription + "/resourceGroups/" + n.ResourceGroup + "/providers/" + provider + "/" + name
}
