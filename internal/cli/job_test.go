package cli

import (
	"errors"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/streamscale/streamscale/internal/flink"
	"github.com/streamscale/streamscale/internal/flinktest"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/pipeline"
	"github.com/streamscale/streamscale/internal/relay"
)

// flinkStub is the Flink REST double (flinktest; not a Flink cluster) where the relay job for
// in->out, "abc", is in the given state; with state "" any request fails the test.
func flinkStub(t *testing.T, state string) string {
	t.Helper()
	st := flinktest.New(t)
	if state == "" {
		st.Refuse = true
		return st.URL
	}
	st.Add("abc", flinktest.Job{Name: "streamscale-relay in->out", States: []flink.JobState{flink.JobState(state)}})
	return st.URL
}

func kfakeWithTopics(t *testing.T, topics ...string) string {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(2, topics...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()[0]
}

// TestJobSubmitKfake_MissingTopics: job submit names every missing topic of the three (a
// missing output or dead-letter topic sends the job into a restart loop at its first record)
// and says how to create them, before asking Flink anything.
func TestJobSubmitKfake_MissingTopics(t *testing.T) {
	tests := []struct {
		name     string
		seed     []string
		args     []string
		want     []string
		notWants []string
	}{
		{name: "output and dead-letter", seed: []string{"in"}, want: []string{`topics "out", "in-dead-letter" not found`}},
		{name: "dead-letter", seed: []string{"in", "out"}, want: []string{`topic "in-dead-letter" not found`}, notWants: []string{`"out"`}},
		{name: "input", seed: []string{"out", "in-dead-letter"}, want: []string{`topic "in" not found`}},
		{name: "named topics", seed: []string{"a", "b"}, args: []string{"--in-topic", "a", "--out-topic", "b", "--dead-letter-topic", "dl"}, want: []string{`topic "dl" not found`, "`streamscale topics create --in-topic a --out-topic b --dead-letter-topic dl`"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _ := testFactory()
			args := append([]string{"--brokers", kfakeWithTopics(t, tt.seed...), "--flink-url", flinkStub(t, "")}, tt.args...)
			err := execute(newJobSubmitCmd(f, nil), args...)
			if err == nil {
				t.Fatal("job submit succeeded with a topic missing")
			}
			for _, w := range append(tt.want, "streamscale topics create") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			t.Log(err)
			for _, w := range tt.notWants {
				if strings.Contains(err.Error(), w) {
					t.Errorf("error %q names %s, which exists", err, w)
				}
			}
		})
	}
}

// TestJobSubmitKfake_ReusesRunningJob: with the three topics there, job submit goes on to
// Flink (here a stub where the relay job runs) and prints the job's id.
func TestJobSubmitKfake_ReusesRunningJob(t *testing.T) {
	f, out, _ := testFactory()
	err := execute(newJobSubmitCmd(f, nil), "--brokers", kfakeWithTopics(t, "in", "out", "in-dead-letter"), "--flink-url", flinkStub(t, "RUNNING"))
	if err != nil || strings.TrimSpace(out.String()) != "abc" {
		t.Fatalf("job submit = %q, %v; want the running job abc", out.String(), err)
	}
}

// TestJobSubmitRefusesSecuredKafka: the relay job connects in plaintext only, so TLS, SASL and
// Event Hubs are refused with one line, before Kafka or Flink are asked anything (the broker
// address is unreachable and Flink's stub fails on any request).
func TestJobSubmitRefusesSecuredKafka(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		env       map[string]string
		eventHubs bool // the connection is the Factory's, to an Event Hubs namespace
	}{
		{name: "tls", args: []string{"--brokers", "127.0.0.1:1", "--tls"}},
		{name: "sasl", args: []string{"--brokers", "127.0.0.1:1", "--sasl-mechanism", "PLAIN", "--sasl-username", "u"}, env: map[string]string{"STREAMSCALE_SASL_PASSWORD": "p"}},
		{name: "event hubs", eventHubs: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _ := testFactory()
			f.Getenv = func(k string) string { return tt.env[k] }
			if tt.eventHubs {
				f.Kafka = eventHubsConn(t)
			}
			err := execute(newJobSubmitCmd(f, nil), append(tt.args, "--flink-url", flinkStub(t, ""))...)
			if !errors.Is(err, relay.ErrSecuredKafka) {
				t.Fatalf("job submit = %v, want %v", err, relay.ErrSecuredKafka)
			}
		})
	}
}

