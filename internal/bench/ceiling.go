package bench

import (
	"context"
	"fmt"
	"math"
	"strconv"

	"github.com/streamscale/streamscale/internal/latency"
)

// brokerCeiling gives the broker the pipeline's work with Kafka's own perf tools at the same
// time: ProducerPerformance writes one topic while ConsumerPerformance reads another (filled
// beforehand with generator events), same record size and partitions. The slower of the two
// rates is the most any relay could reach on this broker. The fixed rates' latencies are the
// producer perf tool's acknowledgement latencies at that rate.
func (h *harness) brokerCeiling(ctx context.Context) ContenderResult {
	res := ContenderResult{Name: BrokerCeiling, LatencyMs: map[string]Latency{},
		Note: "Kafka's ProducerPerformance writing one topic while ConsumerPerformance reads another; latencies are produce acknowledgements"}
	t := h.topicsFor(BrokerCeiling)
	var created []string
	defer func() { deleteTopics(ctx, h.admin, created...) }()
	for _, topic := range []string{t.in, t.out} {
		if err := createTopic(ctx, h.admin, topic, h.cfg.Partitions); err != nil {
			res.Error = err.Error()
			return res
		}
		created = append(created, topic)
	}
	n := h.cfg.CeilingRecords
	fmt.Fprintf(h.progress, "[%s] filling %q with %d events to read\n", BrokerCeiling, t.in, n)
	pcfg := ProducerConfig{Conn: h.cfg.Conn, Java: h.cfg.Java, KafkaClasspath: h.cfg.KafkaClasspath, Records: n}
	pcfg.defaults()
	fill, err := runGenerator(ctx, pcfg, t.in)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	size := int(math.Round(fill.MBPerSec * 1e6 / fill.RecordsPerSec))
	h.recordBytes = float64(size)

	fmt.Fprintf(h.progress, "[%s] writing %d records of %d B to %q while reading %q\n", BrokerCeiling, n, size, t.out, t.in)
	broker := procGroup(h.cfg.BrokerPIDs)
	b0 := broker.sample()
	type out struct {
		m   Measurement
		err error
	}
	cons := make(chan out, 1)
	go func() {
		m, err := runConsumerPerf(ctx, RelayConfig{Conn: h.cfg.Conn, Java: h.cfg.Java, KafkaClasspath: h.cfg.KafkaClasspath}, t.in, fill.Records)
		cons <- out{m, err}
	}()
	prod, perr := runKafkaPerf(ctx, pcfg, t.out, size)
	c := <-cons
	b1 := broker.sample()
	if perr != nil || c.err != nil {
		res.Error = fmt.Sprintf("perf tools: %v", firstErr(perr, c.err))
		return res
	}
	res.MaxRate = math.Round(math.Min(prod.RecordsPerSec, c.m.RecordsPerSec))
	cpu := b1.CPUSeconds - b0.CPUSeconds
	res.CPUSecondsPerMillion = math.Round(cpu/float64(n)*1e6*100) / 100
	res.BrokerCPUSecondsPerMillion = res.CPUSecondsPerMillion
	res.RSSMB = math.Round(float64(b1.RSSBytes) / (1 << 20))
	res.Steps = append(res.Steps, Step{OfferedRate: -1, AchievedRate: res.MaxRate, Events: n, CPUSeconds: cpu, BrokerCPUSeconds: cpu, RSSBytes: b1.RSSBytes, Sustainable: true})
	fmt.Fprintf(h.progress, "[%s] producer %.0f/s, consumer %.0f/s at the same time: ceiling %.0f/s, broker cpu %.1fs\n",
		BrokerCeiling, prod.RecordsPerSec, c.m.RecordsPerSec, res.MaxRate, cpu)

	for _, rate := range h.cfg.Rates {
		fcfg := pcfg
		fcfg.Throughput = rate
		fcfg.Records = int64(rate * h.cfg.Step.Seconds())
		b0 := broker.sample()
		m, err := runKafkaPerf(ctx, fcfg, t.out, size)
		if err != nil {
			res.Error = err.Error()
			return res
		}
		b1 := broker.sample()
		ack := latency.Percentiles{P50: m.P50LatencyMs, P99: m.P99LatencyMs, P999: m.P999LatencyMs, Max: m.MaxLatencyMs, Count: m.Records}
		res.LatencyMs[strconv.FormatFloat(rate, 'f', 0, 64)] = Latency{ProduceAck: &ack}
		res.Steps = append(res.Steps, Step{OfferedRate: rate, AchievedRate: math.Round(m.RecordsPerSec), Events: m.Records,
			BrokerCPUSeconds: b1.CPUSeconds - b0.CPUSeconds, RSSBytes: b1.RSSBytes, Latency: Latency{ProduceAck: &ack},
			Sustainable: m.RecordsPerSec >= rate*0.95})
		fmt.Fprintf(h.progress, "[%s] %6.0f/s produce ack p99 %.0f ms\n", BrokerCeiling, rate, m.P99LatencyMs)
	}
	return res
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
