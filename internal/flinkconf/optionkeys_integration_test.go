//go:build integration

package flinkconf

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"io"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// failoverOptions names, for every failover key streamscale renders, the Flink 2.2.1 options
// class (org.apache.flink.configuration, in flink-core) that declares it.
var failoverOptions = map[string]string{
	"heartbeat.interval":                                 "HeartbeatManagerOptions",
	"heartbeat.timeout":                                  "HeartbeatManagerOptions",
	"heartbeat.rpc-failure-threshold":                    "HeartbeatManagerOptions",
	"jobmanager.execution.failover-strategy":             "JobManagerOptions",
	"restart-strategy.type":                              "RestartStrategyOptions",
	"restart-strategy.exponential-delay.initial-backoff": "RestartStrategyOptions",
	"restart-strategy.exponential-delay.max-backoff":     "RestartStrategyOptions",
	RedundantTaskManagersKey:                             "ResourceManagerOptions",
}

// TestIntegrationFailoverKeysInFlinkJar checks every failover key New renders (and the AKS
// manifest's redundant-TaskManager key) against the real flink-core 2.2.1 jar of the local
// runtime: the key must be a string constant of the options class that declares it. A key
// Flink does not know is silently ignored by Flink, so this is the only place a typo shows.
func TestIntegrationFailoverKeysInFlinkJar(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	jar := filepath.Join(filepath.Dir(file), "..", "..", "build", "runtime", "flink", "flink-core-2.2.1.jar")
	zr, err := zip.OpenReader(jar)
	if err != nil {
		t.Fatalf("%v: run `make build` first (it puts Flink 2.2.1's jars in build/runtime/flink)", err)
	}
	defer zr.Close()
	classes := map[string][]byte{}
	for _, f := range zr.File {
		for _, class := range failoverOptions {
			if f.Name == "org/apache/flink/configuration/"+class+".class" {
				rc, err := f.Open()
				if err != nil {
					t.Fatal(err)
				}
				classes[class], err = io.ReadAll(rc)
				rc.Close()
				if err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	rendered := New(Session{Slots: 1, Detection: Detection{Interval: time.Second, Timeout: 2 * time.Second, RPCFailureThreshold: 1}})
	for k := range rendered {
		if _, ok := failoverOptions[k]; !ok && (len(k) > 9 && k[:9] == "heartbeat" || len(k) > 16 && k[:16] == "restart-strategy") {
			t.Errorf("New renders %s, which this test does not pin: add it to failoverOptions", k)
		}
	}
	for key, class := range failoverOptions {
		b, ok := classes[class]
		if !ok {
			t.Errorf("%s: no class %s in %s", key, class, jar)
			continue
		}
		// A CONSTANT_Utf8 entry of the class's constant pool: tag 1, a big-endian u2 length,
		// the bytes (keys are ASCII, so modified UTF-8 is the bytes themselves).
		entry := []byte{1, 0, 0}
		binary.BigEndian.PutUint16(entry[1:], uint16(len(key)))
		if !bytes.Contains(b, append(entry, key...)) {
			t.Errorf("%s is not a string constant of %s in %s: Flink 2.2.1 does not know it", key, class, filepath.Base(jar))
		}
	}
}
