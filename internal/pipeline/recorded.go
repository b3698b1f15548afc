package pipeline

import (
	"github.com/streamscale/streamscale/internal/runlog"
	"github.com/streamscale/streamscale/internal/verify"
)

// VerifyRecorded sets cfg to verify the run id recorded under runsDir ("": the last one), as
// RecordedWindow does, with the run's job when cfg names none, and returns the run.
func VerifyRecorded(runsDir, id string, cfg *verify.Config) (runlog.Run, error) {
	var (
		r   runlog.Run
		err error
	)
	if id != "" {
		r, err = runlog.Load(runsDir, id)
	} else {
		r, err = runlog.Last(runsDir)
	}
	if err != nil {
		return runlog.Run{}, err
	}
	RecordedWindow(cfg, r)
	if cfg.Job == "" {
		cfg.Job = r.Job // a run recorded before runs recorded their job: the relay
	}
	return r, nil
}
