package pipeline

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/streamscale/streamscale/internal/hubmetrics"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/verify"
)

// VerifyRequest is what `verify` is asked to check: a time window (From, To), the whole topics
// (FromBeginning) or a recorded run (Run; neither of the others: the last run), on Conn.
type VerifyRequest struct {
	Conn *Connection
	// InputConn, when set, is the input topic's cluster, another than the output's (`azure
	// verify`: Event Hubs namespace #1); nil: the same cluster.
	InputConn *kafkaconn.Conn
	// Run is the recorded run's id; FromBeginning reads the whole output topic instead.
	Run           string
	FromBeginning bool
	// Job is the job that wrote the output ("": the recorded run's, else the relay).
	Job string
	// From and To bound the time window, as RFC 3339 or a duration ago (hubmetrics.ParseWhen);
	// its input is InputTopic's, its output may arrive up to Grace after To.
	From, To   string
	InputTopic string
	Grace      time.Duration
	// Progress gets what is verified.
	Progress io.Writer
}

// Verify reads the window r chooses and reconciles it (verify.RunOn) under cfg, after saying
// on r.Progress what it verifies. A request that cannot work is a *Refusal naming the flag.
func Verify(ctx context.Context, r VerifyRequest, cfg verify.Config) (verify.Result, error) {
	timed := r.From != "" || r.To != ""
	if err := (verify.Choice{Timed: timed, FromBeginning: r.FromBeginning, Run: r.Run, Job: r.Job}).Check(); err != nil {
		return verify.Result{}, &Refusal{err}
	}
	cfg.Job = r.Job
	var (
		conn kafkaconn.Conn
		err  error
	)
	if timed || r.FromBeginning {
		if conn, err = r.Conn.KafkaConn(); err != nil {
			return verify.Result{}, err
		}
	}
	switch {
	case timed:
		err = r.timeWindow(ctx, conn, &cfg, time.Now())
	case r.FromBeginning && cfg.Job == verify.JobComplex:
		err = r.wholeTopicsWindow(ctx, conn, &cfg)
	case !r.FromBeginning:
		conn, err = r.recordedWindow(&cfg)
	}
	if err != nil {
		return verify.Result{}, err
	}
	return verify.RunOn(ctx, conn, r.InputConn, cfg, r.Progress)
}

// recordedWindow sets cfg to the recorded run's window and returns the connection to read it:
// the output is read from the run's start as far as its events go (not only to the end the run
// recorded), so a run recorded before its last events came out verifies later.
func (r VerifyRequest) recordedWindow(cfg *verify.Config) (kafkaconn.Conn, error) {
	run, err := VerifyRecorded(local.RunsDir(r.Conn.Home), r.Run, cfg)
	if err != nil {
		return kafkaconn.Conn{}, err
	}
	// The run's own brokers, unless the user named others; TLS/SASL flags apply either way.
	conn, err := r.Conn.KafkaConnOr(run.Brokers)
	if err != nil {
		return kafkaconn.Conn{}, err
	}
	what := "the events"
	if cfg.Job == verify.JobComplex {
		what = "the complex job's tags recomputed from"
	}
	fmt.Fprintf(r.Progress, "verifying run %s: %s its input window (%d records of %q) in %q from the run's start, read_committed\n",
		run.ID, what, run.In.Records(), run.In.Topic, run.Out.Topic)
	return conn, nil
}

// wholeTopicsWindow sets cfg to reconcile the complex job's tags for the whole input topic
// with the whole output topic (verify.WindowFor).
func (r VerifyRequest) wholeTopicsWindow(ctx context.Context, conn kafkaconn.Conn, cfg *verify.Config) error {
	n, err := verify.WindowFor(ctx, conn, r.InputConn, verify.Window{InputTopic: r.InputTopic}, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(r.Progress, "verifying the complex job's tags in %q against the whole of %q (%d records), read_committed\n", cfg.Topic, r.InputTopic, n)
	return nil
}

// timeWindow sets cfg to reconcile the input appended in [From, To) with its output: the
// input's offsets come from the broker's timestamps (LogAppendTime), the output is read from
// From to To + Grace and filtered by enqueuedAt (verify.WindowFor).
func (r VerifyRequest) timeWindow(ctx context.Context, conn kafkaconn.Conn, cfg *verify.Config, now time.Time) error {
	from, err := hubmetrics.ParseWhen(r.From, now)
	if err != nil {
		return &Refusal{fmt.Errorf("--from: %w", err)}
	}
	to, err := hubmetrics.ParseWhen(r.To, now)
	if err != nil {
		return &Refusal{fmt.Errorf("--to: %w", err)}
	}
	w, late, err := verify.TimeWindow(r.InputTopic, from, to, r.Grace, now)
	if err != nil {
		return &Refusal{err}
	}
	if _, err := verify.WindowFor(ctx, conn, r.InputConn, w, cfg); err != nil {
		return err
	}
	if late {
		fmt.Fprintf(r.Progress, "note: the window ends less than --grace (%s) ago; events still in the pipeline will count as missing\n", r.Grace)
	}
	fmt.Fprintf(r.Progress, "verifying %q appended %s – %s against %q up to %s\n", r.InputTopic,
		w.From.UTC().Format(time.RFC3339), w.To.UTC().Format(time.RFC3339), cfg.Topic, w.OutTo.UTC().Format(time.RFC3339))
	return nil
}
