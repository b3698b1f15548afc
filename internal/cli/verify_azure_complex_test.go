package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/generate"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/tags"
	"github.com/streamscale/streamscale/internal/verify"
)

// TestVerifyComplexInputOnAnotherCluster_Kfake: `azure verify --job complex`'s path, with the
// input topic on one kfake cluster (Event Hubs namespace #1) and the tags on another (#2):
// the whole input is read through the input's own connection and the tags reconcile. Without
// that connection the input is looked for on the output's cluster and the verification fails.
func TestVerifyComplexInputOnAnotherCluster_Kfake(t *testing.T) {
	ctx := context.Background()
	cluster := func(topic string) string {
		c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(2, topic))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.Close)
		return c.ListenAddrs()[0]
	}
	inAddr, outAddr := cluster("in"), cluster("out")
	in, err := kgo.NewClient(kgo.SeedBrokers(inAddr))
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	load := generate.DefaultConfig()
	load.Topic, load.Count, load.Rate, load.Devices, load.DuplicateFraction, load.Seed, load.MixedTypes = "in", 60, 5000, 5, 0, 1, true
	if _, err := generate.Run(ctx, in, load, io.Discard); err != nil {
		t.Fatal(err)
	}
	// The complex job's tags, as the verifier's own rules make them (this checks the
	// plumbing, not the job).
	rd, err := kgo.NewClient(kgo.SeedBrokers(inAddr), kgo.ConsumeTopics("in"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	var records []tags.Record
	rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for len(records) < 60 && rctx.Err() == nil {
		rd.PollFetches(rctx).EachRecord(func(r *kgo.Record) {
			records = append(records, tags.Record{Partition: r.Partition, Offset: r.Offset, Value: r.Value, EnqueuedAt: r.Timestamp.UnixMicro()})
		})
	}
	out, err := kgo.NewClient(kgo.SeedBrokers(outAddr))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	exp := tags.Expect(records)
	if len(exp.Must) == 0 {
		t.Fatal("the input makes no tags")
	}
	for k := range exp.Must {
		v, _ := json.Marshal(map[string]string{"deviceId": k.DeviceID, "tag": k.Tag, "triggerEventId": k.TriggerEventID, "processedAt": time.Now().UTC().Format(time.RFC3339Nano)})
		if err := out.ProduceSync(ctx, &kgo.Record{Topic: "out", Key: []byte(k.DeviceID), Value: v}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	opts := func(inConn *kafkaconn.Conn) (*verifyOptions, *bytes.Buffer) {
		f, o, _ := testFactory()
		f.Getenv = func(string) string { return "" }
		checks := verify.DefaultChecks()
		checks.AllowCreateTime = true // kfake keeps the producer's timestamps
		vo := &verifyOptions{conn: f.newConn(), topic: "out", inputTopic: "in", fromBeginning: true, job: verify.JobComplex,
			inputConn: inConn, idle: 2 * time.Second, interval: 10 * time.Second, grace: time.Minute, checks: checks, asJSON: true}
		vo.conn.Source.Brokers = outAddr
		return vo, o
	}
	vo, o := opts(&kafkaconn.Conn{Brokers: []string{inAddr}})
	f, _, _ := testFactory()
	f.IO.Out = o
	if err := verifyRun(ctx, f, vo); err != nil {
		t.Fatalf("verify with the input's own cluster: %v\n%s", err, o.String())
	}
	var res verify.Result
	if err := json.Unmarshal(o.Bytes(), &res); err != nil {
		t.Fatalf("%v: %s", err, o.String())
	}
	if res.InputEvents != 60 || res.Tags == nil || res.Tags.Expected != len(exp.Must) || res.Tags.Written != len(exp.Must) || res.Tags.Missing != 0 {
		t.Errorf("result: %d input events, tags %+v; want 60 and %d tags", res.InputEvents, res.Tags, len(exp.Must))
	}
	vo, _ = opts(nil)
	if err := verifyRun(ctx, f, vo); err == nil || !strings.Contains(err.Error(), `"in"`) {
		t.Errorf("without the input's cluster: err %v, want the input topic not found", err)
	}
}

func TestAzureVerifyJobFlag(t *testing.T) {
	f, _, _ := testFactory()
	err := execute(newAzureVerifyCmd(f), "--resource-group", "rg", "--subscription", "sub", "--job", "batch")
	var fe *FlagError
	if err == nil || !errors.As(err, &fe) || !strings.Contains(err.Error(), "--job: unknown job \"batch\": use relay or complex") {
		t.Errorf("err %v, want a --job flag error", err)
	}
}
