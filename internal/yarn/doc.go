// Package yarn talks to Apache Hadoop YARN for streamscale: the ResourceManager's and
// NodeManager's REST APIs (cluster state, nodes, applications, containers), and the Java
// launcher (jvm/yarn-launcher) that deploys a Flink session cluster as a YARN application with
// Flink's own YARN deployment code, reports it and kills it.
package yarn
