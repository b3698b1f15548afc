package local

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// KafkaHealth is what a Kafka cluster says of itself.
type KafkaHealth struct {
	// Brokers are the node ids of the brokers in the cluster's metadata (registered and not
	// fenced), sorted.
	Brokers []int32
	// Answering are the node ids of the listed brokers that answered a request of their own
	// (a killed broker stays listed until the controller fences it, 9 s by default; a restarted
	// one answers once it serves requests again).
	Answering []int32
	// ActiveController is the node id of the KRaft quorum's leader, -1 when unknown.
	ActiveController int32
	// Leaders maps a node id to the partitions it leads, as "topic/partition", sorted; Kafka's
	// internal topics (names starting with "__") are left out.
	Leaders map[int32][]string
}

// KafkaCluster asks the brokers at bootstrap (comma-separated host:port) for their metadata
// and the KRaft quorum's description (DescribeQuorum, which a broker forwards to the
// controllers). A cluster without a registered broker is an error.
func KafkaCluster(ctx context.Context, bootstrap string) (KafkaHealth, error) {
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(bootstrap, ",")...), kgo.RetryTimeout(0))
	if err != nil {
		return KafkaHealth{}, fmt.Errorf("kafka client: %w", err)
	}
	defer cl.Close()
	md, err := kadm.NewClient(cl).Metadata(ctx)
	if err != nil {
		return KafkaHealth{}, fmt.Errorf("kafka metadata: %w", err)
	}
	if len(md.Brokers) == 0 {
		return KafkaHealth{}, fmt.Errorf("kafka metadata: no brokers registered yet")
	}
	h := KafkaHealth{ActiveController: -1, Leaders: map[int32][]string{}}
	for _, b := range md.Brokers {
		h.Brokers = append(h.Brokers, b.NodeID)
	}
	slices.Sort(h.Brokers)
	for _, id := range h.Brokers {
		if answers(ctx, cl, id) {
			h.Answering = append(h.Answering, id)
		}
	}
	for _, t := range md.Topics {
		if strings.HasPrefix(t.Topic, "__") || t.Err != nil {
			continue
		}
		for _, p := range t.Partitions {
			if p.Leader >= 0 {
				h.Leaders[p.Leader] = append(h.Leaders[p.Leader], t.Topic+"/"+strconv.Itoa(int(p.Partition)))
			}
		}
	}
	for _, ps := range h.Leaders {
		slices.SortFunc(ps, comparePartitions)
	}
	if id, err := activeController(ctx, cl); err == nil {
		h.ActiveController = id
	}
	return h, nil
}

// answers reports whether broker id answers a metadata request sent to it alone within a
// second.
func answers(ctx context.Context, cl *kgo.Client, id int32) bool {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	req := kmsg.NewPtrMetadataRequest()
	req.Topics = []kmsg.MetadataRequestTopic{} // none, not all
	_, err := req.RequestWith(ctx, cl.Broker(int(id)))
	return err == nil
}

// activeController is the KRaft quorum's leader by DescribeQuorum on __cluster_metadata.
func activeController(ctx context.Context, cl *kgo.Client) (int32, error) {
	req := kmsg.NewPtrDescribeQuorumRequest()
	t := kmsg.NewDescribeQuorumRequestTopic()
	t.Topic = "__cluster_metadata"
	p := kmsg.NewDescribeQuorumRequestTopicPartition()
	t.Partitions = append(t.Partitions, p)
	req.Topics = append(req.Topics, t)
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return -1, fmt.Errorf("describe quorum: %w", err)
	}
	for _, t := range resp.Topics {
		for _, p := range t.Partitions {
			if p.LeaderID >= 0 {
				return p.LeaderID, nil
			}
		}
	}
	return -1, fmt.Errorf("describe quorum: no leader")
}

// comparePartitions orders "topic/partition" by topic, then partition number.
func comparePartitions(a, b string) int {
	ta, pa := splitPartition(a)
	tb, pb := splitPartition(b)
	if c := strings.Compare(ta, tb); c != 0 {
		return c
	}
	return pa - pb
}

func splitPartition(s string) (string, int) {
	i := strings.LastIndexByte(s, '/')
	n, _ := strconv.Atoi(s[i+1:])
	return s[:i], n
}

// kafkaStatus describes each recorded broker and, when any runs, what the cluster says of it.
func (s *Stack) kafkaStatus(ctx context.Context, st *state) KafkaStatus {
	marker := homeMarker(s.cfg.Home)
	n := st.Config.brokerCount()
	c := s.cfg
	c.KafkaBrokers = n
	rf, minISR := c.Replication()
	out := KafkaStatus{
		Bootstrap: c.KafkaBootstrap(), ControllerPort: c.ControllerPort, MetricsURL: c.MetricsURL(), Log: s.layout.brokerLog(0),
		ReplicationFactor: rf, MinInsyncReplicas: minISR, Brokers: make([]BrokerStatus, n),
	}
	running := 0
	for i := range n {
		b := c.broker(i)
		bs := BrokerStatus{NodeID: b.NodeID, Address: b.Address(), Port: b.Port, ControllerPort: b.ControllerPort, MetricsPort: b.MetricsPort, MetricsURL: b.MetricsURL(),
			Leaders: []string{}, Log: s.layout.brokerLog(i)}
		if p := st.broker(i); p != nil && processAlive(p.PID, marker) {
			bs.PID, bs.Running = p.PID, true
			running++
		}
		out.Brokers[i] = bs
	}
	out.PID, out.Running = out.Brokers[0].PID, running > 0
	if running == 0 {
		return out
	}
	pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	h, err := s.probe.Kafka(pctx, out.Bootstrap)
	if err != nil {
		out.Error = err.Error()
		return out
	}
	out.ActiveController = max(h.ActiveController, 0)
	registered := 0
	for i := range out.Brokers {
		bs := &out.Brokers[i]
		bs.Registered = slices.Contains(h.Brokers, bs.NodeID) && slices.Contains(h.Answering, bs.NodeID)
		bs.ActiveController = h.ActiveController == bs.NodeID
		if ls := h.Leaders[bs.NodeID]; ls != nil {
			bs.Leaders = ls
		}
		if bs.Running && bs.Registered {
			registered++
		}
	}
	out.Healthy = registered == n
	if !out.Healthy {
		out.Error = fmt.Sprintf("%d of %d brokers run and are registered (the metadata lists nodes %v)", registered, n, h.Brokers)
	}
	return out
}
