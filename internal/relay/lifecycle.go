package relay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/streamscale/streamscale/internal/flink"
)

// Stopped records a relay job stopped with a savepoint, in <home>/jobs/<file>.json, so that
// `job resume` and `job submit --from-savepoint last` find where it stopped.
type Stopped struct {
	JobName string `json:"jobName"`
	JobID   string `json:"jobId"`
	// Job is the kind of job stopped (relay or complex); absent in records written before it
	// was (the relay). Its savepoint holds that job's state: only that job resumes from it.
	Job       Job       `json:"job,omitempty"`
	Savepoint string    `json:"savepoint"`
	Time      time.Time `json:"time"`
}

// JobOfName is the kind of job a streamscale job name says (Spec.JobName): complex for
// "streamscale-complex …", else the relay.
func JobOfName(name string) Job {
	if strings.HasPrefix(name, namePrefix(JobComplex)) {
		return JobComplex
	}
	return JobRelay
}

// StoppedWith finds the record under dir whose savepoint is path; ok is false when none is.
func StoppedWith(dir, path string) (rec Stopped, ok bool, err error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return Stopped{}, false, fmt.Errorf("list savepoint records: %w", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		var r Stopped
		if json.Unmarshal(b, &r) == nil && r.Savepoint != "" && strings.TrimSuffix(r.Savepoint, "/") == strings.TrimSuffix(path, "/") {
			return r, true, nil
		}
	}
	return Stopped{}, false, nil
}

// Kind is the kind of job the record's savepoint belongs to (the relay for old records
// without one, unless its job name says otherwise).
func (r Stopped) Kind() Job {
	if r.Job != "" {
		return r.Job
	}
	return JobOfName(r.JobName)
}

// RecordFile is the file that records the relay named jobName under dir (<home>/jobs): the
// name with every character other than [A-Za-z0-9._-] replaced by '_'.
func RecordFile(dir, jobName string) string {
	safe := strings.Map(func(r rune) rune {
		if r < 128 && (r == '.' || r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return r
		}
		return '_'
	}, jobName)
	return filepath.Join(dir, safe+".json")
}

// SaveStopped writes rec to its record file under dir (atomically: a crash leaves the old one).
func SaveStopped(dir string, rec Stopped) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("record savepoint: %w", err)
	}
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return fmt.Errorf("record savepoint: %w", err)
	}
	path := RecordFile(dir, rec.JobName)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("record savepoint: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("record savepoint: %w", err)
	}
	return nil
}

// LoadStopped reads the record of the relay named jobName; ok is false when there is none.
func LoadStopped(dir, jobName string) (rec Stopped, ok bool, err error) {
	b, err := os.ReadFile(RecordFile(dir, jobName))
	if errors.Is(err, fs.ErrNotExist) {
		return Stopped{}, false, nil
	}
	if err != nil {
		return Stopped{}, false, fmt.Errorf("read savepoint record: %w", err)
	}
	if err := json.Unmarshal(b, &rec); err != nil {
		return Stopped{}, false, fmt.Errorf("read savepoint record %s: %w", RecordFile(dir, jobName), err)
	}
	return rec, true, nil
}

// ResumePoint is a savepoint or retained checkpoint a relay can start from.
type ResumePoint struct {
	Path string
	Time time.Time
	// Kind is "savepoint" or "checkpoint".
	Kind string
	// JobID is the job that wrote it.
	JobID string
}

// LatestResumePoint picks where the relay for s resumes: the newest of the savepoint recorded
// by `job stop` (in recordDir), the savepoints and retained checkpoints that Flink still
// lists for ended jobs of s.JobName(), and the checkpoints under localCheckpoints (a local
// directory of <job id>/chk-<n>/_metadata, "" for none), which outlive the JobManager. ok is
// false when there is none.
func LatestResumePoint(ctx context.Context, c *flink.Client, s Spec, recordDir, localCheckpoints string) (ResumePoint, bool, error) {
	var points []ResumePoint
	rec, ok, err := LoadStopped(recordDir, s.JobName())
	if err != nil {
		return ResumePoint{}, false, err
	}
	if ok && rec.Savepoint != "" {
		points = append(points, ResumePoint{Path: rec.Savepoint, Time: rec.Time, Kind: "savepoint", JobID: rec.JobID})
	}
	jobs, err := c.Jobs(ctx)
	if err != nil {
		return ResumePoint{}, false, fmt.Errorf("list Flink jobs: %w", err)
	}
	for _, j := range jobs {
		if j.Name != s.JobName() || !j.State.IsTerminal() {
			continue
		}
		st, err := c.Checkpoints(ctx, j.ID)
		if err != nil {
			continue // an ended job whose statistics are gone has nothing to offer
		}
		points = append(points, fromStats(j.ID, st)...)
	}
	if localCheckpoints != "" {
		points = append(points, scanCheckpoints(localCheckpoints)...)
	}
	if len(points) == 0 {
		return ResumePoint{}, false, nil
	}
	sort.SliceStable(points, func(i, k int) bool { return points[i].Time.After(points[k].Time) })
	return points[0], true, nil
}

// fromStats are the resumable points of a job's checkpoint statistics: its latest savepoint and
// its latest completed checkpoint when that was retained (externalized and not discarded).
func fromStats(jobID string, st flink.CheckpointStats) []ResumePoint {
	var out []ResumePoint
	if sp := st.Latest.Savepoint; sp != nil && retained(sp) {
		out = append(out, ResumePoint{Path: sp.ExternalPath, Time: sp.Time(), Kind: "savepoint", JobID: jobID})
	}
	if cp := st.Latest.Completed; cp != nil && retained(cp) {
		kind := "checkpoint"
		if cp.IsSavepoint {
			kind = "savepoint"
		}
		out = append(out, ResumePoint{Path: cp.ExternalPath, Time: cp.Time(), Kind: kind, JobID: jobID})
	}
	return out
}

// retained reports whether a completed checkpoint is on storage for a job to start from.
func retained(cp *flink.CompletedCheckpoint) bool {
	return !cp.Discarded && cp.ExternalPath != "" && !strings.HasPrefix(cp.ExternalPath, "<")
}

// scanCheckpoints lists the complete checkpoints under dir (<job id>/chk-<n>/_metadata; a
// checkpoint without _metadata was not completed), timed by their _metadata file.
func scanCheckpoints(dir string) []ResumePoint {
	metas, _ := filepath.Glob(filepath.Join(dir, "*", "chk-*", "_metadata"))
	var out []ResumePoint
	for _, m := range metas {
		fi, err := os.Stat(m)
		if err != nil {
			continue
		}
		chk := filepath.Dir(m)
		out = append(out, ResumePoint{Path: "file://" + chk, Time: fi.ModTime(), Kind: "checkpoint", JobID: filepath.Base(filepath.Dir(chk))})
	}
	return out
}
