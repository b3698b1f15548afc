package verify

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// TestRun_Kfake_DrainWaitsForTheEventsNotARecordCount is the drain that fooled `run`: after a
// TaskManager failure, at-least-once replays fill the output with as many records as the
// input before the last events arrive. The drain must wait for those events.
func TestRun_Kfake_DrainWaitsForTheEventsNotARecordCount(t *testing.T) {
	in, out := generatedRun(200, 4)
	early := append(append([]string{}, out[:150]...), out[:100]...) // 250 records: more than the input's 200
	cl := kfakeTopics(t, map[string][]string{"in": in, "out": early})
	cfg := DefaultConfig()
	cfg.Bounds = map[int32]OffsetRange{0: {Start: 0}}
	cfg.InputTopic, cfg.InputBounds, cfg.Drain = "in", map[int32]OffsetRange{0: {Start: 0, End: 200}}, true
	cfg.IdleTimeout = time.Minute // ends the test only if the drain never sees the last events
	waiting := make(chan struct{})
	cfg.drained = func(awaited int64) {
		if awaited == 50 {
			select {
			case <-waiting:
			default:
				close(waiting)
			}
		}
	}
	type result struct {
		res Result
		err error
	}
	done := make(chan result, 1)
	go func() {
		res, err := Run(context.Background(), cl, cfg, nil)
		done <- result{res, err}
	}()
	select {
	case r := <-done:
		t.Fatalf("the drain ended with the last 50 events not out yet: %+v, %v", r.res, r.err)
	case <-waiting: // it read all 250 early records and waits for 50 events
	}
	for _, v := range out[150:] {
		if err := cl.ProduceSync(context.Background(), &kgo.Record{Topic: "out", Value: []byte(v)}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.res.Missing != 0 || r.res.Duplicates != 100 || r.res.Records != 300 || r.res.Awaited != nil {
		t.Fatalf("result = %+v, want none missing, 100 duplicates of 300 records", r.res)
	}
	if got := r.res.OutputWindow[0]; got != (OffsetRange{Start: 0, End: 300}) {
		t.Fatalf("output window %+v, want [0, 300): every record read", got)
	}
}

// TestRun_Kfake_DrainSaysWhatItStillAwaits checks that a drain whose last events never come
// ends after the idle timeout and says how many events it awaited, where, and which.
func TestRun_Kfake_DrainSaysWhatItStillAwaits(t *testing.T) {
	in, out := generatedRun(200, 4)
	cl := kfakeTopics(t, map[string][]string{"in": in, "out": append(append([]string{}, out[:197]...), out[:10]...)})
	cfg := DefaultConfig()
	cfg.Bounds = map[int32]OffsetRange{0: {Start: 0}}
	cfg.InputTopic, cfg.InputBounds, cfg.Drain = "in", map[int32]OffsetRange{0: {Start: 0, End: 200}}, true
	cfg.IdleTimeout = time.Second
	var progress bytes.Buffer
	res, err := Run(context.Background(), cl, cfg, &progress)
	if err != nil {
		t.Fatal(err)
	}
	if res.Missing != 3 || res.Duplicates != 10 || res.Awaited[0] != 3 || len(res.AwaitedExamples) != 3 || res.OutputWindow[0].End != 207 {
		t.Fatalf("result = %+v", res)
	}
	if !strings.Contains(progress.String(), "still waiting for 3 (per input partition: 0: 3; e.g. contoso://device-id-") {
		t.Fatalf("progress does not say what the drain awaited:\n%s", progress.String())
	}
}
