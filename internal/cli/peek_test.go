package cli

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// peekKfakeCluster starts franz-go's in-process fake broker with topic "out" (2 partitions)
// holding records 0..4 on each partition, and returns its address.
func peekKfakeCluster(t *testing.T) string {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(2, "out", "empty"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	for p := int32(0); p < 2; p++ {
		for i := range 5 {
			v := fmt.Sprintf(`{"p":%d,"i":%d,"x":57.739726013343247}`, p, i)
			r := &kgo.Record{Topic: "out", Partition: p, Key: []byte("k"), Value: []byte(v), Headers: []kgo.RecordHeader{{Key: "h", Value: []byte("v")}}}
			if err := cl.ProduceSync(context.Background(), r).FirstErr(); err != nil {
				t.Fatal(err)
			}
		}
	}
	return c.ListenAddrs()[0]
}

func TestPeekKfake(t *testing.T) {
	addr := peekKfakeCluster(t)
	tests := []struct {
		name          string
		topic         string
		n             int
		fromBeginning bool
		raw           bool
		want, notWant []string
	}{
		{name: "latest per partition", topic: "out", n: 2, want: []string{`"i": 3`, `"i": 4`, "out/0@4", "out/1@3", `header h="v"`}, notWant: []string{`"i": 2`}},
		{name: "from the beginning", topic: "out", n: 1, fromBeginning: true, want: []string{"out/0@0", "out/1@0"}, notWant: []string{"@1 "}},
		{name: "raw keeps the bytes", topic: "out", n: 1, raw: true, want: []string{`{"p":0,"i":4,"x":57.739726013343247}`, `{"p":1,"i":4,"x":57.739726013343247}`}, notWant: []string{"──"}},
		{name: "numbers kept as written", topic: "out", n: 1, want: []string{`"x": 57.739726013343247`}},
		{name: "empty topic", topic: "empty", n: 3, want: []string{`topic "empty" is empty`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _ := testFactory()
			opts := &peekOptions{conn: f.newConn(), topic: tt.topic, n: tt.n, fromBeginning: tt.fromBeginning, raw: tt.raw, timeout: 5 * time.Second}
			opts.conn.Source.Brokers = addr
			var out bytes.Buffer
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := peekRun(ctx, &Factory{IO: IOStreams{Out: &out}}, opts); err != nil {
				t.Fatalf("peek: %v", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %s:\n%s", w, out.String())
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(out.String(), w) {
					t.Errorf("output has %s:\n%s", w, out.String())
				}
			}
		})
	}
}

func TestPeekKfakeUnknownTopic(t *testing.T) {
	addr := peekKfakeCluster(t)
	f, _, _ := testFactory()
	opts := &peekOptions{conn: f.newConn(), topic: "nope", n: 1, timeout: 2 * time.Second}
	opts.conn.Source.Brokers = addr
	err := peekRun(context.Background(), &Factory{IO: IOStreams{Out: &bytes.Buffer{}}}, opts)
	if err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Fatalf("peek of a missing topic = %v, want an error naming it", err)
	}
}

// TestPeekKfakeTransactionMarkers: a committed transaction leaves a marker at an offset with
// no record, so a partition holds fewer records than its offsets say; peek prints what there
// is and succeeds instead of waiting for a record that never comes and failing.
func TestPeekKfakeTransactionMarkers(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "tx"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	ctx := context.Background()
	p, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.TransactionalID("peek-test"))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.BeginTransaction(); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := p.ProduceSync(ctx, &kgo.Record{Topic: "tx", Value: []byte(fmt.Sprintf(`{"i":%d}`, i))}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.EndTransaction(ctx, kgo.TryCommit); err != nil {
		t.Fatal(err)
	}
	f, _, _ := testFactory()
	opts := &peekOptions{conn: f.newConn(), topic: "tx", n: 10, raw: true, timeout: time.Second}
	opts.conn.Source.Brokers = c.ListenAddrs()[0]
	var out bytes.Buffer
	if err := peekRun(ctx, &Factory{IO: IOStreams{Out: &out}}, opts); err != nil {
		t.Fatalf("peek: %v\n%s", err, out.String())
	}
	if n := strings.Count(out.String(), "\n"); n != 3 {
		t.Fatalf("peek printed %d records, want the 3 of the transaction:\n%s", n, out.String())
	}
}
