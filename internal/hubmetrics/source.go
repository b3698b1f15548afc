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

// PrometheusSource scrapes the JMX exporter's text exposition of one broker, or of every
// broker of a cluster (URLs), summing each topic's counters over them.
type PrometheusSource struct {
	URL string
	// URLs, when set, are scraped instead of URL, one per broker.
	URLs   []string
	Client *http.Client
}

// Snapshot implements Source.
func (p PrometheusSource) Snapshot(ctx context.Context) (Snapshot, error) {
	urls := p.URLs
	if len(urls) == 0 {
		urls = []string{p.URL}
	}
	var sum Snapshot
	for _, u := range urls {
		snap, err := p.scrape(ctx, u)
		if err != nil {
			return Snapshot{}, err
		}
		sum = sum.add(snap)
	}
	sum.At = time.Now()
	return sum, nil
}

func (p PrometheusSource) scrape(ctx context.Context, url string) (Snapshot, error) {
	hc := p.Client
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return Snapshot{}, fmt.Errorf("broker metrics: %w", err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return Snapshot{}, fmt.Errorf("broker metrics at %s not reachable (is the local stack up? it serves them since this version; restart an older stack with `local down` + `local up`): %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Snapshot{}, fmt.Errorf("broker metrics at %s: HTTP %d", url, resp.StatusCode)
	}
	snap, err := Parse(resp.Body)
	if err != nil {
		return Snapshot{}, fmt.Errorf("broker metrics at %s: %w", url, err)
	}
	return snap, nil
}

// add sums two brokers' snapshots; throttling is known only when both report it.
func (s Snapshot) add(o Snapshot) Snapshot {
	if s.Topics == nil {
		return o
	}
	out := Snapshot{Topics: make(map[string]Counters, len(s.Topics))}
	for t, c := range s.Topics {
		out.Topics[t] = c
	}
	for t, c := range o.Topics {
		a := out.Topics[t]
		out.Topics[t] = Counters{
			MessagesIn: a.MessagesIn + c.MessagesIn, BytesIn: a.BytesIn + c.BytesIn, BytesOut: a.BytesOut + c.BytesOut,
			ProduceRequests: a.ProduceRequests + c.ProduceRequests, FetchRequests: a.FetchRequests + c.FetchRequests,
			FailedProduce: a.FailedProduce + c.FailedProduce, MessagesOut: a.MessagesOut + c.MessagesOut,
		}
	}
	if s.Throttle != nil && o.Throttle != nil {
		out.Throttle = &Throttle{ProduceMs: s.Throttle.ProduceMs + o.Throttle.ProduceMs, FetchMs: s.Throttle.FetchMs + o.Throttle.FetchMs}
	}
	return out
}

// metricField maps the exporter's metric names to Counters fields. Two namings are known:
// the one `streamscale local up` configures (kafka_topic_messagesinpersec_total) and the one
// of Strimzi's widely copied exporter rules (kafka_server_brokertopicmetrics_messagesin_total).
func metricField(c *Counters, name string) *float64 {
	var base string
	switch {
	case strings.HasPrefix(name, "kafka_topic_") && strings.HasSuffix(name, "persec_total"):
		base = strings.TrimSuffix(strings.TrimPrefix(name, "kafka_topic_"), "persec_total")
	case strings.HasPrefix(name, "kafka_server_brokertopicmetrics_") && strings.HasSuffix(name, "_total"):
		base = strings.TrimSuffix(strings.TrimPrefix(name, "kafka_server_brokertopicmetrics_"), "_total")
	default:
		return nil
	}
	switch base {
	case "messagesin":
		return &c.MessagesIn
	case "bytesin":
		return &c.BytesIn
	case "bytesout":
		return &c.BytesOut
	case "totalproducerequests":
		return &c.ProduceRequests
	case "totalfetchrequests":
		return &c.FetchRequests
	case "failedproducerequests":
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
