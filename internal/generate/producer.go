package generate

import (
	"errors"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/kafkaconn"
)

// ProducerConfig is the generator's producer tuning. Start from DefaultProducerConfig; its
// defaults are tuned for throughput: acks=all with idempotence, linger 5 ms, batches up to
// 1 MiB (Event Hubs: 1,000,000 bytes), no compression (so byte counts are the events' own
// size).
type ProducerConfig struct {
	// Linger is how long a batch may wait to fill (default 5ms).
	Linger time.Duration
	// Compression is the batch codec: none, gzip, snappy, lz4 or zstd (default none).
	Compression string
	// Acks is all (or -1), 1 or 0 (default all).
	Acks string
	// BatchBytes is the largest batch per partition (default 1 MiB; capped to Event Hubs'
	// limit there unless BatchSet).
	BatchBytes int32
	// Idempotent asks for idempotent produce (default true; off without acks=all, and on
	// Event Hubs unless IdempotentSet).
	Idempotent bool
	// BatchSet and IdempotentSet say the user gave BatchBytes and Idempotent rather than
	// taking the defaults: a given value is checked against the connection, a default adapts
	// to it.
	BatchSet, IdempotentSet bool
}

// DefaultProducerConfig returns the defaults documented on ProducerConfig.
func DefaultProducerConfig() ProducerConfig {
	return ProducerConfig{Linger: 5 * time.Millisecond, Compression: "none", Acks: "all", BatchBytes: 1 << 20, Idempotent: true}
}

// Opts validates p for producing over c and returns the franz-go producer options: p's, a
// 64 Ki record buffer, a 30 s delivery timeout and the Throttle hook. An error names the
// setting by its flag.
func (p ProducerConfig) Opts(c kafkaconn.Conn) ([]kgo.Opt, error) {
	codec, err := kafkaconn.Compression(p.Compression)
	if err != nil {
		return nil, fmt.Errorf("--compression: %w", err)
	}
	opts := []kgo.Opt{
		kgo.ProducerBatchCompression(codec),
		kgo.ProducerLinger(p.Linger),
		kgo.MaxBufferedRecords(1 << 16),
		// A broker that does not answer fails records after this long instead of never.
		kgo.RecordDeliveryTimeout(30 * time.Second),
		// The generator reports the broker's throttling (quotas; Event Hubs' throughput units).
		kgo.WithHooks(&Throttle{}),
	}
	switch p.Acks {
	case "all", "-1":
		opts = append(opts, kgo.RequiredAcks(kgo.AllISRAcks()))
	case "1":
		opts = append(opts, kgo.RequiredAcks(kgo.LeaderAck()))
	case "0":
		opts = append(opts, kgo.RequiredAcks(kgo.NoAck()))
	default:
		return nil, fmt.Errorf("--acks: %q is not all, 1 or 0", p.Acks)
	}
	allAcks := p.Acks == "all" || p.Acks == "-1"
	switch {
	case p.Idempotent && p.IdempotentSet && !allAcks:
		return nil, fmt.Errorf("--idempotent needs --acks all, not %s", p.Acks)
	case p.Idempotent && p.IdempotentSet && c.EventHubs:
		return nil, errors.New("--idempotent: Event Hubs does not document idempotent produce outside transactions; leave it off there")
	case !p.Idempotent || !allAcks:
		opts = append(opts, kgo.DisableIdempotentWrite())
	}
	batch := p.BatchBytes
	switch {
	case batch <= 0:
		return nil, fmt.Errorf("--batch-bytes: %d is not positive", batch)
	case c.EventHubs && batch > kafkaconn.EventHubsMaxBatchBytes:
		if p.BatchSet {
			return nil, fmt.Errorf("--batch-bytes: %d is above Event Hubs' limit of %d", batch, kafkaconn.EventHubsMaxBatchBytes)
		}
		batch = kafkaconn.EventHubsMaxBatchBytes
	}
	return append(opts, kgo.ProducerBatchMaxBytes(batch)), nil
}
