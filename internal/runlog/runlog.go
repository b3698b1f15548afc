// Package runlog records what `streamscale run` did — the window of offsets it produced into
// and read from, the job it used and its results — in the state directory, so that a later
// `streamscale verify` (or report) without flags checks exactly that run.
package runlog

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// Window is a per-partition [start, end) offset range of one topic.
type Window struct {
	Topic string          `json:"topic"`
	Start map[int32]int64 `json:"start"`
	End   map[int32]int64 `json:"end"`
}

// Records is the number of records in the window.
func (w Window) Records() int64 {
	var n int64
	for p, end := range w.End {
		n += end - w.Start[p]
	}
	return n
}

// Run is one recorded run.
type Run struct {
	ID       string    `json:"id"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	Brokers  []string  `json:"brokers"`
	FlinkURL string    `json:"flinkUrl"`
	JobID    string    `json:"jobId"`
	// Job is which Flink job ran (relay or complex); absent in runs recorded before it was
	// (the relay).
	Job string `json:"job,omitempty"`
	// Guarantee is the relay's delivery guarantee (at-least-once, exactly-once or none),
	// DedupWindow its de-duplication window (0: off) and CheckpointIntervalMs its checkpoint
	// interval (0: no checkpoints); absent in runs recorded before they were.
	Guarantee            string `json:"guarantee,omitempty"`
	DedupWindow          int    `json:"dedupWindow,omitempty"`
	CheckpointIntervalMs int64  `json:"checkpointIntervalMs,omitempty"`
	In                   Window `json:"in"`
	Out                  Window `json:"out"`
	// DeadLetter is the window of the relay's dead-letter topic (input records that are not
	// JSON objects), absent when the topic could not be read.
	DeadLetter *Window         `json:"deadLetter,omitempty"`
	Generated  json.RawMessage `json:"generated,omitempty"`
	Verified   json.RawMessage `json:"verified,omitempty"`
	// Traffic is the broker's per-interval hub table sampled during the run
	// (a hubmetrics.Recording), absent when the broker serves no metrics.
	Traffic json.RawMessage `json:"traffic,omitempty"`
}

// NewID names a run by its start time, e.g. 20261125-031500.
func NewID(t time.Time) string { return t.UTC().Format("20060102-150405") }

// Dir is the run's results directory under the runs directory.
func Dir(runsDir, id string) string { return filepath.Join(runsDir, id) }

// Save writes run.json into the run's directory and points "last" at it.
func Save(runsDir string, r Run) error {
	dir := Dir(runsDir, r.ID)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create run directory: %w", err)
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encode run: %w", err)
	}
	if err := writeAtomic(filepath.Join(dir, "run.json"), append(b, '\n')); err != nil {
		return err
	}
	return writeAtomic(filepath.Join(runsDir, "last"), []byte(r.ID+"\n"))
}

// Last loads the most recent run, or an error that says how to get one.
func Last(runsDir string) (Run, error) {
	id, err := os.ReadFile(filepath.Join(runsDir, "last"))
	if errors.Is(err, fs.ErrNotExist) {
		return Run{}, fmt.Errorf("no recorded run in %s: run `streamscale run` first, or give --from-beginning", runsDir)
	}
	if err != nil {
		return Run{}, fmt.Errorf("read last run: %w", err)
	}
	return Load(runsDir, string(trimNewline(id)))
}

// List returns the ids of the recorded runs, oldest first (ids sort by start time).
func List(runsDir string) ([]string, error) {
	entries, err := os.ReadDir(runsDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	var ids []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if _, err := os.Stat(filepath.Join(runsDir, e.Name(), "run.json")); err == nil {
			ids = append(ids, e.Name())
		}
	}
	sort.Strings(ids)
	return ids, nil
}

// Load reads a run by id.
func Load(runsDir, id string) (Run, error) {
	b, err := os.ReadFile(filepath.Join(Dir(runsDir, id), "run.json"))
	if err != nil {
		return Run{}, fmt.Errorf("read run %s: %w", id, err)
	}
	var r Run
	if err := json.Unmarshal(b, &r); err != nil {
		return Run{}, fmt.Errorf("run %s: corrupt run.json: %w", id, err)
	}
	return r, nil
}

func writeAtomic(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func trimNewline(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}
