package cli

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/local"
)

func testFactory() (*Factory, *bytes.Buffer, *bytes.Buffer) {
	out, errOut := &bytes.Buffer{}, &bytes.Buffer{}
	return &Factory{IO: IOStreams{In: strings.NewReader(""), Out: out, ErrOut: errOut}, Getenv: func(string) string { return "" }}, out, errOut
}

// execute runs cmd with args, its usage and cobra's own messages discarded.
func execute(cmd *cobra.Command, args ...string) error {
	cmd.SetArgs(args)
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	return cmd.Execute()
}

func TestLocalUpFlags(t *testing.T) {
	tests := []struct {
		args    []string
		check   func(*local.Config) bool
		wantErr string
	}{
		{[]string{}, func(o *local.Config) bool { return o.KafkaPort == 9092 && o.TaskManagers == 1 }, ""},
		{[]string{"--kafka-port", "19092", "--taskmanagers", "2", "--slots", "4", "--home", "/tmp/x"}, func(o *local.Config) bool {
			return o.KafkaPort == 19092 && o.TaskManagers == 2 && o.Slots == 4 && o.Home == "/tmp/x"
		}, ""},
		{[]string{"--start-timeout", "30s"}, func(o *local.Config) bool { return o.StartTimeout == 30*time.Second }, ""},
		{[]string{"--kafka-port", "abc"}, nil, "invalid argument"},
		{[]string{"extra"}, nil, "unknown command"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			f, _, _ := testFactory()
			var got *local.Config
			cmd := newLocalUpCmd(f, func(_ context.Context, o *local.Config) error { got = o; return nil })
			err := execute(cmd, tt.args...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !tt.check(got) {
				t.Fatalf("err = %v, options = %+v", err, *got)
			}
		})
	}
}

func TestLocalUpRejectsBadConfigAsFlagError(t *testing.T) {
	f, _, _ := testFactory()
	cmd := newLocalUpCmd(f, nil)
	cmd.SetArgs([]string{"--slots", "0", "--home", t.TempDir()})
	err := cmd.Execute()
	var fe *FlagError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "slots") {
		t.Fatalf("err = %v, want a FlagError naming slots", err)
	}
}

func TestConnFlagsPrecedence(t *testing.T) {
	f, _, _ := testFactory()
	env := map[string]string{"STREAMSCALE_BROKERS": "env:1"}
	f.Getenv = func(k string) string { return env[k] }
	c := f.newConn()
	c.Home = t.TempDir()
	conn, err := c.KafkaConn()
	if err != nil || conn.Brokers[0] != "env:1" {
		t.Fatalf("env brokers: %v, %v", conn, err)
	}
	c.Source.Brokers = "flag:2"
	if conn, _ = c.KafkaConn(); conn.Brokers[0] != "flag:2" {
		t.Fatalf("flag must win over env: %v", conn)
	}
	delete(env, "STREAMSCALE_BROKERS")
	c.Source.Brokers = ""
	if conn, _ = c.KafkaConn(); conn.Brokers[0] != "127.0.0.1:9092" {
		t.Fatalf("default without a stack: %v", conn)
	}
	c.Source.Brokers = "nohost"
	if _, err := c.KafkaConn(); err == nil {
		t.Fatal("a broker without a port was accepted")
	}
}

