// Package hubmetrics produces the Azure sample's per-interval metrics table — incoming and
// outgoing messages and bytes per event hub (topic), against the hubs' capacity — from an
// independent source: locally, the Kafka broker's own per-topic counters, served by the
// Prometheus JMX exporter agent that `streamscale local up` attaches to the broker.
package hubmetrics

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/streamscale/streamscale/internal/promscrape"
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
	samples, err := promscrape.Fetch(ctx, p.Client, url, "broker metrics")
	if err != nil {
		return Snapshot{}, fmt.Errorf("%w (is the local stack up? it serves them since this version; restart an older stack with `local down` + `local up`)", err)
	}
	return fromSamples(samples), nil
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

// Parse reads the Prometheus text format (with promscrape, so label values may hold commas
// and quotes), keeping the per-topic counters it knows — lines like
// `kafka_topic_messagesinpersec_total{topic="in",} 1000.0` — and the throttle-time histograms.
func Parse(r io.Reader) (Snapshot, error) {
	samples, err := promscrape.Parse(r)
	if err != nil {
		return Snapshot{}, err
	}
	return fromSamples(samples), nil
}

func fromSamples(samples []promscrape.Sample) Snapshot {
	snap := Snapshot{Topics: map[string]Counters{}}
	hist := map[string]float64{} // "<metric>/<request>" → value
	for _, s := range samples {
		if s.Name == throttleCount || s.Name == throttleMean {
			if req := s.Label("request"); req != "" {
				hist[s.Name+"/"+req] = s.Value
			}
			continue
		}
		topic := s.Label("topic")
		if topic == "" || metricField(&Counters{}, s.Name) == nil {
			continue
		}
		c := snap.Topics[topic]
		*metricField(&c, s.Name) = s.Value
		snap.Topics[topic] = c
	}
	if _, ok := hist[throttleCount+"/Produce"]; ok {
		sum := func(req string) float64 { return hist[throttleCount+"/"+req] * hist[throttleMean+"/"+req] }
		snap.Throttle = &Throttle{ProduceMs: sum("Produce"), FetchMs: sum("FetchConsumer")}
	}
	return snap
}
