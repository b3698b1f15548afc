package manifest

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/streamscale/streamscale/internal/azure/plan"
	"github.com/streamscale/streamscale/internal/flinkconf"
	"github.com/streamscale/streamscale/internal/relay"
)

// Where the job's pods find their Kafka settings.
const (
	// KafkaConfigDir is where the ConfigMap's properties files are mounted.
	KafkaConfigDir = "/opt/flink/streamscale"
	// InProperties and OutProperties are its files: the input's (namespace #1) and the
	// output's (namespace #2) Kafka client settings.
	InProperties  = "in.properties"
	OutProperties = "out.properties"
	// EnvInConnectionString and EnvOutConnectionString carry the Secret's connection strings
	// into the pods; the properties files refer to them through Kafka's EnvVarConfigProvider.
	EnvInConnectionString  = "EVENTHUBS_IN_CONNECTION_STRING"
	EnvOutConnectionString = "EVENTHUBS_OUT_CONNECTION_STRING"
	// ServiceAccount is the one the operator's chart creates in each watched namespace, with
	// the rights native mode needs (pods, config maps for high availability). The Set
	// annotates it for workload identity (AnnotationClientID).
	ServiceAccount = plan.FlinkServiceAccount
	// PrometheusPort is the Flink Prometheus reporter's port on every pod, which managed
	// Prometheus scrapes through the PodMonitor (podmonitor.go).
	PrometheusPort = 9249
	// Redacted replaces every Secret value when the manifests are printed.
	Redacted = "<redacted: set by azure up from the namespace's rule>"
	// flinkMainContainer is the container name the operator merges pod templates into.
	flinkMainContainer = "flink-main-container"
)

// AKS workload identity's names (azure.github.io/azure-workload-identity, "Service Account
// Labels and Annotations", "Pod Labels", "Pod Annotations"; the webhook of AKS's
// workload identity add-on reads them).
const (
	// AnnotationClientID on the service account names the identity its tokens stand for.
	AnnotationClientID = "azure.workload.identity/client-id"
	// LabelUse on a pod has the webhook project the service account token and set
	// AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE, AZURE_AUTHORITY_HOST.
	LabelUse = "azure.workload.identity/use"
	// AnnotationProxySidecar on a pod has the webhook add its IMDS proxy: an init container
	// redirects 169.254.169.254 to a sidecar that answers managed-identity token requests
	// with the federated token. Hadoop 3.3.4's MsiTokenProvider, all the Flink plugin
	// carries (docs/azure.md, "Storage access"), asks IMDS, so this is how it gets the
	// Flink identity's token and not the node's.
	AnnotationProxySidecar = "azure.workload.identity/inject-proxy-sidecar"
	// MsiTokenProvider is the ABFS token provider Flink uses, as the plugin jar names it
	// (not relocated; pinned by TestPluginJarHasTheTokenProvider).
	MsiTokenProvider = "org.apache.hadoop.fs.azurebfs.oauth2.MsiTokenProvider"
)

// Inputs are the values only provisioning knows.
type Inputs struct {
	// FlinkIdentityClientID is the client ID of the identity Flink reaches the storage
	// account as (plan.Names.FlinkIdentity, federated to the flink service account): no
	// storage key anywhere. Empty in a dry run.
	FlinkIdentityClientID string
	// InConnectionString and OutConnectionString are the job's rules' connection strings
	// (job-listen on #1, job-send on #2). Empty in a dry run.
	InConnectionString, OutConnectionString string
}

// Set is the objects `azure up` applies, in order.
type Set struct {
	Namespace *corev1.Namespace
	// ServiceAccount is the operator chart's flink service account with the workload
	// identity annotation: applied after the chart made it (server-side apply adds the
	// annotation and leaves Helm's fields alone), and before the pods that run as it, as the
	// webhook reads it when a pod is created.
	ServiceAccount  *corev1.ServiceAccount
	KafkaConfig     *corev1.ConfigMap
	Secret          *corev1.Secret
	FlinkDeployment *FlinkDeployment
	// PodMonitor has managed Prometheus scrape the Flink pods' reporter.
	PodMonitor *PodMonitor
	// Images records the images' digests (ImagesFrom reads them back).
	Images *corev1.ConfigMap
}

