//go:build integration

package integration

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/kafkaconn"
)

// TestIntegrationOutputTopicMustUseLogAppendTime: with CreateTime the output record's
// timestamp is whatever the sink sets (it may copy the input's), and every latency measured
// from it would be meaningless. EnsureTopics must refuse such a topic, and the topics it
// creates must carry the broker's append time.
func TestIntegrationOutputTopicMustUseLogAppendTime(t *testing.T) {
	st := sharedStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cl, err := kafkaconn.Conn{Brokers: []string{st.Kafka.Bootstrap}}.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	if _, err := adm.CreateTopic(ctx, 1, 1, map[string]*string{"message.timestamp.type": kadm.StringPtr("CreateTime")}, "createtime-out"); err != nil {
		t.Fatal(err)
	}
	_, err = kafkaconn.EnsureTopics(ctx, cl, []kafkaconn.TopicSpec{{Name: "createtime-out", Partitions: 1, Configs: kafkaconn.LogAppendTime()}})
	if err == nil || !strings.Contains(err.Error(), "message.timestamp.type=CreateTime") {
		t.Fatalf("EnsureTopics on a CreateTime topic = %v, want a refusal naming the setting", err)
	}

	// A topic EnsureTopics creates stamps records with the broker's time, not the producer's.
	if _, err := kafkaconn.EnsureTopics(ctx, cl, []kafkaconn.TopicSpec{{Name: "appendtime-out", Partitions: 1, Configs: kafkaconn.LogAppendTime()}}); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	if err := cl.ProduceSync(ctx, &kgo.Record{Topic: "appendtime-out", Value: []byte("{}"), Timestamp: old}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	got := consume(ctx, t, st.Kafka.Bootstrap, "appendtime-out", 1)[0]
	if got.Timestamp.Before(time.Now().Add(-time.Minute)) {
		t.Fatalf("record timestamp %s is the producer's (%s), not the broker's append time", got.Timestamp, old)
	}
}
