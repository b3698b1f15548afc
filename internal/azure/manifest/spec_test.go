package manifest

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/streamscale/streamscale/internal/azure/plan"
	"github.com/streamscale/streamscale/internal/relay"
)

// operatorSpec is the Flink Kubernetes Operator 1.15.0 custom-resource reference
// (docs/content/docs/custom-resource/reference.md at the release-1.15.0 tag): the parameters
// of each spec type, and the values of each enum. Only names are kept, to check ours against.
var operatorSpec = map[string][]string{
	"FlinkDeploymentSpec": {"job", "restartNonce", "flinkConfiguration", "image", "imagePullPolicy", "serviceAccount",
		"flinkVersion", "ingress", "podTemplate", "jobManager", "taskManager", "logConfiguration", "mode"},
	"JobSpec": {"jarURI", "parallelism", "entryClass", "args", "state", "savepointTriggerNonce", "initialSavepointPath",
		"checkpointTriggerNonce", "upgradeMode", "allowNonRestoredState", "savepointRedeployNonce", "autoscalerResetNonce"},
	"JobManagerSpec":  {"resource", "replicas", "podTemplate"},
	"TaskManagerSpec": {"resource", "replicas", "podTemplate"},
	"Resource":        {"cpu", "memory", "ephemeralStorage"},
}

var operatorEnums = map[string][]string{
	// The reference (and the operator's Java enum) list v2_3 and v2_4 too, but the CRD the
	// 1.15.0 chart ships stops at v2_2, and the API server validates against the CRD
	// (deploy.TestManifestsPassOperator115CRD_FakeAPIServer): what it accepts is kept here.
	"FlinkVersion":             {"v1_17", "v1_18", "v1_19", "v1_20", "v2_0", "v2_1", "v2_2"},
	"KubernetesDeploymentMode": {"native", "standalone"},
	"UpgradeMode":              {"savepoint", "last-state", "stateless"},
	"JobState":                 {"running", "suspended"},
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// keysDocumented fails for every key of obj that the operator's type does not document.
func keysDocumented(t *testing.T, typ string, obj map[string]any) {
	t.Helper()
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !contains(operatorSpec[typ], k) {
			t.Errorf("%s.%s is not in the operator 1.15 reference", typ, k)
		}
	}
}

func TestFlinkDeploymentMatchesOperator115Reference(t *testing.T) {
	for _, tier := range []int{1, 5, 10} {
		p := testPlan(t, tier)
		b, err := json.Marshal(Build(p, Inputs{}).FlinkDeployment)
		if err != nil {
			t.Fatal(err)
		}
		var fd struct {
			APIVersion string         `json:"apiVersion"`
			Kind       string         `json:"kind"`
			Spec       map[string]any `json:"spec"`
		}
		if err := json.Unmarshal(b, &fd); err != nil {
			t.Fatal(err)
		}
		if fd.APIVersion != "flink.apache.org/v1beta1" || fd.Kind != "FlinkDeployment" {
			t.Errorf("apiVersion/kind %s/%s", fd.APIVersion, fd.Kind)
		}
		spec := fd.Spec
		keysDocumented(t, "FlinkDeploymentSpec", spec)
		job := spec["job"].(map[string]any)
		keysDocumented(t, "JobSpec", job)
		for _, m := range []string{"jobManager", "taskManager"} {
			keysDocumented(t, strings.ToUpper(m[:1])+m[1:]+"Spec", spec[m].(map[string]any))
			keysDocumented(t, "Resource", spec[m].(map[string]any)["resource"].(map[string]any))
		}
		enums := map[string]string{
			"FlinkVersion":             spec["flinkVersion"].(string),
			"KubernetesDeploymentMode": spec["mode"].(string),
			"UpgradeMode":              job["upgradeMode"].(string),
			"JobState":                 job["state"].(string),
		}
		for e, v := range enums {
			if !contains(operatorEnums[e], v) {
				t.Errorf("%s %q is not a documented value", e, v)
			}
		}
		conf := spec["flinkConfiguration"].(map[string]any)
		for k, want := range map[string]any{
			"high-availability.type":               "kubernetes",
			"kubernetes.rest-service.exposed.type": "ClusterIP",
		} {
			if conf[k] != want {
				t.Errorf("tier %d: flinkConfiguration %s = %v, want %v", tier, k, conf[k], want)
			}
		}
		for _, k := range []string{"high-availability.storageDir", "execution.checkpointing.dir", "execution.checkpointing.savepoint-dir"} {
			if v, _ := conf[k].(string); !strings.HasPrefix(v, "abfss://flink@"+p.Names.StorageAccount+".dfs.core.windows.net/") {
				t.Errorf("tier %d: %s = %q, want the storage account over abfss", tier, k, v)
			}
		}
		if spec["flinkVersion"] != "v2_2" || spec["mode"] != "native" || job["upgradeMode"] != "savepoint" {
			t.Errorf("tier %d: flinkVersion %v mode %v upgradeMode %v", tier, spec["flinkVersion"], spec["mode"], job["upgradeMode"])
		}
		if jar, _ := job["jarURI"].(string); jar != "local:///opt/flink/usrlib/relay-job.jar" {
			t.Errorf("jarURI %q", jar)
		}
		if got := int(job["parallelism"].(float64)); got != p.Tier.Partitions {
			t.Errorf("tier %d: parallelism %d, want partitions %d", tier, got, p.Tier.Partitions)
		}
	}
}

