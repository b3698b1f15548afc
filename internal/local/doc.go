// Package local runs the local streamscale stack: one Apache Kafka node (KRaft, combined
// broker and controller) and an Apache Flink session cluster (one JobManager, N TaskManagers),
// each in its own JVM on 127.0.0.1, from the jars that the project's Maven build copied into
// the runtime directory. All state — configuration, data, logs, pids — lives in one home
// directory, so a stack can be found, inspected and stopped by any later command.
package local