// Objects are the set's objects in apply order.
func (s *Set) Objects() []any {
	return []any{s.Namespace, s.ServiceAccount, s.KafkaConfig, s.Secret, s.Images, s.FlinkDeployment, s.PodMonitor}
}

// Build makes the manifests of p's deployment.
func Build(p *plan.Plan, in Inputs) *Set {
	if in.FlinkIdentityClientID == "" {
		in.FlinkIdentityClientID = "<client id of identity " + p.Names.FlinkIdentity + ": known once it exists>"
	}
	ns := plan.K8sNamespace
	labels := map[string]string{"app.kubernetes.io/name": "streamscale", "app.kubernetes.io/managed-by": "streamscale"}
	return &Set{
		Namespace: &corev1.Namespace{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"},
			ObjectMeta: metav1.ObjectMeta{Name: ns, Labels: labels},
		},
		ServiceAccount: &corev1.ServiceAccount{
			TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"},
			ObjectMeta: metav1.ObjectMeta{Name: ServiceAccount, Namespace: ns,
				Annotations: map[string]string{AnnotationClientID: in.FlinkIdentityClientID}},
		},
		KafkaConfig: &corev1.ConfigMap{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
			ObjectMeta: metav1.ObjectMeta{Name: plan.KafkaConfigMapName, Namespace: ns, Labels: labels},
			Data: map[string]string{
				InProperties:  KafkaProperties(EnvInConnectionString),
				OutProperties: KafkaProperties(EnvOutConnectionString),
			},
		},
		Secret: &corev1.Secret{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
			ObjectMeta: metav1.ObjectMeta{Name: plan.SecretName, Namespace: ns, Labels: labels},
			Type:       corev1.SecretTypeOpaque,
			StringData: map[string]string{
				plan.SecretKeyIn:  in.InConnectionString,
				plan.SecretKeyOut: in.OutConnectionString,
			},
		},
		FlinkDeployment: flinkDeployment(p, in, labels),
		PodMonitor:      podMonitor(labels, p.DeploymentName()),
		Images:          imagesConfigMap(p, labels),
	}
}

// KafkaProperties are Kafka Java client settings for an Event Hubs namespace whose connection
// string is in the environment variable env: SASL PLAIN over TLS with the connection string as
// the password, read by Kafka's EnvVarConfigProvider where the client starts, so that no
// secret is in the file, the job's arguments or Flink's configuration.
func KafkaProperties(env string) string {
	return strings.Join([]string{
		"security.protocol=SASL_SSL",
		"sasl.mechanism=PLAIN",
		"config.providers=env",
		"config.providers.env.class=" + envProvider,
		`sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="$ConnectionString" password="${env:` + env + `}";`,
		"",
	}, "\n")
}

const envProvider = "org.apache.kafka.common.config.provider.EnvVarConfigProvider"

// RelaySpec is the plan's job (the relay or the complex job) with its arguments on Azure: the
// input from namespace #1, the output and the dead letters to namespace #2, each with its own
// properties file.
func RelaySpec(p *plan.Plan) relay.Spec {
	return relay.Spec{
		Job:                       p.Config.Job,
		Brokers:                   plan.Bootstrap(p.Names.NamespaceIn),
		OutputBrokers:             plan.Bootstrap(p.Names.NamespaceOut),
		InTopic:                   plan.HubIn,
		OutTopic:                  plan.HubOut,
		DeadLetterTopic:           plan.HubDeadLetter,
		Parallelism:               p.Tier.Parallelism,
		CheckpointInterval:        p.Config.CheckpointInterval,
		Guarantee:                 p.Config.Guarantee,
		MaxRecordBytes:            relay.EventHubsMaxRecordBytes,
		KafkaPropertiesFile:       KafkaConfigDir + "/" + InProperties,
		OutputKafkaPropertiesFile: KafkaConfigDir + "/" + OutProperties,
		Secured:                   true,
	}
}

