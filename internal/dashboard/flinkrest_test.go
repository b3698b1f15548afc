package dashboard

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestFlinkRESTSample_StubServer(t *testing.T) {
	stub := &stubFlinkREST{read: 0, write: 1000}
	srv := stub.serve(t)
	clk := newFakeClock()
	f := &FlinkREST{Base: srv.URL, Now: clk.Now}
	ctx := context.Background()
	first, err := f.Sample(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if first.ID != "a1b2" {
		t.Fatalf("picked job %s, want the relay job that runs (a1b2), not the finished one or another job", first.ID)
	}
	if first.State != "RUNNING" || first.UptimeMs != 61234 || first.Restarts != 3 {
		t.Fatalf("job = %+v", first)
	}
	cp := first.Checkpoints
	if cp == nil || cp.Completed != 10 || cp.Failed != 1 || cp.InProgress != 1 || cp.LastDurationMs != 42 || cp.LastSizeBytes != 8192 {
		t.Fatalf("checkpoints = %+v", cp)
	}
	if len(first.Vertices) != 2 {
		t.Fatalf("vertices = %+v", first.Vertices)
	}
	v0, v1 := first.Vertices[0], first.Vertices[1]
	if v0.Name != "Source: in -> relay, dead letters" || v0.Parallelism != 2 || v0.Backpressure != "high" || v0.BackpressureRatio != 0.72 {
		t.Fatalf("vertex 0 = %+v", v0)
	}
	if v1.Backpressure != "ok" || v1.ReadRecords != 1000 {
		t.Fatalf("vertex 1 = %+v", v1)
	}
	if v0.RecordsOutPerSec != 0 {
		t.Fatalf("a first sample has no rate, got %v", v0.RecordsOutPerSec)
	}
	clk.Advance(time.Second) // the rate divides by the time between samples
	stub.advance(0, 500)
	second, err := f.Sample(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r := second.Vertices[0].RecordsOutPerSec; r <= 0 || r != 500 {
		t.Fatalf("records out/s = %v after 500 more records, want > 0", r)
	}
	if r := second.Vertices[1].RecordsInPerSec; r <= 0 {
		t.Fatalf("sink records in/s = %v, want > 0", r)
	}
	if r := second.Vertices[0].RecordsInPerSec; r != 0 {
		t.Fatalf("source records in/s = %v, its read-records did not move", r)
	}
	// Flink refreshes the REST figures every few seconds: unchanged counters keep the rate.
	third, err := f.Sample(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if third.Vertices[0].RecordsOutPerSec != second.Vertices[0].RecordsOutPerSec {
		t.Fatalf("records out/s = %v between refreshes, want the last rate %v held", third.Vertices[0].RecordsOutPerSec, second.Vertices[0].RecordsOutPerSec)
	}
}

func TestFlinkRESTWithoutCheckpointsOrJob_StubServer(t *testing.T) {
	stub := &stubFlinkREST{noCheckpts: true}
	srv := stub.serve(t)
	v, err := (&FlinkREST{Base: srv.URL}).Sample(context.Background())
	if err != nil || v.Checkpoints != nil {
		t.Fatalf("guarantee none (404 on checkpoints): %+v, %v; want no checkpoints and no error", v, err)
	}
	if _, err := (&FlinkREST{Base: srv.URL, JobName: "nothing like it"}).Sample(context.Background()); !errors.Is(err, ErrNoJob) {
		t.Fatalf("no job of that name: err = %v, want ErrNoJob", err)
	}
	stub.setState("RESTARTING")
	v, err = (&FlinkREST{Base: srv.URL}).Sample(context.Background())
	if err != nil || v.State != "RESTARTING" || v.Restarts != -1 {
		t.Fatalf("a restarting job: %+v, %v", v, err)
	}
	srv.Close()
	if _, err := (&FlinkREST{Base: srv.URL}).Sample(context.Background()); err == nil {
		t.Fatal("a Flink that does not answer gave no error")
	}
}
