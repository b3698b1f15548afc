package pipeline

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/runlog"
	"github.com/streamscale/streamscale/internal/verify"
)

// kafkaClients are the run's clients: admin and verifier for the input and the output side
// (one client each where both topics live on one cluster).
type kafkaClients struct {
	inAdm, outAdm *kadm.Client
	ep            Endpoints
	closers       []*kgo.Client
}

func openKafka(ep Endpoints) (*kafkaClients, error) {
	k := &kafkaClients{ep: ep}
	in, err := ep.Kafka.NewClient()
	if err != nil {
		return nil, err
	}
	k.closers = append(k.closers, in)
	k.inAdm, k.outAdm = kadm.NewClient(in), kadm.NewClient(in)
	if len(ep.KafkaOut.Brokers) > 0 {
		out, err := ep.KafkaOut.NewClient()
		if err != nil {
			k.close()
			return nil, err
		}
		k.closers = append(k.closers, out)
		k.outAdm = kadm.NewClient(out)
	}
	return k, nil
}

func (k *kafkaClients) close() {
	for _, c := range k.closers {
		c.Close()
	}
}

func windowStart(ctx context.Context, adm *kadm.Client, topic string) (runlog.Window, error) {
	start, err := kafkaconn.EndOffsets(ctx, adm, topic)
	if err != nil {
		return runlog.Window{}, err
	}
	return runlog.Window{Topic: topic, Start: start}, nil
}

// drain reads the output from the run's start until every event of the input window has come
// out, or until idle passes without one more arriving, and verifies what it read against the
// input window. (Waiting for as many output records as input records stopped too early: after
// a failure, at-least-once replays reach that count before the last events arrive.) It sets
// rec.Out.End past every record read, so a later `verify --run` starts from the same window.
func drain(ctx context.Context, k *kafkaClients, rec *runlog.Run, idle time.Duration, progress io.Writer) (verify.Result, error) {
	vcfg := verify.DefaultConfig()
	RecordedWindow(&vcfg, *rec)
	vcfg.Job = rec.Job // the complex job's output is tags, reconciled against the recomputed ones
	vcfg.IdleTimeout = idle
	out, err := k.ep.Out().NewClient(verify.ClientOpts()...)
	if err != nil {
		return verify.Result{}, err
	}
	defer out.Close()
	if len(k.ep.KafkaOut.Brokers) > 0 {
		in, err := k.ep.Kafka.NewClient(verify.ClientOpts()...)
		if err != nil {
			return verify.Result{}, err
		}
		defer in.Close()
		vcfg.InputClient = in
	}
	res, err := verify.Run(ctx, out, vcfg, progress)
	if err != nil {
		return verify.Result{}, fmt.Errorf("verify %q: %w", vcfg.Topic, err)
	}
	rec.Out.End = make(map[int32]int64, len(res.OutputWindow))
	for p, w := range res.OutputWindow {
		rec.Out.End[p] = w.End
	}
	return res, nil
}

// RecordedWindow sets cfg to verify a recorded run: the events of its input window, read in
// the output from the run's start as far as they go (not only to the end the run recorded, so
// a run recorded before its last events came out verifies later).
func RecordedWindow(cfg *verify.Config, r runlog.Run) {
	starts := make(map[int32]verify.OffsetRange, len(r.Out.Start))
	for p, start := range r.Out.Start {
		starts[p] = verify.OffsetRange{Start: start}
	}
	bounds := make(map[int32]verify.OffsetRange, len(r.In.End))
	for p, end := range r.In.End {
		bounds[p] = verify.OffsetRange{Start: r.In.Start[p], End: end}
	}
	cfg.Topic, cfg.Bounds, cfg.SequencesStartAtZero = r.Out.Topic, starts, true
	cfg.InputTopic, cfg.InputBounds, cfg.Drain = r.In.Topic, bounds, true
}
