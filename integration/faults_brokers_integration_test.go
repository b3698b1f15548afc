//go:build integration

package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/runlog"
	"github.com/streamscale/streamscale/internal/verify"
)

// brokerStatus is one broker of `local status --json`.
type brokerStatus struct {
	NodeID           int32    `json:"nodeId"`
	PID              int      `json:"pid"`
	Running          bool     `json:"running"`
	Registered       bool     `json:"registered"`
	ActiveController bool     `json:"activeController"`
	Leaders          []string `json:"leaders"`
}

// replicatedStatus is the Kafka part of `local status --json` for a replicated stack.
type replicatedStatus struct {
	Kafka struct {
		Healthy           bool           `json:"healthy"`
		ReplicationFactor int            `json:"replicationFactor"`
		MinInsyncReplicas int            `json:"minInsyncReplicas"`
		Brokers           []brokerStatus `json:"brokers"`
	} `json:"kafka"`
}

// brokers runs `local status --json` and returns each broker, recording their pids for the
// cleanup's check.
func (s *faultStack) brokers(ctx context.Context) replicatedStatus {
	s.t.Helper()
	out, errOut, _ := s.c.run(ctx, "local", "status", "--json")
	var st replicatedStatus
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		s.t.Fatalf("local status --json: %v\n%s\n%s", err, out, errOut)
	}
	for _, b := range st.Kafka.Brokers {
		s.track(b.PID)
	}
	return st
}

// startReplicatedStack runs `local up --kafka-brokers 3` on free ports (each broker's ports a
// stride apart) in a home of its own; later `local up`s of the stack (faultStack.up) leave the
// broker count out, as a user would: the home remembers it.
func startReplicatedStack(t *testing.T) *faultStack {
	t.Helper()
	c := newCLI(t)
	var taken []int
	bases := make([]int, 3) // kafka, controller and metrics ports of the first broker
	for i := range bases {
		p, err := stridedFreePort(local.BrokerPortStride, 3, taken)
		if err != nil {
			t.Fatal(err)
		}
		bases[i] = p
		taken = append(taken, p, p+local.BrokerPortStride, p+2*local.BrokerPortStride)
	}
	var flinkPorts []int
	for len(flinkPorts) < 2 {
		ps, err := local.FreePorts(1)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(taken, ps[0]) {
			flinkPorts = append(flinkPorts, ps[0])
			taken = append(taken, ps[0])
		}
	}
	flinkMetrics, err := freePortRange(2, taken)
	if err != nil {
		t.Fatal(err)
	}
	s := &faultStack{t: t, c: c, pids: map[int]string{}, flags: []string{
		"--kafka-port", strconv.Itoa(bases[0]), "--controller-port", strconv.Itoa(bases[1]), "--metrics-port", strconv.Itoa(bases[2]),
		"--flink-rest-port", strconv.Itoa(flinkPorts[0]), "--flink-rpc-port", strconv.Itoa(flinkPorts[1]),
		"--flink-metrics-port", strconv.Itoa(flinkMetrics),
	}}
	t.Cleanup(s.down)
	ctx := context.Background()
	args := append([]string{"local", "up", "--kafka-brokers", "3", "--taskmanagers", "1", "--slots", "2"}, s.flags...)
	if _, errOut, code := s.c.run(ctx, args...); code != 0 {
		t.Fatalf("local up --kafka-brokers 3 exited %d:\n%s", code, errOut)
	}
	st := s.status(ctx)
	s.bootstrap, s.rest = st.Kafka.Bootstrap, st.Flink.REST
	return s
}

// stridedFreePort finds a free port p with p+stride, …, p+(n-1)×stride free too, none in taken.
func stridedFreePort(stride, n int, taken []int) (int, error) {
	for range 100 {
		first, err := local.FreePorts(1)
		if err != nil {
			return 0, err
		}
		ok := true
		for i := 0; i < n && ok; i++ {
			p := first[0] + i*stride
			ok = p <= 65535 && !slices.Contains(taken, p) && portFree(p)
		}
		if ok {
			return first[0], nil
		}
	}
	return 0, fmt.Errorf("no free port with %d more every %d", n-1, stride)
}

// brokerFault is one broker or controller kill of the replicated stack's fault tests.
type brokerFault struct {
	name, guarantee string
	// pick chooses the broker to kill from the brokers' status and says what it is.
	pick func(bs []brokerStatus, in, out string) (brokerStatus, string)
}

// leads reports whether b leads a partition of topic.
func leads(b brokerStatus, topic string) bool {
	return slices.ContainsFunc(b.Leaders, func(tp string) bool { return strings.HasPrefix(tp, topic+"/") })
}

