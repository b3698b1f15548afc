package verify

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// inEvent is an input event of device dev at t0 + secs.
func inEvent(dev, id, typ string, value float64, secs int) string {
	at := time.Date(2026, 1, 1, 0, 0, secs, 0, time.UTC).Format(time.RFC3339Nano)
	return fmt.Sprintf(`{"eventId":%q,"deviceId":%q,"type":%q,"value":%v,"createdAt":%q}`, id, dev, typ, value, at)
}

// tagOut is a tag record as the complex job writes it.
func tagOut(dev, tag, trigger string) string {
	now := time.Now().UTC().Format("2006-01-02T15:04:05.000Z")
	return fmt.Sprintf(`{"deviceId":%q,"processedAt":%q,"triggerEventCreatedAt":"2026-01-01T00:00:00Z","triggerEventId":%q,"tag":%q}`, dev, now, trigger, tag)
}

// TestRun_Kfake_Tags: the complex job's output reconciled with the tags the input window
// makes, the devices' state rebuilt from the input before the window.
func TestRun_Kfake_Tags(t *testing.T) {
	in := []string{
		inEvent("d", "a", "TEMP", 75, 0), // before the window: state only
		inEvent("d", "b", "TEMP", 71, 1),
		inEvent("d", "c", "TEMP", 1, 2),
		`not an event`,
		inEvent("e", "x", "CO2", 99, 3),
	}
	tests := []struct {
		name                                     string
		out                                      []string
		missing, unexpected, duplicated, records int
		byKind                                   map[string]int
		failures                                 []string
	}{
		{
			name: "exact, with a tag from before the window",
			out:  []string{tagOut("d", "FirstTagForThisKey", "a"), tagOut("d", "2RecordsForThisKey", "b"), tagOut("d", "SeveralTemperaturesIn70s", "b"), tagOut("d", "3RecordsForThisKey", "c"), tagOut("e", "FirstTagForThisKey", "x")},
			// d's FirstTagForThisKey (trigger a, before the window) is left out of the counts.
			records: 5, byKind: map[string]int{"FirstTagForThisKey": 1, "<n>RecordsForThisKey": 2, "SeveralTemperaturesIn70s": 1},
		},
		{
			name:    "one missing, one unexpected, one twice",
			out:     []string{tagOut("d", "2RecordsForThisKey", "b"), tagOut("d", "SeveralTemperaturesIn70s", "b"), tagOut("d", "SeveralTemperaturesIn70s", "b"), tagOut("d", "SeveralTemperaturesIn70s", "c"), tagOut("e", "FirstTagForThisKey", "x")},
			missing: 1, unexpected: 1, duplicated: 1, records: 5, byKind: map[string]int{"FirstTagForThisKey": 1, "<n>RecordsForThisKey": 1, "SeveralTemperaturesIn70s": 3},
			failures: []string{"missing tags", "unexpected tags"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl := kfakeTopics(t, map[string][]string{"in": in, "out": tt.out})
			cfg := DefaultConfig()
			cfg.Job, cfg.Bounds, cfg.Drain = JobComplex, map[int32]OffsetRange{0: {Start: 0}}, true
			cfg.InputTopic, cfg.InputBounds = "in", map[int32]OffsetRange{0: {Start: 1, End: 5}}
			cfg.IdleTimeout = time.Second
			res, err := Run(context.Background(), cl, cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			tr := res.Tags
			if tr == nil || tr.Missing != tt.missing || tr.Unexpected != tt.unexpected || tr.Duplicated != tt.duplicated || int(res.Records) != tt.records ||
				res.Missing != int64(tt.missing) || res.Unexpected != int64(tt.unexpected) || res.Duplicates != int64(tt.duplicated) {
				t.Fatalf("result = %+v, tags %+v", res, tr)
			}
			if tr.Expected != 4 || tr.StateRecords != 1 || res.InputRecords != 4 || res.InputNotEvents != 1 || tr.PendingOpen != 2 {
				t.Fatalf("expected %d tags from %d input records (%d not events), %d state records, %d pending open", tr.Expected, res.InputRecords, res.InputNotEvents, tr.StateRecords, tr.PendingOpen)
			}
			for k, n := range tt.byKind {
				if tr.ByKind[k] != n {
					t.Errorf("byKind = %v, want %v", tr.ByKind, tt.byKind)
				}
			}
			if res.LatencyMs.Pipeline.Count == 0 || res.LatencyMs.InJob.Count == 0 {
				t.Errorf("no tag latency: %+v", res.LatencyMs)
			}
			checks := DefaultChecks()
			checks.AllowCreateTime = true // kfake stamps records as the producer does
			fails := res.Check(checks)
			if len(fails) != len(tt.failures) {
				t.Fatalf("failures %v, want %v", fails, tt.failures)
			}
			for i, f := range fails {
				if f.Check[:len(tt.failures[i])] != tt.failures[i] {
					t.Errorf("failure %q, want %q", f.Check, tt.failures[i])
				}
			}
			var text bytes.Buffer
			if err := res.WriteText(&text); err != nil || !strings.Contains(text.String(), "SeveralTemperaturesIn70s") {
				t.Errorf("text %q, %v", text.String(), err)
			}
		})
	}
}

// TestRun_Kfake_TagsNeedAnInputWindow: the tags are recomputed from an input window; a time
// window, which filters by enqueuedAt that tags do not carry, is refused.
func TestRun_Kfake_TagsNeedAnInputWindow(t *testing.T) {
	cl := kfakeTopics(t, map[string][]string{"in": nil, "out": nil})
	cfg := DefaultConfig()
	cfg.Job = JobComplex
	if _, err := Run(context.Background(), cl, cfg, nil); err == nil || !strings.Contains(err.Error(), "InputBounds") {
		t.Fatalf("err = %v", err)
	}
	cfg.InputTopic, cfg.InputBounds, cfg.EnqueuedFrom = "in", map[int32]OffsetRange{0: {}}, time.Now()
	if _, err := Run(context.Background(), cl, cfg, nil); err == nil || !strings.Contains(err.Error(), "recorded run") {
		t.Fatalf("err = %v", err)
	}
	cfg.Job = "cep"
	if _, err := Run(context.Background(), cl, cfg, nil); err == nil || !strings.Contains(err.Error(), `job "cep"`) {
		t.Fatalf("err = %v", err)
	}
}

func TestWriteTagRows(t *testing.T) {
	var b bytes.Buffer
	Result{}.WriteTagRows(&b)
	if b.Len() != 0 {
		t.Fatalf("relay rows: %q", b.String())
	}
	Result{Tags: &TagResult{Expected: 7, Missing: 1, PendingWritten: 2, PendingOpen: 3, ByKind: map[string]int{"FirstTagForThisKey": 4}}}.WriteTagRows(&b)
	for _, want := range []string{"tags expected                     7", "missing tags                      1", "NoNews pending                  2/5", "  FirstTagForThisKey                          4", "  HighCO2WithSeveralTemperaturesIn70s         0"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("rows lack %q:\n%s", want, b.String())
		}
	}
}

