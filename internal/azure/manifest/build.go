package manifest

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/streamscale/streamscale/internal/azure/plan"
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
	// the rights native mode needs (pods, config maps for high availability).
	ServiceAccount = "flink"
	// PrometheusPort is the Flink Prometheus reporter's port on every pod, which managed
	// Prometheus scrapes through the PodMonitor (podmonitor.go).
	PrometheusPort = 9249
	// Redacted replaces every Secret value when the manifests are printed.
	Redacted = "<redacted: set by azure up from the namespace's rule>"
	// flinkMainContainer is the container name the operator merges pod templates into.
	flinkMainContainer = "flink-main-container"
)

// Inputs are the values only provisioning knows.
type Inputs struct {
	// KubeletClientID is the AKS kubelet identity's client ID, with which Flink reaches the
	// storage account (a managed identity: no storage key anywhere). Empty in a dry run.
	KubeletClientID string
	// InConnectionString and OutConnectionString are the job's rules' connection strings
	// (job-listen on #1, job-send on #2). Empty in a dry run.
	InConnectionString, OutConnectionString string
}

// Set is the objects `azure up` applies, in order.
type Set struct {
	Namespace       *corev1.Namespace
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
	return []any{s.Namespace, s.KafkaConfig, s.Secret, s.Images, s.FlinkDeployment, s.PodMonitor}
}

// Build makes the manifests of p's deployment.
func Build(p *plan.Plan, in Inputs) *Set {
	if in.KubeletClientID == "" {
		in.KubeletClientID = "<kubelet identity client id: known once the AKS cluster exists>"
	}
	ns := plan.K8sNamespace
	labels := map[string]string{"app.kubernetes.io/name": "streamscale", "app.kubernetes.io/managed-by": "streamscale"}
	return &Set{
		Namespace: &corev1.Namespace{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"},
			ObjectMeta: metav1.ObjectMeta{Name: ns, Labels: labels},
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
		// ABFS with the node's managed identity (the kubelet identity has Storage Blob Data
		// Contributor on the account): no storage key anywhere.
		"fs.azure.account.auth.type." + account:           "OAuth",
		"fs.azure.account.oauth.provider.type." + account: "org.apache.hadoop.fs.azurebfs.oauth2.MsiTokenProvider",
		"fs.azure.account.oauth2.client.id." + account:    in.KubeletClientID,
		// Kafka 3.8+ clients use only the config providers this property allows.
		"env.java.opts.all":                   "-Dorg.apache.kafka.automatic.config.providers=" + envProvider,
		"metrics.reporter.prom.factory.class": "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
		"metrics.reporter.prom.port":          fmt.Sprint(PrometheusPort),
		"kubernetes.jobmanager.annotations":   "prometheus.io/scrape:true,prometheus.io/port:" + fmt.Sprint(PrometheusPort),
		"kubernetes.taskmanager.annotations":  "prometheus.io/scrape:true,prometheus.io/port:" + fmt.Sprint(PrometheusPort),
	}
	secretEnv := func(name, key string) corev1.EnvVar {
		return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: plan.SecretName}, Key: key}}}
	}
	pod := &corev1.PodTemplateSpec{Spec: corev1.PodSpec{
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
			TaskManager:        TaskManagerSpec{Resource: Resource{CPU: t.TaskManager.CPU, Memory: t.TaskManager.Memory}},
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
