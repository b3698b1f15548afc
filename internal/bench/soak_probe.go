package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/streamscale/streamscale/internal/flink"
)

// The TaskManager metrics the soak reads from Flink's REST API
// (GET /taskmanagers/<id>/metrics?get=...). Flink 2.2.1's MetricUtils (flink-runtime, read in
// the jar) registers Status.JVM.Memory.Heap.Used/Committed/Max from
// MemoryMXBean.getHeapMemoryUsage (the heap now, garbage included) and, per collector and for
// All of them, GarbageCollector.<name>.Count, .Time and .TimeMsPerSecond; no memory pool's
// usage after a collection. So heap after GC is approximated by the low point of Heap.Used.
const (
	metricHeapUsed = "Status.JVM.Memory.Heap.Used"
	metricGCCount  = "Status.JVM.GarbageCollector.All.Count"
	metricGCTime   = "Status.JVM.GarbageCollector.All.Time"
)

// gcReading is a TaskManager's collectors' counters since it started.
type gcReading struct{ count, timeMs int64 }

// gcDelta is the collections between two readings of the TaskManagers (by id): a TaskManager
// in cur only (new, or restarted with a new id) or whose counters went down counts from 0.
func gcDelta(prev, cur map[string]gcReading) gcReading {
	var d gcReading
	for id, c := range cur {
		p, ok := prev[id]
		if !ok || c.count < p.count || c.timeMs < p.timeMs {
			p = gcReading{}
		}
		d.count += c.count - p.count
		d.timeMs += c.timeMs - p.timeMs
	}
	return d
}

// heapLow is the lowest heap reading over a span and how many readings there were.
type heapLow struct {
	low     int64
	samples int
}

// add takes a reading.
func (h *heapLow) add(v int64) {
	if h.samples == 0 || v < h.low {
		h.low = v
	}
	h.samples++
}

// probe reads the local stack's TaskManagers (Flink REST metrics, /proc) and brokers' log
// directories.
type probe struct {
	flink  *flink.Client
	home   string
	topics []string
	http   *http.Client

	mu   sync.Mutex
	heap heapLow
}

func newProbe(fc *flink.Client, home string, topics []string) *probe {
	return &probe{flink: fc, home: home, topics: topics, http: &http.Client{Timeout: 10 * time.Second}}
}

// pollHeap reads the TaskManagers' heap every interval until ctx ends.
func (p *probe) pollHeap(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if v, ok := p.heapUsed(ctx); ok {
			p.mu.Lock()
			p.heap.add(v)
			p.mu.Unlock()
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// takeHeap returns the heap's low since the last take and starts a new span.
func (p *probe) takeHeap() heapLow {
	p.mu.Lock()
	defer p.mu.Unlock()
	h := p.heap
	p.heap = heapLow{}
	return h
}

// heapUsed is the TaskManagers' Heap.Used together; false when any could not be read.
func (p *probe) heapUsed(ctx context.Context) (int64, bool) {
	byTM, err := p.taskManagerMetrics(ctx, metricHeapUsed)
	if err != nil || len(byTM) == 0 {
		return 0, false
	}
	var sum int64
	for _, m := range byTM {
		v, ok := m[metricHeapUsed]
		if !ok {
			return 0, false
		}
		sum += v
	}
	return sum, true
}

// gcCounters reads every TaskManager's collectors' counters (none on failure).
func (p *probe) gcCounters(ctx context.Context) map[string]gcReading {
	byTM, err := p.taskManagerMetrics(ctx, metricGCCount, metricGCTime)
	if err != nil {
		return nil
	}
	out := make(map[string]gcReading, len(byTM))
	for id, m := range byTM {
		out[id] = gcReading{count: m[metricGCCount], timeMs: m[metricGCTime]}
	}
	return out
}

// taskManagerMetrics reads the named metrics of every registered TaskManager, by its id.
func (p *probe) taskManagerMetrics(ctx context.Context, names ...string) (map[string]map[string]int64, error) {
	tms, err := p.flink.TaskManagers(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]map[string]int64, len(tms))
	for _, tm := range tms {
		u := strings.TrimSuffix(p.flink.URL(), "/") + "/taskmanagers/" + url.PathEscape(tm.ID) + "/metrics?get=" + url.QueryEscape(strings.Join(names, ","))
		m, err := p.getMetrics(ctx, u)
		if err != nil {
			return nil, err
		}
		out[tm.ID] = m
	}
	return out, nil
}

// getMetrics reads one metrics response: [{"id": name, "value": "123"}, ...].
func (p *probe) getMetrics(ctx context.Context, u string) (map[string]int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := p.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return parseMetrics(resp.Body)
}

// parseMetrics decodes a Flink metrics response; values are numbers in strings.
func parseMetrics(r io.Reader) (map[string]int64, error) {
	var items []struct {
		ID    string `json:"id"`
		Value string `json:"value"`
	}
	if err := json.NewDecoder(r).Decode(&items); err != nil {
		return nil, fmt.Errorf("flink metrics: %w", err)
	}
	out := make(map[string]int64, len(items))
	for _, it := range items {
		v, err := strconv.ParseFloat(it.Value, 64)
		if err != nil {
			continue
		}
		out[it.ID] = int64(v)
	}
	return out, nil
}

// taskManagerRSS is the TaskManagers' resident memory together (0 when unknown).
func (p *probe) taskManagerRSS(ctx context.Context) int64 {
	_, flinkPIDs := LocalProcesses(ctx, p.home)
	if flinkPIDs == nil {
		return 0
	}
	_, tms := flinkPIDs(ctx)
	return procGroup(tms).sample().RSSBytes
}

// logBytes is the disk the topics' partition directories take under the brokers' log
// directories (<home>/kafka*).
func (p *probe) logBytes() int64 {
	roots, _ := filepath.Glob(filepath.Join(p.home, "kafka*"))
	var total int64
	for _, root := range roots {
		total += topicDirBytes(root, p.topics)
	}
	return total
}

// topicDirBytes adds up the disk blocks of the files in root's partition directories of the
// topics (<topic>-<partition>, at any depth).
func topicDirBytes(root string, topics []string) int64 {
	quoted := make([]string, len(topics))
	for i, t := range topics {
		quoted[i] = regexp.QuoteMeta(t)
	}
	partDir := regexp.MustCompile(`^(` + strings.Join(quoted, "|") + `)-[0-9]+$`)
	var total int64
	_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !partDir.MatchString(filepath.Base(filepath.Dir(path))) {
			return nil
		}
		info, err := os.Lstat(path)
		if err != nil {
			return nil
		}
		total += diskBytes(info)
		return nil
	})
	return total
}
