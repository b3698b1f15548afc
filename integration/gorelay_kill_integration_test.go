//go:build integration

package integration

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/streamscale/streamscale/internal/generate"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/verify"
)

// TestIntegrationBenchGoRelayKill: the Go relay contender (`bench go-relay`, the built binary)
// is killed with SIGKILL in the middle of a load on the real broker and started again; the
// verifier then finds every input event in the output (at-least-once: replays allowed, no
// loss). It costs about 30 s on an idle machine (8 s of load, the drain, the restart).
func TestIntegrationBenchGoRelayKill(t *testing.T) {
	st := sharedStack(t)
	c := newCLI(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	stamp := time.Now().UnixNano()
	in, out, group := fmt.Sprintf("gorelay-kill-%d-in", stamp), fmt.Sprintf("gorelay-kill-%d-out", stamp), fmt.Sprintf("gorelay-kill-%d", stamp)
	cl := topicClient(t, st.Kafka.Bootstrap, in, 2)
	if _, err := kafkaconn.EnsureTopics(ctx, cl, []kafkaconn.TopicSpec{
		{Name: out, Partitions: 2, Configs: kafkaconn.LogAppendTime()}, {Name: in + "-dead-letter", Partitions: 1},
	}); err != nil {
		t.Fatal(err)
	}
	adm := kadm.NewClient(cl)
	t.Cleanup(func() {
		dctx, dcancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer dcancel()
		_, _ = adm.DeleteTopics(dctx, in, out, in+"-dead-letter")
	})

	start := func() *exec.Cmd {
		cmd := exec.Command(c.bin, "bench", "go-relay", "--brokers", st.Kafka.Bootstrap,
			"--input-topic", in, "--output-topic", out, "--group", group)
		cmd.Env, cmd.Stdout, cmd.Stderr = c.env, logWriter{t}, logWriter{t}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	first := start()
	t.Cleanup(func() { stopProcess(first) })

	g := generate.DefaultConfig()
	g.Topic, g.Rate, g.Duration, g.DuplicateFraction, g.ProgressInterval = in, 3000, 8*time.Second, 0, time.Hour
	type genResult struct {
		sum generate.Summary
		err error
	}
	generated := make(chan genResult, 1)
	go func() {
		sum, err := generate.Run(ctx, cl, g, nil)
		generated <- genResult{sum, err}
	}()

	// Kill it once it has relayed a few thousand events: records are in flight and offsets
	// are behind the output.
	waitForOutput(ctx, t, adm, out, 6000)
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("kill -9 the go relay: %v", err)
	}
	_ = first.Wait()
	killedAt := endSum(ctx, t, adm, out)
	second := start()
	t.Cleanup(func() { stopProcess(second) })

	gen := <-generated
	var short *generate.ShortfallError
	if gen.err != nil && !errors.As(gen.err, &short) { // behind its schedule on a loaded machine: fine here
		t.Fatalf("generator: %v", gen.err)
	}
	inEnd, err := kafkaconn.EndOffsets(ctx, adm, in)
	if err != nil {
		t.Fatal(err)
	}
	vcfg := verify.DefaultConfig()
	vcfg.Topic, vcfg.Bounds, vcfg.SequencesStartAtZero = out, map[int32]verify.OffsetRange{0: {}, 1: {}}, true
	vcfg.InputTopic, vcfg.InputBounds = in, map[int32]verify.OffsetRange{0: {End: inEnd[0]}, 1: {End: inEnd[1]}}
	vcfg.Drain, vcfg.IdleTimeout = true, 30*time.Second
	vcl, err := kafkaconn.Conn{Brokers: []string{st.Kafka.Bootstrap}}.NewClient(verify.ClientOpts()...)
	if err != nil {
		t.Fatal(err)
	}
	defer vcl.Close()
	res, err := verify.Run(ctx, vcl, vcfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Reconciled || res.Missing != 0 || res.InputEvents != gen.sum.Events {
		t.Fatalf("after kill -9 and restart: reconciled %v, %d of %d input events missing (want the %d sent, none missing)", res.Reconciled, res.Missing, res.InputEvents, gen.sum.Events)
	}
	if killedAt >= gen.sum.Events {
		t.Fatalf("the relay had written all %d records before it was killed: the kill was not mid-stream", killedAt)
	}
	t.Logf("killed at %d output records; %d events, %d replayed as duplicates after the restart", killedAt, res.Events, res.Duplicates)
}

// stopProcess interrupts a started process still running and waits for it (killing it after 15 s).
func stopProcess(cmd *exec.Cmd) {
	if cmd.ProcessState != nil {
		return
	}
	_ = cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
}

// endSum is the sum of topic's end offsets.
func endSum(ctx context.Context, t *testing.T, adm *kadm.Client, topic string) int64 {
	t.Helper()
	ends, err := kafkaconn.EndOffsets(ctx, adm, topic)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, e := range ends {
		n += e
	}
	return n
}

// waitForOutput waits until topic holds at least n records.
func waitForOutput(ctx context.Context, t *testing.T, adm *kadm.Client, topic string, n int64) {
	t.Helper()
	for endSum(ctx, t, adm, topic) < n {
		select {
		case <-ctx.Done():
			t.Fatalf("%q did not reach %d records: %v", topic, n, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}