// partitionLeader picks a leader of a partition of topic, one that is not the active
// controller (and, with avoid set, leads no partition of avoid) where there is such a broker,
// so that the faults differ as much as three combined nodes allow.
func partitionLeader(topic, avoid string) func([]brokerStatus, string, string) (brokerStatus, string) {
	return func(bs []brokerStatus, in, out string) (brokerStatus, string) {
		t, a := in, ""
		if topic == "out" {
			t = out
		}
		if avoid == "in" {
			a = in
		}
		var cands []brokerStatus
		for _, b := range bs {
			if b.Running && leads(b, t) {
				cands = append(cands, b)
			}
		}
		slices.SortStableFunc(cands, func(x, y brokerStatus) int {
			return score(x, a) - score(y, a)
		})
		if len(cands) == 0 {
			return brokerStatus{}, "no leader of " + t
		}
		return cands[0], "a leader of a partition of " + t
	}
}

// score orders candidates: not the controller first, then those leading nothing of avoid.
func score(b brokerStatus, avoid string) int {
	n := 0
	if b.ActiveController {
		n += 2
	}
	if avoid != "" && leads(b, avoid) {
		n++
	}
	return n
}

// activeController picks the KRaft quorum's leader.
func activeController(bs []brokerStatus, _, _ string) (brokerStatus, string) {
	for _, b := range bs {
		if b.ActiveController && b.Running {
			return b, "the active controller"
		}
	}
	return brokerStatus{}, "no active controller"
}

// faultRow is one line of the results table.
type faultRow struct {
	fault, guarantee, victim string
	missing, duplicates      int64
	restarts                 int64
	stall                    time.Duration
	stallPartition           int32
	recovery                 time.Duration
}

// TestIntegrationFaultBrokersReplicated runs the broker and controller kills on one shared
// three-broker stack (`local up --kafka-brokers 3`), each during a 30 s run at 3,000 events/s
// with the kill a third of the way in and the broker brought back by `local up`: kill -9 the
// leader of a partition of the input topic, of the output topic (each under at-least-once and
// exactly-once), and the active controller (exactly-once, the stricter guarantee; as every
// node is broker and controller, it is also a broker kill). Each must leave 0 events missing
// and, under exactly-once, 0 pipeline duplicates. It logs whether the job restarted and the
// output stall: the longest gap between append times of consecutive records of an output
// partition from 5 s before the kill. Cost: the stack's start (~40 s) and five runs of ~45-60 s
// each (load, drain, verification), about 5 min on the 2-core machine.
func TestIntegrationFaultBrokersReplicated(t *testing.T) {
	s := startReplicatedStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	if st := s.brokers(ctx); len(st.Kafka.Brokers) != 3 || !st.Kafka.Healthy || st.Kafka.ReplicationFactor != 3 || st.Kafka.MinInsyncReplicas != 2 {
		t.Fatalf("local status after `local up --kafka-brokers 3`: %+v", st.Kafka)
	}
	faults := []brokerFault{
		{"in-leader", "at-least-once", partitionLeader("in", "")},
		{"in-leader", "exactly-once", partitionLeader("in", "")},
		{"out-leader", "at-least-once", partitionLeader("out", "in")},
		{"out-leader", "exactly-once", partitionLeader("out", "in")},
		{"controller", "exactly-once", activeController},
	}
	var (
		mu   sync.Mutex
		rows []faultRow
	)
	for i, f := range faults {
		t.Run(f.name+"/"+f.guarantee, func(t *testing.T) {
			name := fmt.Sprintf("b3-%s-%d", f.name, i)
			row := faultRow{fault: f.name, guarantee: f.guarantee}
			var faultAt time.Time
			inject := func(ctx context.Context, s *faultStack, in, out string) {
				st := s.brokers(ctx)
				v, what := f.pick(st.Kafka.Brokers, in, out)
				if v.PID == 0 {
					t.Fatalf("%s: %s in %+v", name, what, st.Kafka.Brokers)
				}
				row.victim = fmt.Sprintf("node %d (%s%s)", v.NodeID, what, alsoText(v, what))
				t.Logf("kill -9 broker %d (pid %d): %s; it leads %v", v.NodeID, v.PID, row.victim, v.Leaders)
				faultAt = time.Now()
				s.kill(v.PID)
				s.up(ctx)
				row.recovery = time.Since(faultAt)
				if after := s.brokers(ctx); !after.Kafka.Healthy {
					t.Fatalf("%s: `local up` left Kafka unhealthy: %+v", name, after.Kafka.Brokers)
				}
			}
			after := func(ctx context.Context, t *testing.T, s *faultStack, rec runlog.Run, res verify.Result, in, out string) {
				checkReplicated(ctx, t, s.bootstrap, in, out)
				row.missing, row.duplicates = res.Missing, res.Duplicates
				row.restarts = numRestarts(ctx, t, s.rest, rec.JobID)
				row.stall, row.stallPartition = outputStall(ctx, t, s.bootstrap, out, res.OutputWindow, faultAt)
				t.Logf("%s: victim %s, job restarts %d, output stall %s (partition %d), broker back after %s",
					name, row.victim, row.restarts, row.stall.Round(time.Millisecond), row.stallPartition, row.recovery.Round(time.Second))
				mu.Lock()
				rows = append(rows, row)
				mu.Unlock()
			}
			faultRun{guarantee: f.guarantee, inject: inject, after: after}.do(ctx, t, s, name)
		})
	}
	checkInternalTopics(ctx, t, s.bootstrap)
	var b strings.Builder
	b.WriteString("\n| fault | guarantee | killed | missing | pipeline duplicates | job restarts | output stall | broker back (local up) |\n|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %d | %d | %d | %.1f s | %.0f s |\n", r.fault, r.guarantee, r.victim, r.missing, r.duplicates, r.restarts, r.stall.Seconds(), r.recovery.Seconds())
	}
	t.Log(b.String())
}

