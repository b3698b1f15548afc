package kafkaconn

import (
	"context"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// TestSpansKfake reads the spans of franz-go's in-process fake broker: after records are
// deleted below an offset, Start moves and End stays.
func TestSpansKfake(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(2, "t"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	ctx := context.Background()
	for i := range 5 {
		if err := cl.ProduceSync(ctx, &kgo.Record{Topic: "t", Partition: 1, Value: []byte{byte(i)}}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	adm := kadm.NewClient(cl)
	tests := []struct {
		name     string
		deleteTo int64
		want     map[int32]Span
	}{
		{"as written", 0, map[int32]Span{0: {0, 0}, 1: {0, 5}}},
		{"after deleting below 3", 3, map[int32]Span{0: {0, 0}, 1: {3, 5}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.deleteTo > 0 {
				o := kadm.Offsets{}
				o.Add(kadm.Offset{Topic: "t", Partition: 1, At: tt.deleteTo})
				if _, err := adm.DeleteRecords(ctx, o); err != nil {
					t.Fatal(err)
				}
			}
			got, err := Spans(ctx, adm, "t")
			if err != nil || len(got) != len(tt.want) {
				t.Fatalf("Spans = %v, %v; want %v", got, err, tt.want)
			}
			for p, w := range tt.want {
				if got[p] != w {
					t.Errorf("partition %d: %+v, want %+v", p, got[p], w)
				}
			}
		})
	}
	if _, err := Spans(ctx, adm, "nope"); err == nil || !strings.Contains(err.Error(), `topic "nope" not found`) {
		t.Fatalf("Spans of a missing topic = %v, want an error naming it", err)
	}
}