// TestRun_Kfake_TagsOfOneDevicePrefix: a benchmark step reconciles its own devices' tags; an
// earlier step's late tag is left out, not unexpected; an expected tag that never comes is
// awaited.
func TestRun_Kfake_TagsOfOneDevicePrefix(t *testing.T) {
	in := []string{inEvent("s1/x", "x", "CO2", 1, 0), inEvent("s2/d", "a", "CO2", 1, 1), inEvent("s2/d", "b", "CO2", 1, 2)}
	out := []string{tagOut("s1/x", "NoNewsForAtLeast45000ms", "x"), tagOut("s2/d", "FirstTagForThisKey", "a")}
	cl := kfakeTopics(t, map[string][]string{"in": in, "out": out})
	cfg := DefaultConfig()
	cfg.Job, cfg.Bounds, cfg.Drain, cfg.DevicePrefix = JobComplex, map[int32]OffsetRange{0: {Start: 0}}, true, "s2/"
	cfg.InputTopic, cfg.InputBounds, cfg.StateStart = "in", map[int32]OffsetRange{0: {Start: 1, End: 3}}, map[int32]int64{0: 1}
	cfg.IdleTimeout = time.Second
	res, err := Run(context.Background(), cl, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.OutsideWindow != 1 || res.Records != 1 || res.Unexpected != 0 || res.Missing != 1 || res.Awaited[-1] != 1 || res.Tags.StateRecords != 0 {
		t.Fatalf("result = %+v, tags %+v", res, res.Tags)
	}
}
