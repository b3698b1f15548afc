package bench

import (
	"fmt"
	"io"
)

// WriteText prints the relay's and the consumer perf tool's rates and their ratio.
func (res RelayResult) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "record size %d B, %d records, %d partitions, guarantee %s%s\n", res.RecordSize, res.Records, res.Partitions, res.Guarantee, DedupNote(res.DedupWindow))
	fmt.Fprintf(w, "streamscale relay (Flink)  %9.0f records/s\n", res.Relay.RecordsPerSec)
	fmt.Fprintf(w, "kafka-consumer-perf-test   %9.0f records/s\n", res.Kafka.RecordsPerSec)
	_, err := fmt.Fprintf(w, "ratio                      %9.2f\n", res.Ratio)
	return err
}

// WriteText prints the generator's and the producer perf tool's median rates and their ratio.
func (res ProducerResult) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "record size %d B, %d records per run, median of %d rounds\n", res.RecordSize, res.Records, res.Rounds)
	fmt.Fprintf(w, "streamscale generate      %9.0f records/s\n", res.Generator)
	fmt.Fprintf(w, "kafka-producer-perf-test  %9.0f records/s\n", res.Kafka)
	_, err := fmt.Fprintf(w, "ratio                     %9.2f\n", res.Ratio)
	return err
}
