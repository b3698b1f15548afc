package dashboard

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"
)

// flinkText is what Flink's Prometheus reporter serves for the relay's counters (trimmed);
// task and operator names hold commas and quotes.
const flinkText = `
# HELP flink_taskmanager_job_task_operator_relayedRecords relayedRecords (scope: taskmanager_job_task_operator)
# TYPE flink_taskmanager_job_task_operator_relayedRecords gauge
flink_taskmanager_job_task_operator_relayedRecords{job_id="a1b2",task_name="Source: in -> relay, dead letters",operator_name="relay, \"json\"",subtask_index="0",job_name="streamscale-relay in->out",} %d.0
flink_taskmanager_job_task_operator_relayedRecords{job_id="a1b2",task_name="Source: in -> relay, dead letters",operator_name="relay, \"json\"",subtask_index="1",job_name="streamscale-relay in->out",} 100.0
flink_taskmanager_job_task_operator_relayedRecords{job_id="0ld",task_name="Source: in -> relay",operator_name="relay",subtask_index="0",job_name="streamscale-relay in->out",} 999999.0
# TYPE flink_taskmanager_job_task_operator_deadLetteredRecords gauge
flink_taskmanager_job_task_operator_deadLetteredRecords{job_id="a1b2",task_name="Source: in -> relay, dead letters",operator_name="relay, \"json\"",subtask_index="0",job_name="streamscale-relay in->out",} 2.0
# TYPE flink_taskmanager_Status_JVM_CPU_Load gauge
flink_taskmanager_Status_JVM_CPU_Load{host="127.0.0.1",tm_id="streamscale_taskmanager_0",} 0.1
`

func TestFlinkPrometheus_StubServers(t *testing.T) {
	tm0, tm1 := &stubPrometheus{}, &stubPrometheus{}
	tm0.set(sprintf(flinkText, 900))
	tm1.set("# no job here\n")
	clk := newFakeClock()
	p := &FlinkPrometheus{URLs: []string{tm0.serve(t).URL, tm1.serve(t).URL}, Now: clk.Now}
	ctx := context.Background()
	c, err := p.Sample(ctx, "a1b2")
	if err != nil {
		t.Fatal(err)
	}
	if !c.RelayedPresent || c.Relayed != 1000 || c.DeadLettered != 2 || c.RelayedPerSec != nil {
		t.Fatalf("first sample = %+v; want 900 + 100 relayed of job a1b2 (not the old job's), 2 dead-lettered, no rate yet", c)
	}
	clk.Advance(time.Second)
	tm0.set(sprintf(flinkText, 1900))
	c, err = p.Sample(ctx, "a1b2")
	if err != nil {
		t.Fatal(err)
	}
	if c.Relayed != 2000 || c.RelayedPerSec == nil || *c.RelayedPerSec <= 0 || *c.RelayedPerSec != 1000 || c.DeadLetteredPerSec == nil || *c.DeadLetteredPerSec != 0 {
		t.Fatalf("second sample = %+v", c)
	}
	all, err := (&FlinkPrometheus{URLs: p.URLs}).Sample(ctx, "")
	if err != nil || all.Relayed != 2000+999999 {
		t.Fatalf("without a job id every job's series count: %+v, %v", all, err)
	}
	tm1.setDown(true)
	if _, err := p.Sample(ctx, "a1b2"); err == nil {
		t.Fatal("an endpoint that does not answer must fail the sample, not make a partial sum")
	}
}

func TestFlinkPrometheusOperatorRates_StubServer(t *testing.T) {
	const text = `# TYPE flink_taskmanager_job_task_operator_numRecordsOut gauge
flink_taskmanager_job_task_operator_numRecordsOut{job_id="a1b2",operator_name="Source:_kafka:_in",subtask_index="0",} %d
flink_taskmanager_job_task_operator_numRecordsOut{job_id="a1b2",operator_name="Source:_kafka:_in",subtask_index="1",} %d
flink_taskmanager_job_task_operator_numRecordsIn{job_id="a1b2",operator_name="add_enqueuedAt",subtask_index="0",} %d
flink_taskmanager_job_task_operator_numRecordsOut{job_id="a1b2",operator_name="add_enqueuedAt",subtask_index="0",} %d
`
	stub := &stubPrometheus{}
	stub.set(sprintf(text, 100, 100, 200, 200))
	clk := newFakeClock()
	p := &FlinkPrometheus{URLs: []string{stub.serve(t).URL}, Now: clk.Now}
	ctx := context.Background()
	if c, err := p.Sample(ctx, "a1b2"); err != nil || c.Operators != nil {
		t.Fatalf("first sample: %+v, %v; want no rates yet", c.Operators, err)
	}
	clk.Advance(time.Second)
	stub.set(sprintf(text, 150, 150, 300, 300))
	c, err := p.Sample(ctx, "a1b2")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Operators) != 2 || c.Operators[0].Name != "Source:_kafka:_in" || c.Operators[1].Name != "add_enqueuedAt" {
		t.Fatalf("operators = %+v", c.Operators)
	}
	src, relay := c.Operators[0], c.Operators[1]
	if src.OutPerSec <= 0 || src.InPerSec != 0 || relay.InPerSec <= 0 || relay.InPerSec != relay.OutPerSec || relay.OutPerSec != src.OutPerSec || src.OutPerSec != 100 {
		t.Fatalf("rates: source %+v, relay %+v; want equal flows (100 more records each)", src, relay)
	}
	clk.Advance(time.Second)
	stub.set(sprintf(text, 1, 1, 2, 2)) // a restart resets the counters
	if c, err := p.Sample(ctx, "a1b2"); err != nil || len(c.Operators) != 0 {
		t.Fatalf("after a counter reset: %+v, %v; want no rates", c.Operators, err)
	}
}

// closedURL is a metrics URL on a loopback port nobody listens on.
func closedURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return "http://" + addr + "/metrics"
}

func TestFlinkPrometheusSkipRefused_StubServer(t *testing.T) {
	tm := &stubPrometheus{}
	tm.set(sprintf(flinkText, 900))
	urls := []string{closedURL(t), tm.serve(t).URL, closedURL(t)}
	ctx := context.Background()
	if _, err := (&FlinkPrometheus{URLs: urls}).Sample(ctx, "a1b2"); err == nil {
		t.Fatal("without SkipRefused a refused endpoint must fail the sample")
	}
	c, err := (&FlinkPrometheus{URLs: urls, SkipRefused: true}).Sample(ctx, "a1b2")
	if err != nil || c.Relayed != 1000 {
		t.Fatalf("SkipRefused: %+v, %v; want the answering endpoint's 1000 relayed", c, err)
	}
	tm.setDown(true)
	if _, err := (&FlinkPrometheus{URLs: urls, SkipRefused: true}).Sample(ctx, "a1b2"); err == nil {
		t.Fatal("SkipRefused: an endpoint that answers with an error must still fail the sample")
	}
	if _, err := (&FlinkPrometheus{URLs: []string{closedURL(t)}, SkipRefused: true}).Sample(ctx, ""); err == nil || !strings.Contains(err.Error(), "no Flink metrics endpoint answers") {
		t.Fatalf("SkipRefused with nothing answering: %v, want an error saying so", err)
	}
}
