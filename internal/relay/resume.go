package relay

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/streamscale/streamscale/internal/flink"
)

// LastSavepoint is the savepoint path that asks for the newest savepoint or retained
// checkpoint (--from-savepoint last).
const LastSavepoint = "last"

// Kinds are the jobs that run between two topics, in the order they are looked for.
var Kinds = []Job{JobRelay, JobComplex}

// ForTopics is the relay or complex job for the topics in->out that runs or is starting: the
// kind named (relay or complex), or with kind "" the one that runs (both running is a
// *UsageError that asks for --job).
func ForTopics(ctx context.Context, fc *flink.Client, in, out, kind string) (flink.JobSummary, Job, error) {
	kinds := Kinds
	if kind != "" {
		k, err := ParseJob(kind)
		if err != nil {
			return flink.JobSummary{}, "", &UsageError{fmt.Errorf("--job: %w", err)}
		}
		kinds = []Job{k}
	}
	var (
		found     flink.JobSummary
		foundKind Job
		names     []string
	)
	for _, k := range kinds {
		spec := Spec{Job: k, InTopic: in, OutTopic: out}
		names = append(names, fmt.Sprintf("%q", spec.JobName()))
		j, ok, err := Find(ctx, fc, spec)
		if err != nil {
			return flink.JobSummary{}, "", err
		}
		if !ok {
			continue
		}
		if foundKind != "" {
			return flink.JobSummary{}, "", &UsageError{fmt.Errorf("both the relay (%s) and the complex job (%s) run for these topics: pick one with --job", found.ID, j.ID)}
		}
		found, foundKind = j, k
	}
	if foundKind == "" {
		return flink.JobSummary{}, "", fmt.Errorf("no job named %s runs or is starting: give a job id (see `streamscale job list`)", strings.Join(names, " or "))
	}
	return found, foundKind, nil
}

// ByID is the job with id and its kind: its global job parameter `job`, else its name's.
func ByID(ctx context.Context, fc *flink.Client, id string) (flink.JobSummary, Job, error) {
	d, err := fc.Job(ctx, id)
	if err != nil {
		return flink.JobSummary{}, "", err
	}
	j := JobOfName(d.Name)
	if params, err := fc.JobUserConfig(ctx, d.ID); err == nil && params["job"] != "" {
		j = Job(params["job"])
	}
	return flink.JobSummary{ID: d.ID, Name: d.Name, State: d.State}, j, nil
}

// ResumeSources say where a job's resume points are: the records `job stop` wrote and,
// on the local stack, the job's checkpoint directory.
type ResumeSources struct {
	// RecordDir holds what `job stop` recorded (<home>/jobs).
	RecordDir string
	// LocalCheckpoints is a job's checkpoint directory on the local stack (nil: not local).
	LocalCheckpoints func(Spec) string
}

func (r ResumeSources) latest(ctx context.Context, fc *flink.Client, s Spec) (ResumePoint, bool, error) {
	localDir := ""
	if r.LocalCheckpoints != nil {
		localDir = r.LocalCheckpoints(s)
	}
	return LatestResumePoint(ctx, fc, s, r.RecordDir, localDir)
}

// NewestKind is the kind of job (relay or complex) whose resume point for the topics in->out
// is the newest; without any, the relay (for which ResolveSavepoint then says what to do).
func NewestKind(ctx context.Context, fc *flink.Client, in, out string, src ResumeSources) (Job, error) {
	var newest time.Time
	kind := JobRelay
	for _, k := range Kinds {
		p, ok, err := src.latest(ctx, fc, Spec{Job: k, InTopic: in, OutTopic: out})
		if err != nil {
			return "", err
		}
		if ok && p.Time.After(newest) {
			newest, kind = p.Time, k
		}
	}
	return kind, nil
}

// ResolveSavepoint turns a --from-savepoint value into the path s starts from: "" none,
// LastSavepoint the newest savepoint or retained checkpoint of s's job (said on progress),
// anything else as given unless `job stop` recorded it for the other job (a *UsageError).
func ResolveSavepoint(ctx context.Context, fc *flink.Client, s Spec, from string, src ResumeSources, progress io.Writer) (string, error) {
	if from != LastSavepoint {
		// A savepoint `job stop` recorded knows its job: the other job could not claim its state.
		if rec, ok, err := StoppedWith(src.RecordDir, from); err == nil && ok && rec.Kind() != s.Job.OrDefault() {
			return "", &UsageError{fmt.Errorf("--from-savepoint: %s is a savepoint of the %s job (%s): add --job %s", from, rec.Kind(), rec.JobName, rec.Kind())}
		}
		return from, nil
	}
	p, ok, err := src.latest(ctx, fc, s)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", errors.New("no savepoint or retained checkpoint of " + s.JobName() + " found: stop the relay with `streamscale job stop`, give a path to --from-savepoint, or start fresh with `streamscale job submit`")
	}
	fmt.Fprintf(progress, "resuming from the %s of job %s taken %s: %s\n", p.Kind, p.JobID, p.Time.UTC().Format(time.RFC3339), p.Path)
	return p.Path, nil
}

// LastStates are job j's last savepoint and last completed checkpoint (`job list`'s columns):
// Flink's statistics, else for the savepoint what `job stop` recorded in recordDir; "-" for
// none.
func LastStates(ctx context.Context, fc *flink.Client, recordDir string, j flink.JobSummary) (savepoint, checkpoint string) {
	savepoint, checkpoint = "-", "-"
	if st, err := fc.Checkpoints(ctx, j.ID); err == nil {
		if sp := st.Latest.Savepoint; sp != nil && sp.ExternalPath != "" {
			savepoint = sp.ExternalPath
		}
		if cp := st.Latest.Completed; cp != nil && !cp.IsSavepoint {
			checkpoint = fmt.Sprintf("#%d %s", cp.ID, cp.Time().UTC().Format(time.RFC3339))
			if !cp.Discarded && cp.ExternalPath != "" && cp.ExternalPath[0] != '<' {
				checkpoint += " " + cp.ExternalPath
			}
		}
	}
	if savepoint == "-" {
		if rec, ok, err := LoadStopped(recordDir, j.Name); err == nil && ok && rec.JobID == j.ID {
			savepoint = rec.Savepoint
		}
	}
	return savepoint, checkpoint
}
