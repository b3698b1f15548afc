package local

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestKafkaPropertiesPerNode(t *testing.T) {
	voters := "1@127.0.0.1:19093,2@127.0.0.1:19103,3@127.0.0.1:19113"
	tests := []struct {
		name    string
		brokers int
		node    int
		want    map[string]string
		absent  []string
	}{
		{"one broker", 1, 0, map[string]string{
			"node.id": "1", "controller.quorum.bootstrap.servers": "127.0.0.1:19093",
			"listeners":                  "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093",
			"default.replication.factor": "1", "min.insync.replicas": "1",
			"offsets.topic.replication.factor": "1", "transaction.state.log.replication.factor": "1", "transaction.state.log.min.isr": "1",
		}, []string{"controller.quorum.voters"}},
		{"not given is one broker", 0, 0, map[string]string{
			"node.id": "1", "controller.quorum.bootstrap.servers": "127.0.0.1:19093", "default.replication.factor": "1",
		}, []string{"controller.quorum.voters"}},
		{"three brokers, the first", 3, 0, map[string]string{
			"node.id": "1", "controller.quorum.voters": voters,
			"listeners":            "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093",
			"advertised.listeners": "PLAINTEXT://127.0.0.1:19092",
			"process.roles":        "broker,controller",
		}, []string{"controller.quorum.bootstrap.servers"}},
		{"three brokers, the third", 3, 2, map[string]string{
			"node.id": "3", "controller.quorum.voters": voters,
			"listeners":                  "PLAINTEXT://127.0.0.1:19112,CONTROLLER://127.0.0.1:19113",
			"advertised.listeners":       "PLAINTEXT://127.0.0.1:19112",
			"log.dirs":                   "/data/kafka-3",
			"default.replication.factor": "3", "min.insync.replicas": "2",
			"offsets.topic.replication.factor": "3", "transaction.state.log.replication.factor": "3", "transaction.state.log.min.isr": "2",
			"share.coordinator.state.topic.replication.factor": "3", "share.coordinator.state.topic.min.isr": "2",
		}, []string{"controller.quorum.bootstrap.servers"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			c.KafkaPort, c.ControllerPort, c.KafkaBrokers = 19092, 19093, tt.brokers
			got := parseProps(kafkaProperties(c, tt.node, "/data/kafka-"+itoa(tt.node+1)))
			if tt.want["log.dirs"] == "" {
				tt.want["log.dirs"] = "/data/kafka-" + itoa(tt.node+1)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
			for _, k := range tt.absent {
				if v, ok := got[k]; ok {
					t.Errorf("%s = %q, want it unset", k, v)
				}
			}
		})
	}
}

func TestFormatArgs(t *testing.T) {
	l := layout{home: "/h"}
	tests := []struct {
		brokers, node  int
		wantStandalone bool
		wantProps      string
	}{
		{1, 0, true, "/h/kafka/server.properties"},
		{3, 0, false, "/h/kafka/server.properties"},
		{3, 1, false, "/h/kafka-2/server.properties"},
	}
	for _, tt := range tests {
		c := DefaultConfig()
		c.KafkaBrokers = tt.brokers
		args := formatArgs(c, l, tt.node, "cluster-id")
		if got := slices.Contains(args, "--standalone"); got != tt.wantStandalone {
			t.Errorf("%d brokers, node %d: --standalone %v, want %v (%v)", tt.brokers, tt.node, got, tt.wantStandalone, args)
		}
		if i := slices.Index(args, "-c"); i < 0 || args[i+1] != tt.wantProps {
			t.Errorf("%d brokers, node %d: %v, want -c %s", tt.brokers, tt.node, args, tt.wantProps)
		}
		if i := slices.Index(args, "-t"); i < 0 || args[i+1] != "cluster-id" {
			t.Errorf("%d brokers, node %d: %v, want the cluster id", tt.brokers, tt.node, args)
		}
	}
}

func TestKafkaEndpointsPerBroker(t *testing.T) {
	tests := []struct {
		brokers       int
		bootstrap     string
		metrics       []string
		rf, minISR    int
		voters        string
		brokerLogLast string
	}{
		{1, "127.0.0.1:9092", []string{"http://127.0.0.1:9404/metrics"}, 1, 1, "1@127.0.0.1:9093", "/h/logs/kafka.log"},
		{3, "127.0.0.1:9092,127.0.0.1:9102,127.0.0.1:9112",
			[]string{"http://127.0.0.1:9404/metrics", "http://127.0.0.1:9414/metrics", "http://127.0.0.1:9424/metrics"}, 3, 2,
			"1@127.0.0.1:9093,2@127.0.0.1:9103,3@127.0.0.1:9113", "/h/logs/kafka-3.log"},
	}
	for _, tt := range tests {
		c := DefaultConfig()
		c.KafkaBrokers = tt.brokers
		if got := c.KafkaBootstrap(); got != tt.bootstrap {
			t.Errorf("%d brokers: KafkaBootstrap() = %s, want %s", tt.brokers, got, tt.bootstrap)
		}
		if got := c.KafkaMetricsURLs(); !slices.Equal(got, tt.metrics) {
			t.Errorf("%d brokers: KafkaMetricsURLs() = %v, want %v", tt.brokers, got, tt.metrics)
		}
		if rf, minISR := c.Replication(); rf != tt.rf || minISR != tt.minISR {
			t.Errorf("%d brokers: Replication() = %d, %d, want %d, %d", tt.brokers, rf, minISR, tt.rf, tt.minISR)
		}
		if got := c.quorumVoters(); got != tt.voters {
			t.Errorf("%d brokers: quorumVoters() = %s, want %s", tt.brokers, got, tt.voters)
		}
		if got := (layout{home: "/h"}).brokerLog(tt.brokers - 1); got != tt.brokerLogLast {
			t.Errorf("%d brokers: last broker's log %s, want %s", tt.brokers, got, tt.brokerLogLast)
		}
	}
}

func TestStateBrokers(t *testing.T) {
	var st state
	st.setBroker(2, &procRecord{PID: 3})
	st.setBroker(0, &procRecord{PID: 1})
	if st.broker(0).PID != 1 || st.broker(1) != nil || st.broker(2).PID != 3 || st.broker(5) != nil {
		t.Fatalf("brokers %+v %+v", st.Kafka, st.MoreBrokers)
	}
	st.setBroker(2, nil)
	if len(st.MoreBrokers) != 0 {
		t.Fatalf("forgetting the last broker left %v", st.MoreBrokers)
	}
	c := DefaultConfig()
	c.KafkaBrokers = 3
	var back Config
	saved(c).apply(&back)
	if back.KafkaBrokers != 3 {
		t.Fatalf("saved and applied: %d brokers, want 3", back.KafkaBrokers)
	}
	c.KafkaBrokers = 1
	if sc := saved(c); sc.KafkaBrokers != 0 {
		t.Fatalf("a one-broker stack records kafkaBrokers %d; want it absent, as before", sc.KafkaBrokers)
	}
}

// TestUpKeepsTheFormattedBrokerCount: a home formatted for three brokers refuses another count
// with the fix named, and takes the recorded one when none is given.
func TestUpKeepsTheFormattedBrokerCount(t *testing.T) {
	c := testConfig(t)
	l := layout{home: c.Home}
	if err := os.MkdirAll(l.brokerData(0), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(l.brokerData(0), "meta.properties"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	st := &state{Config: savedConfig{KafkaBrokers: 3}}
	tests := []struct {
		asked, want int
		wantErr     string
	}{
		{0, 3, ""},
		{3, 3, ""},
		{1, 0, "is formatted for 3 broker(s): delete it with `streamscale local down --purge"},
	}
	for _, tt := range tests {
		c.KafkaBrokers = tt.asked
		s, err := New(c, nil)
		if err != nil {
			t.Fatal(err)
		}
		err = s.resolveBrokers(st)
		switch {
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("asked %d: %v, want an error containing %q", tt.asked, err, tt.wantErr)
		case tt.wantErr == "" && (err != nil || s.cfg.KafkaBrokers != tt.want):
			t.Errorf("asked %d: %v, %d brokers; want %d", tt.asked, err, s.cfg.KafkaBrokers, tt.want)
		}
	}
	// An unformatted home takes what is asked.
	c.Home = t.TempDir()
	c.KafkaBrokers = 3
	s, err := New(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.resolveBrokers(&state{}); err != nil || s.cfg.KafkaBrokers != 3 {
		t.Fatalf("fresh home, asked 3: %v, %d", err, s.cfg.KafkaBrokers)
	}
}

// TestUpFailsOnASecondBrokersPortInUse: a taken port of broker 2 is a one-line error naming the
// flag it derives from.
func TestUpFailsOnASecondBrokersPortInUse(t *testing.T) {
	c := testConfig(t)
	c.KafkaBrokers = 3
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(c.ControllerPort+BrokerPortStride))
	if err != nil {
		t.Skipf("port %d not free here: %v", c.ControllerPort+BrokerPortStride, err)
	}
	defer ln.Close()
	s, err := New(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Up(context.Background(), nil)
	want := "for the Kafka broker 2's controller is already in use on 127.0.0.1: stop what uses it or pick another with --controller-port (broker 2 listens on it + 10)"
	if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("Up with broker 2's controller port taken = %v, want one line containing %q", err, want)
	}
}
