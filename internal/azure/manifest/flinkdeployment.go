package manifest

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// FlinkDeployment API group, version and kind.
const (
	FlinkGroup      = "flink.apache.org"
	FlinkAPIVersion = FlinkGroup + "/v1beta1"
	FlinkKind       = "FlinkDeployment"
	// FlinkResource is the custom resource's plural name.
	FlinkResource = "flinkdeployments"
)

// FlinkDeployment is the operator's custom resource: one Flink cluster, here in application
// mode running one job.
type FlinkDeployment struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              FlinkDeploymentSpec    `json:"spec"`
	Status            *FlinkDeploymentStatus `json:"status,omitempty"`
}

// FlinkDeploymentSpec is the operator's FlinkDeploymentSpec (the fields streamscale sets).
type FlinkDeploymentSpec struct {
	Image              string                  `json:"image"`
	ImagePullPolicy    string                  `json:"imagePullPolicy,omitempty"`
	ServiceAccount     string                  `json:"serviceAccount"`
	FlinkVersion       string                  `json:"flinkVersion"`
	Mode               string                  `json:"mode"`
	FlinkConfiguration map[string]string       `json:"flinkConfiguration"`
	PodTemplate        *corev1.PodTemplateSpec `json:"podTemplate,omitempty"`
	JobManager         JobManagerSpec          `json:"jobManager"`
	TaskManager        TaskManagerSpec         `json:"taskManager"`
	Job                JobSpec                 `json:"job"`
}

// JobManagerSpec is the operator's JobManagerSpec.
type JobManagerSpec struct {
	Replicas int      `json:"replicas"`
	Resource Resource `json:"resource"`
}

// TaskManagerSpec is the operator's TaskManagerSpec. Replicas stay unset: the operator
// derives them from the job's parallelism and the slots per TaskManager.
type TaskManagerSpec struct {
	Resource Resource `json:"resource"`
}

// Resource is the operator's Resource: CPU cores and Flink process memory such as "2048m".
type Resource struct {
	CPU    float64 `json:"cpu"`
	Memory string  `json:"memory"`
}

// JobSpec is the operator's JobSpec.
type JobSpec struct {
	JarURI      string   `json:"jarURI"`
	EntryClass  string   `json:"entryClass"`
	Args        []string `json:"args"`
	Parallelism int      `json:"parallelism"`
	UpgradeMode string   `json:"upgradeMode"`
	State       string   `json:"state"`
}

// FlinkDeploymentStatus is the part of the operator's status `azure up` waits on.
type FlinkDeploymentStatus struct {
	// LifecycleState is e.g. DEPLOYED, STABLE, FAILED.
	LifecycleState string `json:"lifecycleState,omitempty"`
	// JobManagerDeploymentStatus is READY, DEPLOYING, ERROR, ….
	JobManagerDeploymentStatus string    `json:"jobManagerDeploymentStatus,omitempty"`
	JobStatus                  JobStatus `json:"jobStatus,omitempty"`
	// Error is the operator's error for the resource, if any.
	Error string `json:"error,omitempty"`
}

// JobStatus is the operator's JobStatus.
type JobStatus struct {
	JobName string `json:"jobName,omitempty"`
	JobID   string `json:"jobId,omitempty"`
	// State is Flink's job state: RUNNING, FAILED, ….
	State string `json:"state,omitempty"`
}