// TestJobSpecSecured: the spec that run, job submit and bench relay hand to relay.Ensure is
// marked secured for TLS, SASL and Event Hubs, so Ensure refuses it.
func TestJobSpecSecured(t *testing.T) {
	f, _, _ := testFactory()
	for _, tt := range []struct {
		name string
		set  func(*pipeline.Connection)
		want bool
	}{
		{name: "plaintext", set: func(*pipeline.Connection) {}},
		{name: "tls", set: func(c *pipeline.Connection) { c.Source.Security.TLS = true }, want: true},
		{name: "sasl", set: func(c *pipeline.Connection) { c.Source.Security.SASLMechanism = "SCRAM-SHA-512" }, want: true},
		{name: "event hubs", set: func(c *pipeline.Connection) { c.Source.Security.EventHubs = true }, want: true},
	} {
		c := f.newConn()
		tt.set(c)
		spec := pipeline.DefaultJobOptions().Spec(c.Source.Security, pipeline.DefaultTopicOptions().Relay(), 2)
		if spec.Secured != tt.want || (spec.CheckConnection() != nil) != tt.want {
			t.Errorf("%s: Secured = %v, CheckConnection = %v", tt.name, spec.Secured, spec.CheckConnection())
		}
	}
}

// TestJobSpecForSecuredConnections: a secured connection's settings reach the relay job in a
// file: written for the submission on the local Flink (which shares this machine's files),
// given by --job-kafka-properties-file on another, refused without either.
func TestJobSpecForSecuredConnections(t *testing.T) {
	f, _, _ := testFactory()
	for _, tt := range []struct {
		name             string
		flinkURL, file   string
		wantErr, written bool
	}{
		{name: "local Flink writes the file", written: true},
		{name: "other Flink with a file", flinkURL: "http://flink:8081", file: "/secrets/kafka.properties"},
		{name: "other Flink without a file", flinkURL: "http://flink:8081", wantErr: true},
	} {
		c := f.newConn()
		c.FlinkURL = tt.flinkURL
		c.Source.Security = kafkaconn.Conn{Brokers: []string{"b:9093"}, TLS: true}
		j := pipeline.DefaultJobOptions()
		j.KafkaPropertiesFile = tt.file
		spec := c.JobSpec(*j, c.Source.Security, pipeline.DefaultTopicOptions().Relay(), 2)
		if err := spec.CheckConnection(); (err != nil) != tt.wantErr {
			t.Errorf("%s: CheckConnection = %v", tt.name, err)
		}
		if (spec.ClientConfig != nil) != tt.written || spec.FixedSlots != (tt.flinkURL == "") {
			t.Errorf("%s: ClientConfig set %v, FixedSlots %v", tt.name, spec.ClientConfig != nil, spec.FixedSlots)
		}
		if args := strings.Join(spec.ProgramArgs(), " "); (tt.file != "") != strings.Contains(args, "--kafka-properties-file "+tt.file) {
			t.Errorf("%s: program args %q", tt.name, args)
		}
	}
}

// TestJobCancelStub_FindsRestartingJob: `job cancel` without an id cancels the relay job also
// when it is restarting, not only when it runs (a stub Flink REST API).
func TestJobCancelStub_FindsRestartingJob(t *testing.T) {
	f, out, _ := testFactory()
	err := execute(newJobCancelCmd(f, nil), "--flink-url", flinkStub(t, "RESTARTING"))
	if err != nil || !strings.Contains(out.String(), "cancelled abc") {
		t.Fatalf("job cancel = %q, %v; want the restarting job abc cancelled", out.String(), err)
	}
}

// eventHubsConn is a Factory connection to an Event Hubs namespace (made from a connection
// string, never dialled by these tests).
func eventHubsConn(t *testing.T) func() (kafkaconn.Conn, error) {
	t.Helper()
	cs := "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=eA=="
	c, ok, err := kafkaconn.FromEnvironment(func(string) string { return cs }, "")
	if err != nil || !ok || !c.EventHubs {
		t.Fatalf("Event Hubs connection: %+v, %v, %v", c, ok, err)
	}
	return func() (kafkaconn.Conn, error) { return c, nil }
}
