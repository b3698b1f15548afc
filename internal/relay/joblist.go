package relay

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/streamscale/streamscale/internal/flink"
)

// ListedJob is a job of the cluster with its last savepoint and checkpoint (LastStates).
type ListedJob struct {
	flink.JobSummary
	LastSavepoint, LastCheckpoint string
}

// JobList is `job list`: the cluster's jobs.
type JobList []ListedJob

// List is the cluster's jobs with their last savepoint and checkpoint, those `job stop`
// recorded in recordDir included.
func List(ctx context.Context, fc *flink.Client, recordDir string) (JobList, error) {
	jobs, err := fc.Jobs(ctx)
	if err != nil {
		return nil, err
	}
	l := make(JobList, 0, len(jobs))
	for _, j := range jobs {
		sp, cp := LastStates(ctx, fc, recordDir, j)
		l = append(l, ListedJob{JobSummary: j, LastSavepoint: sp, LastCheckpoint: cp})
	}
	return l, nil
}

// WriteText writes the list as a table, one job a line.
func (l JobList) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "JOB ID\tSTATE\tNAME\tLAST SAVEPOINT\tLAST CHECKPOINT")
	for _, j := range l {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", j.ID, j.State, j.Name, j.LastSavepoint, j.LastCheckpoint)
	}
	return tw.Flush()
}
