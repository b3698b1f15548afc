package dashboard

import (
	"context"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// TestGroupLag_Kfake: lag against kfake's in-process fake cluster: 10 records, a group that
// committed 4 of them has 6 to go; a group that committed nothing has all 10.
func TestGroupLag_Kfake(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "in"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.DefaultProduceTopic("in"))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx := context.Background()
	for i := 0; i < 10; i++ {
		if err := cl.ProduceSync(ctx, &kgo.Record{Value: []byte("x")}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	adm := kadm.NewClient(cl)
	offsets := kadm.Offsets{}
	offsets.AddOffset("in", 0, 4, -1)
	if _, err := adm.CommitOffsets(ctx, "relay", offsets); err != nil {
		t.Fatal(err)
	}
	if lag, err := (GroupLag{Admin: adm, Group: "relay", Topic: "in"}).Sample(ctx); err != nil || lag != 6 {
		t.Fatalf("lag = %d, %v; want 6", lag, err)
	}
	if lag, err := (GroupLag{Admin: adm, Group: "nobody", Topic: "in"}).Sample(ctx); err != nil || lag != 10 {
		t.Fatalf("lag of a group without commits = %d, %v; want 10", lag, err)
	}
}
