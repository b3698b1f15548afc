package bench

import (
	"context"
	"fmt"
	"io"

	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/pipeline"
	"github.com/streamscale/streamscale/internal/relay"
)

// FailoverRun is a `bench failover` as its flags give it: the benchmark, its settings by
// preset name, the relay's options (each kill's job is built from them) and a file that also
// gets the result.
type FailoverRun struct {
	FailoverConfig
	// Preset names the settings (FailoverPreset): tuned or baseline.
	Preset string
	// Options are the relay's options; Check builds FailoverConfig.Job from them.
	Options relay.Options
	// JSONFile, when set, also gets the result as JSON once a kill was measured.
	JSONFile string
}

// Check checks the relay's options, resolves the preset, builds the job and validates the
// benchmark, before anything starts; its errors name the command's flags.
func (r *FailoverRun) Check() error {
	if err := r.Options.Validate(); err != nil {
		return err
	}
	var err error
	if r.Settings, err = FailoverPreset(r.Preset); err != nil {
		return fmt.Errorf("--settings: %w", err)
	}
	if err := r.Validate(); err != nil {
		return err
	}
	o := r.Options
	r.Job = func(conn kafkaconn.Conn, t pipeline.Topics) relay.Spec {
		return o.Spec(conn, relay.Topics{In: t.In, Out: t.Out, DeadLetter: t.DeadLetter}, t.Partitions)
	}
	return nil
}

// Run is Failover, with the result also written to JSONFile.
func (r FailoverRun) Run(ctx context.Context, progress io.Writer) (FailoverResult, error) {
	res, err := Failover(ctx, r.FailoverConfig, progress)
	if r.JSONFile != "" && len(res.Kills) > 0 {
		if werr := res.WriteJSONFile(r.JSONFile); werr != nil && err == nil {
			err = werr
		}
	}
	return res, err
}
