package relay

import (
	"strings"
	"testing"
	"time"
)

func TestProgramArgs(t *testing.T) {
	s := Spec{Brokers: "127.0.0.1:9092", InTopic: "in", OutTopic: "out", DeadLetterTopic: "in-dead-letter", CheckpointInterval: 2 * time.Second}
	got := strings.Join(s.ProgramArgs(), " ")
	want := "--bootstrap-servers 127.0.0.1:9092 --input-topic in --output-topic out --dead-letter-topic in-dead-letter --checkpoint-interval-ms 2000 --job-name streamscale-relay in->out"
	if got != want {
		t.Fatalf("ProgramArgs = %q\nwant          %q", got, want)
	}
	s.CheckpointInterval = 0
	if !strings.Contains(strings.Join(s.ProgramArgs(), " "), "--checkpoint-interval-ms 10000") {
		t.Fatal("default checkpoint interval is not 10 s")
	}
	if (Spec{InTopic: "a", OutTopic: "b"}).JobName() == s.JobName() {
		t.Fatal("job names of different topic pairs collide, so one would be reused for the other")
	}
}
