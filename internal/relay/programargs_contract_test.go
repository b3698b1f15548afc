package relay

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// contractGolden is the Go→Java argument contract shared with the job's
// ProgramArgsContractTest (jvm/relay-job): the argument vectors Spec.ProgramArgs produces for a
// few specs and what RelayOptions parses each to. This test checks the Go half, the Java test
// the other, so a change on either side that the other does not follow fails one of them.
var contractGolden = filepath.Join("..", "..", "jvm", "relay-job", "src", "test", "resources", "program-args.golden.json")

// programArgsContract is the golden file's shape (the Java test reads the same fields).
type programArgsContract struct {
	// DedupWindow is the job's default and largest --dedup-window.
	DedupWindow struct {
		Default int `json:"default"`
		Max     int `json:"max"`
	} `json:"dedupWindow"`
	// EntryClasses maps each Job to its main class in the jar.
	EntryClasses map[Job]string `json:"entryClasses"`
	Cases        []struct {
		Name string   `json:"name"`
		Job  Job      `json:"job"`
		Args []string `json:"args"`
		// Parsed (RelayOptions' fields) or Refused (its error) is the Java half.
		Parsed  map[string]string `json:"parsed"`
		Refused string            `json:"refused"`
	} `json:"cases"`
}

// contractSpecs are the specs of the golden file's cases, by name.
func contractSpecs() map[string]Spec {
	base := Spec{Brokers: "localhost:9092", InTopic: "in", OutTopic: "out", DeadLetterTopic: "in-dead-letter"}
	zero, two := time.Duration(0), 2*time.Millisecond
	specs := map[string]Spec{"relay-defaults": base}

	s := base
	s.Guarantee, s.DedupWindow, s.TransactionTimeout, s.CheckpointInterval = ExactlyOnce, MaxDedupWindow, 2*time.Minute, time.Second
	s.CheckpointDir = "file:///var/streamscale/checkpoints"
	s.Restart = Restart{Strategy: RestartFixedDelay, Attempts: 3, Delay: 2 * time.Second}
	s.BufferTimeout, s.Linger = &zero, &two
	s.KafkaPropertiesFile = "/etc/streamscale/in.properties"
	specs["relay-exactly-once-dedup-at-limit"] = s

	s = base
	s.Guarantee, s.DedupWindow, s.Restart = None, 100, Restart{Strategy: RestartNone}
	specs["relay-none-dedup"] = s

	s = base
	s.DedupWindow = MaxDedupWindow + 1
	specs["relay-dedup-above-limit"] = s

	s = Spec{Job: JobComplex, Brokers: "ns-in.servicebus.windows.net:9093", OutputBrokers: "ns-out.servicebus.windows.net:9093",
		InTopic: "in", OutTopic: "out", DeadLetterTopic: "in-dead-letter", MaxRecordBytes: EventHubsMaxRecordBytes,
		KafkaPropertiesFile: "/etc/streamscale/in.properties", OutputKafkaPropertiesFile: "/etc/streamscale/out.properties"}
	specs["complex-event-hubs-two-namespaces"] = s
	return specs
}

func readContract(t *testing.T) programArgsContract {
	t.Helper()
	b, err := os.ReadFile(contractGolden)
	if err != nil {
		t.Fatalf("read the contract: %v", err)
	}
	var c programArgsContract
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatalf("parse %s: %v", contractGolden, err)
	}
	return c
}

func TestProgramArgsContract(t *testing.T) {
	c := readContract(t)
	specs := contractSpecs()
	if len(c.Cases) != len(specs) {
		t.Errorf("%s has %d cases, this test %d specs: give each case a spec here", contractGolden, len(c.Cases), len(specs))
	}
	for _, tc := range c.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			s, ok := specs[tc.Name]
			if !ok {
				t.Fatalf("no spec for case %q in contractSpecs", tc.Name)
			}
			if s.Job.OrDefault() != tc.Job.OrDefault() {
				t.Errorf("spec runs job %q, the case says %q", s.Job.OrDefault(), tc.Job.OrDefault())
			}
			if got := s.ProgramArgs(); !slices.Equal(got, tc.Args) {
				t.Errorf("ProgramArgs =\n  %q\nthe contract (what the job was checked to parse) has\n  %q", got, tc.Args)
			}
			if (tc.Parsed == nil) == (tc.Refused == "") {
				t.Errorf("case %q needs exactly one of parsed and refused", tc.Name)
			}
		})
	}
}

func TestProgramArgsContractDedupWindow(t *testing.T) {
	c := readContract(t)
	if MaxDedupWindow != c.DedupWindow.Max {
		t.Errorf("MaxDedupWindow = %d, the job's limit (contract) is %d", MaxDedupWindow, c.DedupWindow.Max)
	}
	// The CLI leaves --dedup-window out for a window of 0 (off): right only while the job's own
	// default is that same "off".
	s := Spec{Brokers: "b", InTopic: "in", OutTopic: "out", DeadLetterTopic: "d", DedupWindow: c.DedupWindow.Default}
	if slices.Contains(s.ProgramArgs(), "--dedup-window") {
		t.Errorf("the job's default --dedup-window is %d, yet a spec with that window passes the argument: the CLI's off (0) and the job's default differ", c.DedupWindow.Default)
	}
}

func TestProgramArgsContractEntryClasses(t *testing.T) {
	c := readContract(t)
	for _, j := range []Job{JobRelay, JobComplex} {
		if got := (Spec{Job: j}).MainClass(); got != c.EntryClasses[j] {
			t.Errorf("job %s: MainClass = %q, the jar's class (contract) is %q", j, got, c.EntryClasses[j])
		}
	}
	if len(c.EntryClasses) != 2 {
		t.Errorf("contract lists %d entry classes, want the relay's and the complex job's", len(c.EntryClasses))
	}
}
