package kubetest

import (
	"bufio"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// operatorConfigMap is the operator's configuration the chart renders
// (templates/controller/configmap.yaml), with kubernetes.operator.watched.namespaces.
const operatorConfigMap = "flink-operator-config"

// WatchedNamespaces are the namespaces an installed operator watches, read from the
// configuration the chart rendered into its namespace; nil when no operator Deployment is
// there.
func (c *Cluster) WatchedNamespaces() []string {
	deps, err := c.Dynamic.Tracker().List(Deployments, Deployments.GroupVersion().WithKind("Deployment"), "")
	if err != nil {
		return nil
	}
	list, ok := deps.(*unstructured.UnstructuredList)
	if !ok {
		return nil
	}
	for _, d := range list.Items {
		if d.GetName() != "flink-kubernetes-operator" {
			continue
		}
		cm, err := c.Dynamic.Tracker().Get(ConfigMaps, d.GetNamespace(), operatorConfigMap)
		if err != nil {
			return nil
		}
		data, _, _ := unstructured.NestedStringMap(cm.(*unstructured.Unstructured).Object, "data")
		sc := bufio.NewScanner(strings.NewReader(data["flink-conf.yaml"]))
		for sc.Scan() {
			if v, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "kubernetes.operator.watched.namespaces:"); ok {
				return strings.Split(strings.TrimSpace(v), ",")
			}
		}
		return []string{metav1.NamespaceAll}
	}
	return nil
}

// Operate plays the operator on the FlinkDeployment namespace/name: nothing when no operator
// watches its namespace (it waits forever, as on a cluster without one); otherwise the
// JobManager's pod is admitted or not (its ServiceAccount must exist, PodAdmitted) and the
// status says so: STABLE with the job RUNNING, or the JobManager deployment in ERROR with the
// API server's message.
func (c *Cluster) Operate(namespace, name string) error {
	watched := false
	for _, n := range c.WatchedNamespaces() {
		watched = watched || n == namespace || n == metav1.NamespaceAll
	}
	if !watched {
		return nil
	}
	o, err := c.Dynamic.Tracker().Get(FlinkDeployment, namespace, name)
	if err != nil {
		return err
	}
	fd := o.(*unstructured.Unstructured).DeepCopy()
	sa, _, _ := unstructured.NestedString(fd.Object, "spec", "serviceAccount")
	status := map[string]any{"lifecycleState": "STABLE", "jobManagerDeploymentStatus": "READY",
		"jobStatus": map[string]any{"state": "RUNNING", "jobId": "00000000000000000000000000000001"}}
	if err := c.PodAdmitted(namespace, name+"-jobmanager", sa); err != nil {
		status = map[string]any{"lifecycleState": "DEPLOYED", "jobManagerDeploymentStatus": "ERROR", "error": err.Error()}
	}
	fd.Object["status"] = status
	return c.Dynamic.Tracker().Update(FlinkDeployment, fd, namespace)
}