func flinkDeployment(p *plan.Plan, in Inputs, labels map[string]string) *FlinkDeployment {
	t, n := p.Tier, p.Names
	account := n.StorageAccount + ".dfs.core.windows.net"
	conf := map[string]string{
		"taskmanager.numberOfTaskSlots":         fmt.Sprint(t.SlotsPerTaskManager),
		"high-availability.type":                "kubernetes",
		"high-availability.storageDir":          n.StorageURI("ha"),
		"execution.checkpointing.dir":           n.StorageURI("checkpoints"),
		"execution.checkpointing.savepoint-dir": n.StorageURI("savepoints"),
		// The UI and REST API stay inside the cluster: `azure ui` port-forwards them.
		"kubernetes.rest-service.exposed.type": "ClusterIP",
		// ABFS as the Flink identity (Storage Blob Data Contributor on the account): its
		// token comes from the pod's workload identity proxy (AnnotationProxySidecar), which
		// answers MsiTokenProvider's IMDS request for this client ID. No storage key, and
		// not the node's identity.
		"fs.azure.account.auth.type." + account:           "OAuth",
		"fs.azure.account.oauth.provider.type." + account: MsiTokenProvider,
		"fs.azure.account.oauth2.client.id." + account:    in.FlinkIdentityClientID,
		// Kafka 3.8+ clients use only the config providers this property allows.
		"env.java.opts.all":                   "-Dorg.apache.kafka.automatic.config.providers=" + envProvider,
		"metrics.reporter.prom.factory.class": "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
		"metrics.reporter.prom.port":          fmt.Sprint(PrometheusPort),
		"kubernetes.jobmanager.annotations":   "prometheus.io/scrape:true,prometheus.io/port:" + fmt.Sprint(PrometheusPort),
		"kubernetes.taskmanager.annotations":  "prometheus.io/scrape:true,prometheus.io/port:" + fmt.Sprint(PrometheusPort),
		// One spare TaskManager pod, kept by Flink's active resource manager on Kubernetes: a job
		// that loses a TaskManager restarts at once on its slots, not once a new pod has been
		// scheduled and its JVM is up. It costs one more TaskManager pod's CPU and memory.
		flinkconf.RedundantTaskManagersKey: "1",
	}
	secretEnv := func(name, key string) corev1.EnvVar {
		return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: plan.SecretName}, Key: key}}}
	}
	// The JobManager's and the TaskManagers' pods: labelled for workload identity, with its
	// IMDS proxy.
	pod := &corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{
		Labels:      map[string]string{LabelUse: "true"},
		Annotations: map[string]string{AnnotationProxySidecar: "true"},
	}, Spec: corev1.PodSpec{
		Containers: []corev1.Container{{
			Name: flinkMainContainer,
			Env: []corev1.EnvVar{
				{Name: "ENABLE_BUILT_IN_PLUGINS", Value: plan.AzureFSPlugin},
				secretEnv(EnvInConnectionString, plan.SecretKeyIn),
				secretEnv(EnvOutConnectionString, plan.SecretKeyOut),
			},
			VolumeMounts: []corev1.VolumeMount{{Name: "kafka-config", MountPath: KafkaConfigDir, ReadOnly: true}},
		}},
		Volumes: []corev1.Volume{{Name: "kafka-config", VolumeSource: corev1.VolumeSource{
			ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: plan.KafkaConfigMapName}}}}},
	}}
	spec := RelaySpec(p)
	return &FlinkDeployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: FlinkAPIVersion, Kind: FlinkKind},
		ObjectMeta: metav1.ObjectMeta{Name: p.DeploymentName(), Namespace: plan.K8sNamespace, Labels: labels},
		Spec: FlinkDeploymentSpec{
			Image:              p.JobImage(),
			ImagePullPolicy:    "IfNotPresent",
			ServiceAccount:     ServiceAccount,
			FlinkVersion:       plan.FlinkVersion,
			Mode:               "native",
			FlinkConfiguration: conf,
			PodTemplate:        pod,
			JobManager:         JobManagerSpec{Replicas: 1, Resource: Resource{CPU: plan.JobManagerSize.CPU, Memory: plan.JobManagerSize.Memory}},
			TaskManager:        TaskManagerSpec{Resource: Resource{CPU: t.TaskManager().CPU, Memory: t.TaskManager().Memory}},
			Job: JobSpec{
				JarURI:      plan.JobJarURI(),
				EntryClass:  spec.MainClass(),
				Args:        spec.ProgramArgs(),
				Parallelism: t.Parallelism,
				UpgradeMode: "savepoint",
				State:       "running",
			},
		},
	}
}
