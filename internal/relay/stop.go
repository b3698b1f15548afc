package relay

import (
	"context"
	"fmt"

	"github.com/streamscale/streamscale/internal/flink"
)

// ToStop is the job id names, else the relay or complex job for the topics in and out that
// runs or is starting (kind, when not "", says which), with its kind.
func ToStop(ctx context.Context, fc *flink.Client, in, out, kind, id string) (flink.JobSummary, Job, error) {
	if id != "" {
		return ByID(ctx, fc, id)
	}
	return ForTopics(ctx, fc, in, out, kind)
}

// DefaultSavepointDir is where a stop's savepoint goes when none is named: localDir (as a
// file URI) when the Flink is the local stack's (localDir not ""), else "" (the cluster's own)
// when the cluster has one. A cluster without one is a *UsageError: the directory is required.
func DefaultSavepointDir(ctx context.Context, fc *flink.Client, localDir string) (string, error) {
	if localDir != "" {
		return "file://" + localDir, nil
	}
	conf, err := fc.ClusterConfig(ctx)
	if err != nil {
		return "", err
	}
	if flink.SavepointDir(conf) == "" {
		return "", &UsageError{fmt.Errorf("--savepoint-dir is required: the Flink cluster at %s has no execution.checkpointing.savepoint-dir", fc.URL())}
	}
	return "", nil
}
