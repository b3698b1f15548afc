//go:build integration

package integration

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/streamscale/streamscale/internal/tags"
)

// TestIntegrationTagsDifferential runs random device sequences through the complex job's tag
// operator (TagEvents with DeviceTags, in Flink's keyed operator test harness, driven by the
// test class TagsReplay that `make build` puts in build/tags-replay) and through internal/tags,
// which is written from the sample separately, and wants the same tags: the tags events make
// (name, trigger, and the input event whose processing wrote them) exactly, each as often;
// every NoNews tag internal/tags says must come, and none it says cannot.
//
// The sequences: 80 devices on 2 partitions, TEMP, CO2 and other readings with values at and
// near the thresholds 70 and 80, copies of an event right after it, a few events later and
// after it left the 10-event buffer, events late by up to 200 s, quiet gaps around the 45 s
// NoNews deadline, and the job's watermark (the minimum over the partitions of their latest
// createdAt − 60 s − 1 ms) passed on at random points. Seed 1, or STREAMSCALE_TAGS_SEED.
// It needs java and `make build`, and fails (never skips) without them. Cost: one JVM, about
// 3 s of CPU (measured 2.8 s; 4 s wall on a quiet machine, 13–35 s with load average 25 on 2 cores).
func TestIntegrationTagsDifferential(t *testing.T) {
	replay := tagsReplayCommand(t)
	seed := uint64(1)
	if s := os.Getenv("STREAMSCALE_TAGS_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("STREAMSCALE_TAGS_SEED=%q: want a number", s)
		}
	}
	c := newTagCorpus(seed, 80, 6000)
	file := filepath.Join(t.TempDir(), "corpus.txt")
	if err := os.WriteFile(file, c.text.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, replay[0], append(replay[1:], file)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("TagsReplay: %v\n%s", err, stderr.String())
	}
	t.Logf("seed %d: %d events (%d copies, %d late), %d watermarks; TagsReplay took %s", seed, c.events, c.copies, c.late, c.watermarks, time.Since(start).Round(time.Millisecond))

	// The Java side: each tag's key, count and the input line that wrote it first.
	type written struct{ count, line int }
	javaTags := map[tags.Key]*written{}
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		lineText, value, ok := strings.Cut(sc.Text(), " ")
		line, err := strconv.Atoi(lineText)
		var tr struct{ DeviceID, ProcessedAt, TriggerEventCreatedAt, TriggerEventID, Tag string }
		if !ok || err != nil || json.Unmarshal([]byte(value), &tr) != nil {
			t.Fatalf("TagsReplay printed %q, want \"<line> <tag record>\"", sc.Text())
		}
		if tr.ProcessedAt != "2027-01-15T08:00:00.000Z" || tr.TriggerEventCreatedAt != c.createdAt[tr.TriggerEventID] || !strings.HasPrefix(tr.TriggerEventID, tr.DeviceID+"/") {
			t.Errorf("tag record %s: want processedAt the harness clock, triggerEventCreatedAt %q (the trigger's createdAt)", value, c.createdAt[tr.TriggerEventID])
		}
		k := tags.Key{DeviceID: tr.DeviceID, Tag: tr.Tag, TriggerEventID: tr.TriggerEventID}
		if w := javaTags[k]; w != nil {
			w.count++
		} else {
			javaTags[k] = &written{1, line}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}

	// The Go side.
	x := tags.NewExpecter()
	x.Partitions(0, 1)
	for _, r := range c.records {
		x.Add(r)
	}
	exp := x.Expected()

	var diffs []string
	diff := func(format string, args ...any) { diffs = append(diffs, fmt.Sprintf(format, args...)) }
	byKind := map[string]int{}
	pendingWritten := 0
	for k, w := range javaTags {
		byKind[tags.TagName(k.Tag)] += w.count
		want := 1 + exp.Repeats[k]
		switch {
		case k.Tag == tags.NoNews && exp.Pending[k] && !exp.Must[k]:
			pendingWritten++
			if w.count > want {
				diff("%s written %d times, internal/tags allows %d", k, w.count, want)
			}
		case !exp.Must[k]:
			diff("%s written (first at line %d), internal/tags does not expect it", k, w.line)
		case k.Tag == tags.NoNews:
			if w.count > want {
				diff("%s written %d times, internal/tags allows %d", k, w.count, want)
			}
		case w.count != want:
			diff("%s written %d times, internal/tags expects %d", k, w.count, want)
		case int64(w.line) != exp.EnqueuedAt[k]-1:
			diff("%s written at line %d, internal/tags expects it at line %d", k, w.line, exp.EnqueuedAt[k]-1)
		}
	}
	for k := range exp.Must {
		if javaTags[k] == nil {
			diff("%s not written, internal/tags expects it (at line %d)", k, exp.EnqueuedAt[k]-1)
		}
	}
	t.Logf("tags written by kind %v; %d NoNews pending, %d of them written; %d keys written again by the rules", byKind, len(exp.Pending), pendingWritten, len(exp.Repeats))
	if len(diffs) > 0 {
		if len(diffs) > 10 {
			diffs = append(diffs[:10], fmt.Sprintf("… %d more", len(diffs)-10))
		}
		t.Fatalf("the job's DeviceTags and internal/tags disagree (seed %d; corpus lines are 0-based):\n%s", seed, strings.Join(diffs, "\n"))
	}
	// The corpus must reach every rule, or agreeing proves little.
	for _, kind := range []string{tags.First, "<n>" + tags.RecordsSuffix, tags.SeveralTemperatures, tags.HighCO2, tags.NoNews} {
		if byKind[kind] == 0 {
			t.Errorf("no %s tag in the corpus of seed %d", kind, seed)
		}
	}
	if len(exp.Pending) == 0 || pendingWritten == 0 || pendingWritten == len(exp.Pending) || len(exp.Repeats) == 0 {
		t.Errorf("seed %d: %d NoNews pending (%d written), %d repeated keys: want some of each, and pending ones both written and not", seed, len(exp.Pending), pendingWritten, len(exp.Repeats))
	}
}