func TestRunFlags(t *testing.T) {
	f, _, _ := testFactory()
	var got *runOptions
	cmd := newRunCmd(f, func(_ context.Context, o *runOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--tier", "5", "--duration", "2m", "--down", "--parallelism", "3"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.topics.Tier != 5 || got.gen.cfg.Duration != 2*time.Minute || !got.down || got.job.Parallelism != 3 {
		t.Fatalf("options = %+v", got)
	}
}

func TestVerifyWithoutRecordedRunSaysWhatToDo(t *testing.T) {
	f, _, _ := testFactory()
	cmd := newVerifyCmd(f, nil)
	cmd.SetArgs([]string{"--home", t.TempDir()})
	err := cmd.Execute()
	if err == nil || !strings.Contains(err.Error(), "streamscale run") {
		t.Fatalf("verify without a run = %v, want a hint to run first", err)
	}
}

func TestGenerateFlags(t *testing.T) {
	tests := []struct {
		args []string
		rate float64
	}{
		{[]string{}, 1000},
		{[]string{"--tier", "10"}, 10000},
		{[]string{"--tier", "5", "--rate", "1234"}, 1234},
	}
	for _, tt := range tests {
		f, _, _ := testFactory()
		var got *genFlags
		cmd := newGenerateCmd(f, func(_ context.Context, g *genFlags) error { got = g; return nil })
		cmd.SetArgs(tt.args)
		if err := cmd.Execute(); err != nil {
			t.Fatal(err)
		}
		if got.cfg.Rate != tt.rate {
			t.Errorf("%v: rate %g, want %g", tt.args, got.cfg.Rate, tt.rate)
		}
	}
	f, _, _ := testFactory()
	cmd := newGenerateCmd(f, func(context.Context, *genFlags) error { return nil })
	cmd.SetArgs([]string{"--tier", "3"})
	var fe *FlagError
	if err := cmd.Execute(); !errors.As(err, &fe) {
		t.Fatalf("--tier 3 = %v, want a flag error", err)
	}
}

// TestConnOrKeepsSecurity: verifying a recorded run connects to the run's brokers unless the
// user named a Kafka, and keeps the TLS/SASL flags (it once dropped them).
func TestConnOrKeepsSecurity(t *testing.T) {
	run := []string{"recorded:9093"}
	tests := []struct {
		name  string
		flag  string
		env   map[string]string
		want  string
		noTLS bool
	}{
		{name: "run's brokers", want: "recorded:9093"},
		{name: "flag wins", flag: "flag:1", want: "flag:1"},
		{name: "environment wins", env: map[string]string{"STREAMSCALE_BROKERS": "env:2"}, want: "env:2"},
		{name: "a Flink of one's own keeps the run's brokers", env: map[string]string{"STREAMSCALE_FLINK_URL": "http://flink:8081"}, want: "recorded:9093"},
		{name: "Event Hubs wins", env: map[string]string{"EVENTHUB_CONNECTION_STRING": "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=eA=="}, want: "ns.servicebus.windows.net:9093"},
	}
	for _, tt := range tests {
		f, _, _ := testFactory()
		f.Getenv = func(k string) string { return tt.env[k] }
		c := f.newConn()
		c.Home = t.TempDir()
		c.Source.Brokers = tt.flag
		c.Source.Security.TLS = true
		conn, err := c.KafkaConnOr(run)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if conn.Brokers[0] != tt.want || !conn.TLS {
			t.Errorf("%s: connOr = %s, want brokers %s with TLS", tt.name, conn.Describe(), tt.want)
		}
	}
}

func TestConnFlagsEventHubsFromEnvironment(t *testing.T) {
	const secret = "c2VjcmV0LWtleS12YWx1ZQ=="
	f, _, _ := testFactory()
	env := map[string]string{"EVENTHUB_CONNECTION_STRING": "Endpoint=sb://my-ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=" + secret}
	f.Getenv = func(k string) string { return env[k] }
	c := f.newConn()
	conn, err := c.KafkaConn()
	if err != nil {
		t.Fatal(err)
	}
	if conn.Brokers[0] != "my-ns.servicebus.windows.net:9093" || !conn.TLS || !c.External() {
		t.Fatalf("conn = %s", conn.Describe())
	}
	env["EVENTHUB_CONNECTION_STRING"] = "Endpoint=http://nope;SharedAccessKey=" + secret
	_, err = c.KafkaConn()
	if err == nil || strings.Contains(err.Error(), secret) {
		t.Fatalf("bad connection string error = %v; want an error that does not echo the key", err)
	}
}

// TestFlagUsagesHaveNoBackquotes: pflag turns `quoted` text in a usage string into the flag's
// value name, so "--run streamscale run" would appear in --help.
func TestFlagUsagesHaveNoBackquotes(t *testing.T) {
	f, _, _ := testFactory()
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		c.Flags().VisitAll(func(fl *pflag.Flag) {
			if strings.Contains(fl.Usage, "`") {
				t.Errorf("%s --%s: usage %q has a backquote", c.CommandPath(), fl.Name, fl.Usage)
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(NewRootCmd(f, "test"))
}

// TestProducerFlags checks the producer settings the generator's flags produce, by reading
// them back from a franz-go client built with them (no broker is contacted).
func TestProducerFlags(t *testing.T) {
	local := kafkaconn.Conn{Brokers: []string{"127.0.0.1:1"}}
	hubs := kafkaconn.Conn{Brokers: []string{"ns.servicebus.windows.net:9093"}, EventHubs: true}
	tests := []struct {
		name       string
		args       []string
		conn       kafkaconn.Conn
		acks       kgo.Acks
		idempotent bool
		batch      int32
		wantErr    string
	}{
		{"defaults", nil, local, kgo.AllISRAcks(), true, 1 << 20, ""},
		{"leader acks turn idempotence off", []string{"--acks", "1"}, local, kgo.LeaderAck(), false, 1 << 20, ""},
		{"no acks", []string{"--acks", "0", "--batch-bytes", "65536"}, local, kgo.NoAck(), false, 65536, ""},
		{"idempotence off on request", []string{"--idempotent=false"}, local, kgo.AllISRAcks(), false, 1 << 20, ""},
		{"event hubs caps the default batch", nil, hubs, kgo.AllISRAcks(), false, 1_000_000, ""},
		{"event hubs refuses a larger batch", []string{"--batch-bytes", "2000000"}, hubs, kgo.Acks{}, false, 0, "above Event Hubs' limit"},
		{"event hubs refuses idempotence asked for", []string{"--idempotent"}, hubs, kgo.Acks{}, false, 0, "Event Hubs"},
		{"idempotence needs all acks", []string{"--acks", "1", "--idempotent"}, local, kgo.Acks{}, false, 0, "needs --acks all"},
		{"bad acks", []string{"--acks", "2"}, local, kgo.Acks{}, false, 0, "--acks"},
		{"bad batch", []string{"--batch-bytes", "0"}, local, kgo.Acks{}, false, 0, "--batch-bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _ := testFactory()
			var got *genFlags
			cmd := newGenerateCmd(f, func(_ context.Context, g *genFlags) error { got = g; return nil })
			if err := execute(cmd, tt.args...); err != nil {
				t.Fatal(err)
			}
			opts, err := got.producerOpts(tt.conn)
			if tt.wantErr != "" {
				var fe *FlagError
				if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want a flag error with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			cl, err := tt.conn.NewClient(opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer cl.Close()
			acks := cl.OptValue(kgo.RequiredAcks).(kgo.Acks)
			idempotenceOff := cl.OptValue(kgo.DisableIdempotentWrite).(bool)
			batch := cl.OptValue(kgo.ProducerBatchMaxBytes).(int32)
			if acks != tt.acks || idempotenceOff == tt.idempotent || batch != tt.batch {
				t.Fatalf("acks %+v, idempotent %v, batch %d; want %+v, %v, %d", acks, !idempotenceOff, batch, tt.acks, tt.idempotent, tt.batch)
			}
		})
	}
}

func TestRunTierDefaults(t *testing.T) {
	tests := []struct {
		args  []string
		rate  float64
		units int
	}{
		{nil, 1000, 2},
		{[]string{"--tier", "10"}, 10000, 12},
		{[]string{"--tier", "5", "--rate", "300", "--throughput-units", "1"}, 300, 1},
		{[]string{"--tier", "5", "--throughput-units", "0"}, 5000, 0},
		{[]string{"--partitions", "3"}, 1000, 0},                                    // no tier in play: the generator's default rate, no capacity line
		{[]string{"--tier", "10", "--instance", "1", "--instances", "5"}, 2000, 12}, // one of five shares the tier's total
	}
	for _, tt := range tests {
		f, _, _ := testFactory()
		var got *runOptions
		cmd := newRunCmd(f, func(_ context.Context, o *runOptions) error { got = o; return nil })
		if err := execute(cmd, tt.args...); err != nil {
			t.Fatal(err)
		}
		got.applyTier()
		if got.gen.cfg.Rate != tt.rate || got.units != tt.units {
			t.Errorf("%v: rate %g, throughput units %d; want %g, %d", tt.args, got.gen.cfg.Rate, got.units, tt.rate, tt.units)
		}
	}
}

// TestArgumentErrorsAreUsageErrors: wrong arguments and unknown commands are usage errors
// (exit 2), like bad flags, not failures of a command (exit 1).
func TestArgumentErrorsAreUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"nosuch"}, {"local", "nosuch"}, {"bench", "x"}, {"local", "up", "extra"},
		{"job", "cancel", "a", "b"}, {"topics", "delete"}, {"local", "status", "--nosuch"},
	} {
		f, _, _ := testFactory()
		err := execute(NewRootCmd(f, "test"), args...)
		var fe *FlagError
		if !errors.As(err, &fe) && !IsUnknownCommand(err) {
			t.Errorf("%v: error %v (%T), want a usage error", args, err, err)
		}
	}
	for _, args := range [][]string{{}, {"local"}, {"--help"}} {
		f, _, _ := testFactory()
		if err := execute(NewRootCmd(f, "test"), args...); err != nil {
			t.Errorf("%v: %v, want the help", args, err)
		}
	}
}

func TestVerifyWindowFlagsExcludeEachOther(t *testing.T) {
	for _, args := range [][]string{
		{"--run", "x", "--from-beginning"}, {"--from", "5m", "--run", "x"}, {"--from", "5m", "--from-beginning"},
	} {
		f, _, _ := testFactory()
		var fe *FlagError
		if err := execute(newVerifyCmd(f, nil), append([]string{"--home", t.TempDir()}, args...)...); !errors.As(err, &fe) {
			t.Errorf("verify %v = %v, want a usage error: the flags choose different windows", args, err)
		}
	}
}

func TestVerifyJobFlag(t *testing.T) {
	for _, tt := range []struct {
		args    []string
		wantErr string
	}{
		{args: []string{"--job", "cep"}, wantErr: `--job: unknown job "cep": use relay or complex`},
		{args: []string{"--job", "complex", "--from", "5m"}, wantErr: "--job complex: the tags carry no enqueuedAt"},
	} {
		f, _, _ := testFactory()
		var fe *FlagError
		err := execute(newVerifyCmd(f, nil), append([]string{"--home", t.TempDir()}, tt.args...)...)
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("verify %v = %v, want a usage error %q", tt.args, err, tt.wantErr)
		}
	}
}
