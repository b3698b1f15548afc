package manifest

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/streamscale/streamscale/internal/azure/plan"
)

// Azure Monitor managed Prometheus' PodMonitor: its own copy of the Prometheus operator's
// resource, in the group azmonitoring.coreos.com, which the cluster's metrics add-on
// (azureMonitorProfile.metrics) installs and scrapes.
const (
	PodMonitorGroup      = "azmonitoring.coreos.com"
	PodMonitorAPIVersion = PodMonitorGroup + "/v1"
	PodMonitorKind       = "PodMonitor"
	// PodMonitorResource is the custom resource's plural name.
	PodMonitorResource = "podmonitors"
	// PodMonitorName is the Flink pods' monitor.
	PodMonitorName = "streamscale-flink"
)

// PodMonitor selects pods to scrape (the fields streamscale sets).
type PodMonitor struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              PodMonitorSpec `json:"spec"`
}

// PodMonitorSpec selects the pods and says how to scrape them.
type PodMonitorSpec struct {
	Selector            metav1.LabelSelector `json:"selector"`
	PodMetricsEndpoints []PodMetricsEndpoint `json:"podMetricsEndpoints"`
}

// PodMetricsEndpoint is one scrape of each selected pod.
type PodMetricsEndpoint struct {
	Path        string          `json:"path,omitempty"`
	Interval    string          `json:"interval,omitempty"`
	Relabelings []RelabelConfig `json:"relabelings,omitempty"`
}

// RelabelConfig is a Prometheus relabeling rule.
type RelabelConfig struct {
	SourceLabels []string `json:"sourceLabels,omitempty"`
	Regex        string   `json:"regex,omitempty"`
	Replacement  string   `json:"replacement,omitempty"`
	TargetLabel  string   `json:"targetLabel,omitempty"`
	Action       string   `json:"action,omitempty"`
}

// podMonitor scrapes the reporter's port of every pod of the plan's job's FlinkDeployment
// (native mode labels its JobManager and TaskManager pods app=<deployment>). Flink's pods
// declare no container port for the reporter, so the target's address is rewritten to the
// pod's IP and PrometheusPort.
func podMonitor(labels map[string]string, deployment string) *PodMonitor {
	return &PodMonitor{
		TypeMeta:   metav1.TypeMeta{APIVersion: PodMonitorAPIVersion, Kind: PodMonitorKind},
		ObjectMeta: metav1.ObjectMeta{Name: PodMonitorName, Namespace: plan.K8sNamespace, Labels: labels},
		Spec: PodMonitorSpec{
			Selector: metav1.LabelSelector{MatchLabels: map[string]string{"app": deployment}},
			PodMetricsEndpoints: []PodMetricsEndpoint{{
				Path:     "/metrics",
				Interval: "30s",
				Relabelings: []RelabelConfig{
					{SourceLabels: []string{"__meta_kubernetes_pod_ip"}, Regex: "(.+)", Replacement: fmt.Sprintf("$1:%d", PrometheusPort), TargetLabel: "__address__", Action: "replace"},
					{SourceLabels: []string{"__meta_kubernetes_pod_label_component"}, TargetLabel: "component", Action: "replace"},
				},
			}},
		},
	}
}
