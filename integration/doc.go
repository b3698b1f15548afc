// Package integration holds the end-to-end tests that run the real pipeline: a Kafka broker
// and a Flink cluster started by package local, the relay job, the generator and the
// verifier. They need `make build` first and run with `go test -tags integration`.
package integration