// tagsReplayCommand is the java command line of TagsReplay from `make build`'s output.
func tagsReplayCommand(t *testing.T) []string {
	t.Helper()
	build := buildDir(t)
	java, err := exec.LookPath("java")
	if err != nil {
		t.Fatalf("no java on PATH for the job side of the differential test: install a JDK 17+ (%v)", err)
	}
	dir := filepath.Join(build, "tags-replay")
	testJars, _ := filepath.Glob(filepath.Join(dir, "relay-job-*-tests.jar"))
	cp, err := os.ReadFile(filepath.Join(dir, "classpath.txt"))
	if len(testJars) != 1 || err != nil {
		t.Fatalf("%s has no relay-job test jar and classpath.txt (%v): run `make build`", dir, err)
	}
	return []string{java, "-Xmx256m", "-cp", strings.Join([]string{testJars[0], filepath.Join(build, "jobs", "relay-job.jar"), strings.TrimSpace(string(cp))}, string(os.PathListSeparator)), "io.streamscale.tags.TagsReplay"}
}

// tagCorpus is a random input for the differential test: the corpus for TagsReplay and the
// same records for internal/tags.
type tagCorpus struct {
	text    bytes.Buffer
	records []tags.Record
	// createdAt is each eventId's createdAt as written.
	createdAt                        map[string]string
	events, copies, late, watermarks int
}

// newTagCorpus draws n events of devices devices from seed.
func newTagCorpus(seed uint64, devices, n int) *tagCorpus {
	rng := rand.New(rand.NewPCG(seed, 0x7a65))
	c := &tagCorpus{createdAt: map[string]string{}}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	clock := t0
	type sent struct{ value []byte }
	history := make([][]sent, devices)
	quietAfter := make([]int, devices) // the device sends nothing after this step
	weight := make([]int, devices)
	for d := range devices {
		quietAfter[d] = n
		if rng.IntN(4) == 0 {
			quietAfter[d] = rng.IntN(n)
		}
		weight[d] = 1 + rng.IntN(6) // some devices send far more often than others
	}
	offsets := map[int32]int64{}
	maxSeen := map[int32]int64{}
	thresholds := []float64{69.99, 70, 70.5, 75, 79.99, 80, 80.01, 85, 95, 5}
	for step := 0; step < n; step++ {
		clock += int64(rng.IntN(1500))
		if rng.IntN(200) == 0 {
			clock += 40_000 + int64(rng.IntN(30_000)) // a quiet spell around the NoNews deadline
		}
		d := rng.IntN(devices)
		for w := rng.IntN(7); weight[d] < w || step > quietAfter[d]; w = rng.IntN(7) {
			d = rng.IntN(devices)
		}
		device := fmt.Sprintf("dev-%d", d)
		p := int32(d % 2)
		var value []byte
		h := history[d]
		switch r := rng.IntN(100); {
		case len(h) > 0 && r < 5: // a copy right after its original
			value = h[len(h)-1].value
		case len(h) > 0 && r < 8: // a copy of one of the last few
			value = h[max(0, len(h)-1-rng.IntN(5))].value
		case len(h) > 12 && r < 10: // a copy of one that left the buffer
			value = h[rng.IntN(len(h)-11)].value
		}
		if value != nil {
			c.copies++
		} else {
			typ := []string{"TEMP", "CO2", "TEMP", "CO2", "HUM"}[rng.IntN(5)]
			v := thresholds[rng.IntN(len(thresholds))]
			if rng.IntN(5) < 2 {
				v = float64(rng.IntN(10_000)) / 100
			}
			at := clock
			if rng.IntN(40) == 0 {
				at -= 100_000 + int64(rng.IntN(100_000)) // late beyond the watermark
				c.late++
			}
			id := fmt.Sprintf("%s/%d", device, len(h))
			created := time.UnixMicro(at*1000 + int64(rng.IntN(1000))).UTC().Format("2006-01-02T15:04:05.000000Z")
			c.createdAt[id] = created
			value = fmt.Appendf(nil, `{"eventId":%q,"value":%v,"deviceId":%q,"type":%q,"createdAt":%q}`, id, v, device, typ, created)
			history[d] = append(h, sent{value})
		}
		fmt.Fprintf(&c.text, "event %s\n", value)
		c.records = append(c.records, tags.Record{Partition: p, Offset: offsets[p], Value: value, EnqueuedAt: int64(c.events + c.watermarks + 1)})
		offsets[p]++
		c.events++
		var e struct{ CreatedAt string }
		_ = json.Unmarshal(value, &e)
		if ts, err := time.Parse(time.RFC3339Nano, e.CreatedAt); err == nil && ts.UnixMilli() > maxSeen[p] {
			maxSeen[p] = ts.UnixMilli()
		}
		if len(maxSeen) == 2 && (rng.IntN(3) == 0 || step == n-1) {
			fmt.Fprintf(&c.text, "watermark %d\n", min(maxSeen[0], maxSeen[1])-60_000-1)
			c.watermarks++
		}
	}
	return c
}