// alsoText says that a killed node picked as a leader was the active controller too.
func alsoText(b brokerStatus, what string) string {
	if b.ActiveController && !strings.Contains(what, "controller") {
		return ", also the active controller"
	}
	return ""
}

// checkReplicated fails the test unless every partition of the run's topics has 3 replicas
// and the topics' min.insync.replicas is 2: what `run` created on a three-broker stack.
func checkReplicated(ctx context.Context, t *testing.T, bootstrap string, topics ...string) {
	t.Helper()
	adm, closeAdm := admin(t, bootstrap)
	defer closeAdm()
	td, err := adm.ListTopics(ctx, topics...)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range topics {
		d, ok := td[name]
		if !ok || d.Err != nil || len(d.Partitions) == 0 {
			t.Fatalf("topic %s: %+v", name, d)
		}
		for _, p := range d.Partitions {
			if len(p.Replicas) != 3 {
				t.Errorf("%s/%d has replicas %v, want 3", name, p.Partition, p.Replicas)
			}
		}
	}
	rcs, err := adm.DescribeTopicConfigs(ctx, topics...)
	if err != nil {
		t.Fatal(err)
	}
	for _, rc := range rcs {
		for _, c := range rc.Configs {
			if c.Key == "min.insync.replicas" && c.MaybeValue() != "2" {
				t.Errorf("%s: min.insync.replicas = %q, want 2", rc.Name, c.MaybeValue())
			}
		}
	}
}

// checkInternalTopics fails the test unless the consumer offsets and transaction state topics
// have 3 replicas (the runs have used both).
func checkInternalTopics(ctx context.Context, t *testing.T, bootstrap string) {
	t.Helper()
	adm, closeAdm := admin(t, bootstrap)
	defer closeAdm()
	internal := []string{"__consumer_offsets", "__transaction_state"}
	td, err := adm.ListTopics(ctx, internal...)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range internal {
		d := td[name]
		if d.Err != nil || len(d.Partitions) == 0 {
			t.Errorf("internal topic %s: %v (%d partitions)", name, d.Err, len(d.Partitions))
			continue
		}
		for _, p := range d.Partitions {
			if len(p.Replicas) != 3 {
				t.Errorf("%s/%d has replicas %v, want 3", name, p.Partition, p.Replicas)
			}
		}
	}
}

// admin is an admin client on bootstrap (comma-separated brokers).
func admin(t *testing.T, bootstrap string) (*kadm.Client, func()) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(bootstrap, ",")...))
	if err != nil {
		t.Fatal(err)
	}
	return kadm.NewClient(cl), cl.Close
}

// outputStall reads, read_committed, the output records the verifier read (window; control
// records count for its end, not for the stall) and
// returns the longest gap between the append times of consecutive records of one partition,
// from 5 s before the fault on, and the partition it was in.
func outputStall(ctx context.Context, t *testing.T, bootstrap, topic string, window map[int32]verify.OffsetRange, faultAt time.Time) (time.Duration, int32) {
	t.Helper()
	offsets := map[int32]kgo.Offset{}
	remaining := map[int32]int64{} // the last offset still to read per partition
	for p, w := range window {
		if w.End > w.Start {
			offsets[p] = kgo.NewOffset().At(w.Start)
			remaining[p] = w.End - 1
		}
	}
	if len(offsets) == 0 {
		t.Fatalf("the verifier read no output of %s", topic)
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(bootstrap, ",")...),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: offsets}),
		// Control records (transaction markers) too, as the verifier reads: its window can end
		// on one.
		kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.KeepControlRecords())
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	from := faultAt.Add(-5 * time.Second)
	last := map[int32]time.Time{}
	var stall time.Duration
	var at int32 = -1
	for len(remaining) > 0 {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("reading %s back: %v (partitions left %v)", topic, ctx.Err(), remaining)
		}
		fs.EachRecord(func(r *kgo.Record) {
			end, ok := remaining[r.Partition]
			if !ok || r.Offset > end {
				return
			}
			if r.Offset == end {
				delete(remaining, r.Partition)
			}
			if r.Attrs.IsControl() || r.Timestamp.Before(from) {
				return
			}
			if prev, ok := last[r.Partition]; ok && r.Timestamp.Sub(prev) > stall {
				stall, at = r.Timestamp.Sub(prev), r.Partition
			}
			last[r.Partition] = r.Timestamp
		})
	}
	return stall, at
}
