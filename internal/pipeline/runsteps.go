package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/generate"
	"github.com/streamscale/streamscale/internal/hubmetrics"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/relay"
	"github.com/streamscale/streamscale/internal/runlog"
)

// prepare sizes and prepares the target for the job, checks that the job can run on it as
// asked, and builds the producer options this Kafka accepts.
func prepare(ctx context.Context, t Target, cfg Config, progress io.Writer) (Endpoints, relay.Spec, []kgo.Opt, error) {
	draft := cfg.Job(kafkaconn.Conn{}, cfg.Topics.Partitions)
	need := Need{Parallelism: draft.Parallelism, Rate: cfg.Load.Rate * float64(max(cfg.Load.Instances, 1))}
	if need.Parallelism <= 0 {
		need.Parallelism = int(cfg.Topics.Partitions)
	}
	ep, err := t.Prepare(ctx, need, progress)
	if err != nil {
		return Endpoints{}, relay.Spec{}, nil, fmt.Errorf("prepare target: %w", err)
	}
	// Before any topic is made: the job must be able to run on the target as asked.
	spec := t.JobSpec(cfg.Job(ep.Kafka, cfg.Topics.Partitions))
	if err := check(ep, spec); err != nil {
		return Endpoints{}, relay.Spec{}, nil, err
	}
	var popts []kgo.Opt
	if cfg.Producer != nil {
		if popts, err = cfg.Producer(ep.Kafka); err != nil {
			return Endpoints{}, relay.Spec{}, nil, &Refusal{err} // a producer setting this Kafka refuses
		}
	}
	return ep, spec, popts, nil
}

// startJob makes the topics and the job, then calls cfg.OnJob; the returned function ends
// what OnJob started (a no-op without OnJob).
func startJob(ctx context.Context, t Target, cfg Config, ep Endpoints, spec relay.Spec, progress io.Writer) (relay.Result, func(), error) {
	if err := t.EnsureTopics(ctx, cfg.Topics.Specs()); err != nil {
		return relay.Result{}, nil, fmt.Errorf("topics: %w", err)
	}
	job, err := t.EnsureJob(ctx, spec, progress)
	if err != nil {
		return relay.Result{}, nil, fmt.Errorf("job: %w", err)
	}
	stop := func() {}
	if cfg.OnJob != nil {
		if stop, err = cfg.OnJob(ctx, ep, spec, job.JobID); err != nil {
			return relay.Result{}, nil, err
		}
	}
	return job, stop, nil
}

// startRecord begins the run's record: its job, and where the input, output and dead-letter
// windows start.
func startRecord(ctx context.Context, k *kafkaClients, topics Topics, ep Endpoints, spec relay.Spec, job relay.Result, started time.Time) (runlog.Run, error) {
	rec := runlog.Run{ID: runlog.NewID(started), Started: started, Brokers: ep.Kafka.Brokers, FlinkURL: ep.FlinkURL, JobID: job.JobID}
	rec.Job, rec.Guarantee, rec.DedupWindow = string(spec.Job.OrDefault()), string(spec.Guarantee), spec.DedupWindow
	if spec.Guarantee != relay.None {
		rec.CheckpointIntervalMs = spec.CheckpointInterval.Milliseconds()
	}
	var err error
	if rec.In, err = windowStart(ctx, k.inAdm, topics.In); err != nil {
		return runlog.Run{}, fmt.Errorf("input window: %w", err)
	}
	if rec.Out, err = windowStart(ctx, k.outAdm, topics.Out); err != nil {
		return runlog.Run{}, fmt.Errorf("output window: %w", err)
	}
	// The relay writes its dead letters beside its output (on Azure: namespace #2).
	if dl, err := windowStart(ctx, k.outAdm, topics.DeadLetter); err == nil {
		rec.DeadLetter = &dl // counted, so that nothing the relay sets aside goes unseen
	}
	return rec, nil
}

// runLoad starts the load and waits for it: it returns the generator's summary and the load's
// own error (genErr), or err when the load started or reported nothing (traffic is stopped
// then).
func runLoad(ctx context.Context, t Target, cfg Config, popts []kgo.Opt, traffic Traffic, progress io.Writer) (gen *generate.Summary, genErr, err error) {
	fmt.Fprintf(progress, "generating %.0f events/s into %q\n", cfg.Load.Rate, cfg.Topics.In)
	load, err := t.StartLoad(ctx, LoadSpec{Config: cfg.Load, ProducerOpts: popts}, progress)
	if err != nil {
		stopTraffic(ctx, traffic, progress)
		return nil, nil, fmt.Errorf("load: %w", err)
	}
	gen, genErr = load.Wait(ctx)
	if gen == nil || (genErr != nil && gen.Acked == 0) {
		stopTraffic(ctx, traffic, progress)
		if genErr == nil {
			genErr = errors.New("the load reported nothing")
		}
		return nil, nil, fmt.Errorf("load: %w", genErr)
	}
	return gen, genErr, nil
}

// verifyAndRecord drains the output, verifies it against the generator's summary gen, stops
// the traffic sampling and records the run in cfg.RunsDir.
func verifyAndRecord(ctx context.Context, k *kafkaClients, rec *runlog.Run, cfg Config, gen *generate.Summary, genErr error, traffic Traffic, progress io.Writer) (*Result, error) {
	res, err := drain(ctx, k, rec, cfg.DrainIdle, progress)
	if err != nil {
		stopTraffic(ctx, traffic, progress)
		return nil, fmt.Errorf("verify: %w", err)
	}
	if rec.DeadLetter != nil {
		if rec.DeadLetter.End, err = kafkaconn.EndOffsets(context.WithoutCancel(ctx), k.outAdm, rec.DeadLetter.Topic); err != nil {
			rec.DeadLetter = nil
		}
	}
	out := &Result{Generated: *gen, LoadErr: genErr, Dir: runlog.Dir(cfg.RunsDir, rec.ID)}
	if rows := stopTraffic(ctx, traffic, progress); rows != nil {
		out.Traffic = &hubmetrics.Recording{Interval: hubmetrics.Duration(cfg.TrafficInterval), ThroughputUnits: cfg.ThroughputUnits, Rows: rows}
	}
	// The generator's own count backs up the reconciliation: an event it sent that is in
	// neither window is missing too. Set before anything records or prints the result.
	res.Missing = missingOf(*gen, res)
	out.Verified, out.Failures = res, res.Check(cfg.Checks)
	rec.Finished = time.Now()
	rec.Generated, _ = json.Marshal(gen)
	rec.Verified, _ = json.Marshal(res)
	if out.Traffic != nil {
		rec.Traffic, _ = json.Marshal(out.Traffic)
	}
	out.Run = *rec
	if err := record(cfg.RunsDir, out); err != nil {
		return nil, fmt.Errorf("record run: %w", err)
	}
	return out, nil
}
