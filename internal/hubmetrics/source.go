// Package hubmetrics produces the Azure sample's per-interval metrics table — incoming and
// outgoing messages and bytes per event hub (topic), against the hubs' capacity — from an
// independent source: locally, the Kafka broker's own per-topic counters, served by the
// Prometheus JMX exporter agent that `streamscale local up` attaches to the broker.
package hubmetrics

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Counters are a topic's cumulative counters at one instant.
type Counters struct {
	MessagesIn      float64 // records appended
	BytesIn         float64
	BytesOut        float64 // bytes fetched by consumers (and followers)
	ProduceRequests float64 // produce requests touching the topic: Event Hubs' "incoming messages" are batches
	FetchRequests   float64
	FailedProduce   float64
	MessagesOut     float64 // records consumers committed (see WithGroupOffsets); 0 without
}

// Snapshot is every topic's counters at one instant.
type Snapshot struct {
	At     time.Time
	Topics map[string]Counters
	// Throttle is the broker's cumulative quota throttling, nil when the source does not
	// report it.
	Throttle *Throttle
}

// Throttle is the cumulative time the broker delayed responses to clients over their quotas.
// Kafka quotas apply to clients, not topics, so it is broker-wide (like an Event Hubs
// namespace's throughput units).
type Throttle struct {
	ProduceMs float64
	FetchMs   float64
}

// Source reads a snapshot. The local broker's PrometheusSource is one; an Azure Monitor source
// can feed the same table.
type Source interface {
	Snapshot(ctx context.Context) (Snapshot, error)
}

// PrometheusSource scrapes the JMX exporter's text exposition.
type PrometheusSource struct {
	URL    string
	Client *http.Client
}

// Snapshot implements Source.
func (p PrometheusSource) Snapshot(ctx context.Context) (Snapshot, error) {
	hc := p.Client
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.URL, nil)
	if err != nil {
		return Snapshot{}, fmt.Errorf("broker metrics: %w", err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return Snapshot{}, fmt.Errorf("broker metrics at %s not reachable (is the local stack up? it serves them since this version; restart an older stack with `local down` + `local up`): %w", p.URL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Snapshot{}, fmt.Errorf("broker metrics at %s: HTTP %d", p.URL, resp.StatusCode)
	}
	snap, err := Parse(resp.Body)
	if err != nil {
		return Snapshot{}, fmt.Errorf("broker metrics at %s: %w", p.URL, err)
	}
	snap.At = time.Now()
	return snap, nil
}

// metricField maps the exporter's metric names to Counters fields.
func metricField(c *Counters, name string) *float64 {
	switch name {
	case "kafka_topic_messagesinpersec_total":
		return &c.MessagesIn
	case "kafka_topic_bytesinpersec_total":
		return &c.BytesIn
	case "kafka_topic_bytesoutpersec_total":
		return &c.BytesOut
	case "kafka_topic_totalproducerequestspersec_total":
		return &c.ProduceRequests
	case "kafka_topic_totalfetchrequestspersec_total":
		return &c.FetchRequests
	case "kafka_topic_failedproducerequestspersec_total":
		return &c.FailedProduce
	}
	return nil
}

// Throttle-time histograms the exporter serves per request type:
// `kafka_request_throttletimems_count{request="Produce",}` and `…_mean`. Count × mean is the
// histogram's all-time sum, so its delta is the throttle time within an interval.
const (
	throttleCount = "kafka_request_throttletimems_count"
	throttleMean  = "kafka_request_throttletimems_mean"
)

// Parse reads the Prometheus text format, keeping the per-topic counters it knows — lines like
// `kafka_topic_messagesinpersec_total{topic="in",} 1000.0` — and the throttle-time histograms.
func Parse(r io.Reader) (Snapshot, error) {
	snap := Snapshot{Topics: map[string]Counters{}}
	hist := map[string]float64{} // "<metric>/<request>" → value
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		brace := strings.IndexByte(line, '{')
		end := strings.LastIndexByte(line, '}')
		if brace < 0 || end < brace {
			continue
		}
		name, labels := line[:brace], line[brace+1:end]
		isThrottle := name == throttleCount || name == throttleMean
		if !isThrottle && metricField(&Counters{}, name) == nil {
			continue
		}
		fields := strings.Fields(line[end+1:])
		if len(fields) == 0 {
			return Snapshot{}, fmt.Errorf("metric line without a value: %q", line)
		}
		v, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			return Snapshot{}, fmt.Errorf("metric line with a bad value: %q", line)
		}
		if isThrottle {
			if req, ok := label(labels, "request"); ok {
				hist[name+"/"+req] = v
			}
			continue
		}
		topic, ok := label(labels, "topic")
		if !ok {
			continue
		}
		c := snap.Topics[topic]
		*metricField(&c, name) = v
		snap.Topics[topic] = c
	}
	if err := sc.Err(); err != nil {
		return Snapshot{}, err
	}
	if _, ok := hist[throttleCount+"/Produce"]; ok {
		sum := func(req string) float64 { return hist[throttleCount+"/"+req] * hist[throttleMean+"/"+req] }
		snap.Throttle = &Throttle{ProduceMs: sum("Produce"), FetchMs: sum("FetchConsumer")}
	}
	return snap, nil
}

// label finds name="value" in a label list (values here never hold quotes or commas).
func label(labels, name string) (string, bool) {
	for _, kv := range strings.Split(labels, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if ok && k == name {
			return strings.Trim(v, `"`), true
		}
	}
	return "", false
}
