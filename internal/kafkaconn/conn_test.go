package kafkaconn

import (
	"context"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
)

func TestParseBrokers(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr string
	}{
		{"127.0.0.1:9092", []string{"127.0.0.1:9092"}, ""},
		{" a:1 , b:2,", []string{"a:1", "b:2"}, ""},
		{"", nil, "no brokers"},
		{"localhost", nil, "has no port"},
	}
	for _, tt := range tests {
		got, err := ParseBrokers(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseBrokers(%q) = %v, want error %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("ParseBrokers(%q) = %v, %v", tt.in, got, err)
		}
	}
}

func TestTiers(t *testing.T) {
	for tier, want := range map[int]int32{1: 2, 5: 4, 10: 8} {
		p, err := PartitionsForTier(tier)
		r, _ := RateForTier(tier)
		if err != nil || p != want || r != float64(tier)*1000 {
			t.Errorf("tier %d = %d partitions, %g/s, %v", tier, p, r, err)
		}
	}
	if _, err := PartitionsForTier(3); err == nil {
		t.Error("tier 3 accepted")
	}
}

// TestEnsureTopics_Kfake uses franz-go's in-process fake cluster (a unit-test fake).
func TestEnsureTopics_Kfake(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	cl, err := Conn{Brokers: c.ListenAddrs()}.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	ctx := context.Background()
	specs := []TopicSpec{{Name: "in", Partitions: 2, Configs: LogAppendTime()}, {Name: "dl", Partitions: 1}}
	res, err := EnsureTopics(ctx, cl, specs)
	if err != nil || len(res) != 2 || !res[0].Created || res[0].Partitions != 2 {
		t.Fatalf("first EnsureTopics = %+v, %v", res, err)
	}
	res, err = EnsureTopics(ctx, cl, specs)
	if err != nil || res[0].Created {
		t.Fatalf("second EnsureTopics = %+v, %v; want the topics found, not created", res, err)
	}
	_, err = EnsureTopics(ctx, cl, []TopicSpec{{Name: "in", Partitions: 4}})
	if err == nil || !strings.Contains(err.Error(), "2 partitions") {
		t.Fatalf("EnsureTopics asking for more partitions = %v, want an error naming the count", err)
	}
	ends, err := EndOffsets(ctx, adm, "in")
	if err != nil || len(ends) != 2 {
		t.Fatalf("EndOffsets = %v, %v", ends, err)
	}
}

func TestCompression(t *testing.T) {
	for _, name := range []string{"", "none", "gzip", "SNAPPY", "lz4", "zstd"} {
		if _, err := Compression(name); err != nil {
			t.Errorf("Compression(%q) = %v", name, err)
		}
	}
	if _, err := Compression("brotli"); err == nil {
		t.Error("brotli accepted")
	}
}
