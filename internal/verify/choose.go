package verify

import (
	"errors"
	"fmt"
	"time"
)

// Choice is what the verify command was asked to check: a time window (Timed), a recorded run
// (Run, or the last one when neither else is chosen) or the whole topics (FromBeginning), and
// the job that wrote the output ("": the recorded run's, else the relay).
type Choice struct {
	Timed, FromBeginning bool
	Run, Job             string
}

// Check refuses a choice of more than one window, an unknown job, and a time window for the
// complex job, whose tags carry no enqueuedAt to cut it by. Its errors name the flags.
func (c Choice) Check() error {
	if (c.Timed && (c.FromBeginning || c.Run != "")) || (c.FromBeginning && c.Run != "") {
		return errors.New("--from/--to, --run and --from-beginning each choose the window: give one")
	}
	if c.Job == "" {
		return nil
	}
	if c.Job != JobRelay && c.Job != JobComplex {
		return fmt.Errorf("--job: unknown job %q: use relay or complex", c.Job)
	}
	if c.Job == JobComplex && c.Timed {
		return errors.New("--job complex: the tags carry no enqueuedAt to cut a time window by; verify a recorded run (the default, or --run) or --from-beginning")
	}
	return nil
}

// TimeWindow is the window that reconciles the input of inputTopic appended in [from, to) with
// its output, read up to grace past to. A zero or future to is now; the output's end is at
// most now, and late says it was cut there (events still in the pipeline count as missing).
// Its errors name the flags.
func TimeWindow(inputTopic string, from, to time.Time, grace time.Duration, now time.Time) (w Window, late bool, err error) {
	if from.IsZero() {
		return Window{}, false, errors.New("--to needs --from")
	}
	if to.IsZero() || to.After(now) {
		to = now
	}
	if !to.After(from) {
		return Window{}, false, fmt.Errorf("--to %s is not after --from %s", to.UTC().Format(time.RFC3339), from.UTC().Format(time.RFC3339))
	}
	outEnd := to.Add(grace)
	if outEnd.After(now) {
		outEnd, late = now, true
	}
	return Window{InputTopic: inputTopic, From: from, To: to, OutTo: outEnd}, late, nil
}