func TestJobArgsReadBothNamespacesWithoutSecrets(t *testing.T) {
	p := testPlan(t, 10)
	args := Build(p, Inputs{InConnectionString: "SECRET", OutConnectionString: "SECRET"}).FlinkDeployment.Spec.Job.Args
	get := func(name string) string {
		for i := 0; i+1 < len(args); i++ {
			if args[i] == name {
				return args[i+1]
			}
		}
		return ""
	}
	for name, want := range map[string]string{
		"--bootstrap-servers":            plan.Bootstrap(p.Names.NamespaceIn),
		"--output-bootstrap-servers":     plan.Bootstrap(p.Names.NamespaceOut),
		"--input-topic":                  "in",
		"--output-topic":                 "out",
		"--kafka-properties-file":        KafkaConfigDir + "/" + InProperties,
		"--output-kafka-properties-file": KafkaConfigDir + "/" + OutProperties,
		"--max-record-bytes":             "999000",
	} {
		if got := get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if strings.Contains(strings.Join(args, " "), "SECRET") {
		t.Errorf("job args hold a secret: %v", args)
	}
	env := Build(p, Inputs{}).FlinkDeployment.Spec.PodTemplate.Spec.Containers[0].Env
	for _, e := range env[1:] {
		if e.Value != "" || e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil || e.ValueFrom.SecretKeyRef.Name != plan.SecretName {
			t.Errorf("env %s is not a reference to the secret", e.Name)
		}
	}
}

// TestPodMonitorScrapesTheFlinkPods: managed Prometheus' PodMonitor selects the
// FlinkDeployment's pods (native mode labels them app=<deployment>) and scrapes the
// reporter's port, which the Flink configuration opens.
func TestPodMonitorScrapesTheFlinkPods(t *testing.T) {
	p, err := plan.New(plan.Config{Tier: 5, ResourceGroup: "rg", Location: "westeurope"})
	if err != nil {
		t.Fatal(err)
	}
	set := Build(p, Inputs{})
	pm := set.PodMonitor
	if pm.APIVersion != "azmonitoring.coreos.com/v1" || pm.Kind != "PodMonitor" || pm.Namespace != plan.K8sNamespace {
		t.Fatalf("PodMonitor %s %s in %s", pm.APIVersion, pm.Kind, pm.Namespace)
	}
	if pm.Spec.Selector.MatchLabels["app"] != set.FlinkDeployment.Name {
		t.Errorf("selector %v does not select %s's pods", pm.Spec.Selector.MatchLabels, set.FlinkDeployment.Name)
	}
	if len(pm.Spec.PodMetricsEndpoints) != 1 {
		t.Fatalf("endpoints %+v", pm.Spec.PodMetricsEndpoints)
	}
	ep := pm.Spec.PodMetricsEndpoints[0]
	addr := ep.Relabelings[0]
	if addr.TargetLabel != "__address__" || addr.Replacement != "$1:9249" || ep.Path != "/metrics" {
		t.Errorf("scrape %+v", ep)
	}
	conf := set.FlinkDeployment.Spec.FlinkConfiguration
	if conf["metrics.reporter.prom.port"] != "9249" || conf["metrics.reporter.prom.factory.class"] != "org.apache.flink.metrics.prometheus.PrometheusReporterFactory" {
		t.Errorf("the reporter is not on 9249: %v", conf)
	}
	if objs := set.Objects(); objs[len(objs)-1] != any(pm) {
		t.Error("the PodMonitor is not applied last")
	}
}

// TestComplexJobManifest: the complex plan's FlinkDeployment has a name of its own, runs
// ComplexJob with the complex job's name (hence its group and transactional ids), and the
// PodMonitor follows it; the relay's keeps the relay's.
func TestComplexJobManifest(t *testing.T) {
	for _, tc := range []struct {
		job                 relay.Job
		name, class, jobArg string
	}{
		{relay.JobRelay, plan.DeploymentName, relay.EntryClass, "streamscale-relay in->out"},
		{relay.JobComplex, plan.ComplexDeploymentName, relay.ComplexEntryClass, "streamscale-complex in->out"},
	} {
		t.Run(string(tc.job), func(t *testing.T) {
			p, err := plan.New(plan.Config{Tier: 5, ResourceGroup: "rg", Location: "westeurope", Job: tc.job})
			if err != nil {
				t.Fatal(err)
			}
			set := Build(p, Inputs{})
			fd := set.FlinkDeployment
			if fd.Name != tc.name || fd.Spec.Job.EntryClass != tc.class {
				t.Errorf("FlinkDeployment %s runs %s, want %s running %s", fd.Name, fd.Spec.Job.EntryClass, tc.name, tc.class)
			}
			args := strings.Join(fd.Spec.Job.Args, " ")
			if !strings.Contains(args, "--job-name "+tc.jobArg+" ") && !strings.HasSuffix(args, "--job-name "+tc.jobArg) {
				t.Errorf("args %q lack --job-name %s", args, tc.jobArg)
			}
			if strings.Contains(args, "--dedup-window") {
				t.Errorf("args %q pass --dedup-window", args)
			}
			if got := set.PodMonitor.Spec.Selector.MatchLabels["app"]; got != tc.name {
				t.Errorf("PodMonitor selects app=%s, want %s", got, tc.name)
			}
			if s := RelaySpec(p); s.Job != tc.job || s.MainClass() != tc.class {
				t.Errorf("RelaySpec job %q class %s", s.Job, s.MainClass())
			}
		})
	}
}

// TestFlinkUsesTheWorkloadIdentity: the flink service account names the Flink identity, the
// pods are labelled for workload identity with its IMDS proxy, and ABFS asks for the Flink
// identity's token (the proxy answers for that client ID only), never the kubelet's.
func TestFlinkUsesTheWorkloadIdentity(t *testing.T) {
	p := testPlan(t, 5)
	set := Build(p, Inputs{FlinkIdentityClientID: "flink-client-id"})
	sa := set.ServiceAccount
	if sa.Name != "flink" || sa.Namespace != "streamscale" || sa.Annotations["azure.workload.identity/client-id"] != "flink-client-id" {
		t.Errorf("service account %s/%s annotations %v", sa.Namespace, sa.Name, sa.Annotations)
	}
	fd := set.FlinkDeployment
	if fd.Spec.ServiceAccount != sa.Name {
		t.Errorf("the pods run as %q, the annotated service account is %q", fd.Spec.ServiceAccount, sa.Name)
	}
	meta := fd.Spec.PodTemplate.ObjectMeta
	if meta.Labels["azure.workload.identity/use"] != "true" || meta.Annotations["azure.workload.identity/inject-proxy-sidecar"] != "true" {
		t.Errorf("pod template labels %v annotations %v", meta.Labels, meta.Annotations)
	}
	account := p.Names.StorageAccount + ".dfs.core.windows.net"
	conf := fd.Spec.FlinkConfiguration
	if conf["fs.azure.account.auth.type."+account] != "OAuth" ||
		conf["fs.azure.account.oauth.provider.type."+account] != "org.apache.hadoop.fs.azurebfs.oauth2.MsiTokenProvider" ||
		conf["fs.azure.account.oauth2.client.id."+account] != "flink-client-id" {
		t.Errorf("ABFS configuration %v", conf)
	}
	objs := set.Objects()
	if objs[0] != any(set.Namespace) || objs[1] != any(sa) {
		t.Errorf("the service account is not applied right after the namespace (before the pods that run as it)")
	}
}
