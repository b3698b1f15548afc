// Package manifest builds the Kubernetes objects `azure up` applies to the AKS cluster, from
// Go structs rather than templates: the namespace, the Kafka client properties (a ConfigMap,
// no secret in it), the Event Hubs connection strings (a Secret, referenced by the pods'
// environment, never inline) and the relay's FlinkDeployment for the Apache Flink Kubernetes
// Operator 1.15 (apiVersion flink.apache.org/v1beta1; fields as the operator's
// custom-resource reference documents them, see docs/azure.md).
package manifest
