package verify

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// TestRun_Kfake_ReadsCommittedTransactionsOnly writes the output as an exactly-once relay does,
// in transactions: one committed, one aborted, then one committed again. Read to the topic's
// last stable offset, the verifier sees only the committed records, counts what it read (not
// the offsets, which the transaction markers take too), and ends at the window's end although
// its last offset is a marker, not a record.
func TestRun_Kfake_ReadsCommittedTransactionsOnly(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "out"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	ctx := context.Background()
	p, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.TransactionalID("relay"), kgo.DefaultProduceTopic("out"))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	_, out := generatedRun(30, 3)
	txn := func(values []string, commit bool) {
		if err := p.BeginTransaction(); err != nil {
			t.Fatal(err)
		}
		for _, v := range values {
			if err := p.ProduceSync(ctx, &kgo.Record{Value: []byte(v)}).FirstErr(); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.EndTransaction(ctx, kgo.TransactionEndTry(commit)); err != nil {
			t.Fatal(err)
		}
	}
	txn(out[:10], true)
	txn(out[10:20], false) // aborted: never output
	txn(out[20:], true)

	cl, err := kgo.NewClient(append(ClientOpts(), kgo.SeedBrokers(c.ListenAddrs()...))...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	lso, err := kadm.NewClient(cl).ListCommittedOffsets(ctx, "out")
	if err != nil {
		t.Fatal(err)
	}
	end, _ := lso.Lookup("out", 0)
	if end.Offset != 33 {
		t.Fatalf("last stable offset %d, want 33: 30 records and 3 markers", end.Offset)
	}
	cfg := DefaultConfig()
	cfg.Bounds = map[int32]OffsetRange{0: {Start: 0, End: end.Offset}}
	cfg.IdleTimeout = time.Minute // a read that missed the end would show in the note below
	var progress bytes.Buffer
	res, err := Run(ctx, cl, cfg, &progress)
	if err != nil {
		t.Fatal(err)
	}
	if res.Records != 20 || res.Events != 20 || res.Duplicates != 0 || res.Isolation != "read_committed" || res.OutputWindow[0].End != 33 {
		t.Fatalf("result = %+v, want the 20 committed records of [0, 33)", res)
	}
	if strings.Contains(progress.String(), "nothing more to read") {
		t.Fatalf("the read did not see the window's end:\n%s", progress.String())
	}
}
