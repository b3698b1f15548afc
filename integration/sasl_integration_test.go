//go:build integration

package integration

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/plain"

	"github.com/streamscale/streamscale/internal/local"
)

const (
	saslUser     = "alice"
	saslPassword = "alice-s3cret-for-the-test"
)

// saslBroker starts a real KRaft broker from the local runtime's jars whose only client
// listener requires SASL PLAIN (user alice), and stops it by pid when the test ends.
func saslBroker(t *testing.T) string {
	t.Helper()
	java, _, err := local.FindJava("")
	if err != nil {
		t.Fatal(err)
	}
	ports, err := local.FreePorts(2)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bootstrap := fmt.Sprintf("127.0.0.1:%d", ports[0])
	props := fmt.Sprintf(`process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:%[2]d
listeners=SASL_PLAINTEXT://%[1]s,CONTROLLER://127.0.0.1:%[2]d
advertised.listeners=SASL_PLAINTEXT://%[1]s
listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=SASL_PLAINTEXT
controller.listener.names=CONTROLLER
sasl.enabled.mechanisms=PLAIN
sasl.mechanism.inter.broker.protocol=PLAIN
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="admin-pw" user_admin="admin-pw" user_%[3]s="%[4]s";
log.dirs=%[5]s
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
`, bootstrap, ports[1], saslUser, saslPassword, filepath.Join(dir, "data"))
	config := filepath.Join(dir, "server.properties")
	if err := os.WriteFile(config, []byte(props), 0o600); err != nil {
		t.Fatal(err)
	}
	cp := filepath.Join(buildDir(t), "runtime", "kafka", "*")
	format := exec.Command(java, "-cp", cp, "kafka.tools.StorageTool", "format", "-t", "c2FzbC1icm9rZXItdGVzdA", "-c", config)
	if out, err := format.CombinedOutput(); err != nil {
		t.Fatalf("format SASL broker storage: %v\n%s", err, out)
	}
	logFile, err := os.Create(filepath.Join(dir, "kafka.log"))
	if err != nil {
		t.Fatal(err)
	}
	broker := exec.Command(java, "-Xmx384m", "-cp", cp, "kafka.Kafka", config)
	broker.Stdout, broker.Stderr = logFile, logFile
	broker.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := broker.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = broker.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = broker.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(20 * time.Second):
			_ = broker.Process.Kill()
			<-exited
		}
		logFile.Close()
	})

	cl, err := kgo.NewClient(kgo.SeedBrokers(bootstrap), kgo.SASL(plain.Auth{User: saslUser, Pass: saslPassword}.AsMechanism()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for {
		if _, err := kadm.NewClient(cl).ListBrokers(ctx); err == nil {
			return bootstrap
		} else if ctx.Err() != nil {
			log, _ := os.ReadFile(logFile.Name())
			t.Fatalf("SASL broker not ready in a minute: %v\n%s", err, log)
		}
		select {
		case <-exited:
			log, _ := os.ReadFile(logFile.Name())
			t.Fatalf("SASL broker exited\n%s", log)
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// TestIntegrationRunOverSASL: `streamscale run` against a broker that requires SASL, with the
// relay job on the local Flink. The job gets the credentials only through a properties file
// that the CLI writes for the submission and removes right after; the password appears in no
// output; the run verifies with 0 missing.
func TestIntegrationRunOverSASL(t *testing.T) {
	st := sharedStack(t)
	bootstrap := saslBroker(t)
	c := newCLI(t)
	tmp := t.TempDir() // where the CLI writes the job's client config (TMPDIR)
	c.env = append(c.env, "STREAMSCALE_HOME="+st.Home, "STREAMSCALE_SASL_PASSWORD="+saslPassword, "TMPDIR="+tmp)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	topics := []string{"--in-topic", "sasl-in", "--out-topic", "sasl-out"}
	t.Cleanup(func() { c.run(context.Background(), append([]string{"job", "cancel"}, topics...)...) })

	args := append([]string{"run", "--brokers", bootstrap, "--sasl-mechanism", "PLAIN", "--sasl-username", saslUser,
		"--count", "2000", "--rate", "2000", "--parallelism", "1", "--checkpoint-interval", "2s",
		"--job-jar", filepath.Join(buildDir(t), "jobs", "relay-job.jar")}, topics...)
	out, errOut, code := c.run(ctx, args...)
	if code != 0 || !strings.Contains(out, "verification: PASS (0 missing)") {
		t.Fatalf("run over SASL exited %d, want a pass\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if strings.Contains(out+errOut, saslPassword) {
		t.Fatal("the SASL password appears in the run's output")
	}
	left, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Fatalf("the job's client config outlived the submission: %v in TMPDIR", left)
	}
}
