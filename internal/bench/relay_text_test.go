package bench

import (
	"strings"
	"testing"
)

func TestRelayAndProducerWriteText(t *testing.T) {
	var b strings.Builder
	relay := RelayResult{Guarantee: "exactly-once", DedupWindow: 100, Records: 1000, RecordSize: 900, Partitions: 4, Ratio: 0.5}
	if err := relay.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if want := "record size 900 B, 1000 records, 4 partitions, guarantee exactly-once, dedup window 100\n"; !strings.HasPrefix(b.String(), want) || !strings.Contains(b.String(), "ratio                           0.50\n") {
		t.Errorf("relay text:\n%s", b.String())
	}
	b.Reset()
	producer := ProducerResult{RecordSize: 900, Records: 5000, Rounds: 3, Ratio: 1.25}
	if err := producer.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if want := "record size 900 B, 5000 records per run, median of 3 rounds\n"; !strings.HasPrefix(b.String(), want) || !strings.Contains(b.String(), "ratio                          1.25\n") {
		t.Errorf("producer text:\n%s", b.String())
	}
}
