package relay

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/streamscale/streamscale/internal/flink"
	"github.com/streamscale/streamscale/internal/kafkaconn"
)

// UsageError is a refusal of what the user asked for (a flag's value, a choice left open);
// the CLI shows it as a usage error.
type UsageError struct{ Err error }

// Error implements error.
func (e *UsageError) Error() string { return e.Err.Error() }

// Unwrap returns the refusal itself.
func (e *UsageError) Unwrap() error { return e.Err }

// Submission is one `job submit` or `job resume`: the job's options, where it runs and what it
// starts from.
type Submission struct {
	Options Options
	Topics  Topics
	// Kafka is the connection the CLI uses; the job's brokers default to it.
	Kafka kafkaconn.Conn
	// Flink makes the cluster's REST client, once the topics are checked.
	Flink func() (*flink.Client, error)
	// Complete completes the spec for the cluster (the local stack's: pipeline.OnLocalFlink);
	// nil: as it is.
	Complete func(Spec) Spec
	// Savepoint returns the savepoint or checkpoint the job starts from ("": none).
	Savepoint func(context.Context, *flink.Client, Spec) (string, error)
	// Progress receives what Ensure says (nil: discarded).
	Progress io.Writer
}

// Submit checks the options, the connection and the three topics, then ensures the job runs
// (Ensure), started from what s.Savepoint returns. Option errors are *UsageError.
func Submit(ctx context.Context, s Submission) (Result, error) {
	if err := s.Options.Validate(); err != nil {
		return Result{}, &UsageError{err}
	}
	if err := s.Options.CheckTarget(s.Kafka); err != nil {
		return Result{}, &UsageError{err}
	}
	complete := s.Complete
	if complete == nil {
		complete = func(sp Spec) Spec { return sp }
	}
	if err := complete(s.Options.Spec(s.Kafka, s.Topics, 0)).CheckConnection(); err != nil {
		return Result{}, err
	}
	partitions, err := CheckTopics(ctx, s.Kafka, s.Topics)
	if err != nil {
		return Result{}, err
	}
	fc, err := s.Flink()
	if err != nil {
		return Result{}, err
	}
	spec := complete(s.Options.Spec(s.Kafka, s.Topics, partitions))
	if s.Savepoint != nil {
		if spec.SavepointPath, err = s.Savepoint(ctx, fc, spec); err != nil {
			return Result{}, err
		}
	}
	return Ensure(ctx, fc, spec, s.Progress)
}

// CheckTopics checks that the job's three topics exist and returns the input topic's partition
// count. A missing output or dead-letter topic would not stop the job from starting, but send
// it into a restart loop at its first record.
func CheckTopics(ctx context.Context, conn kafkaconn.Conn, t Topics) (int32, error) {
	cl, err := conn.NewClient()
	if err != nil {
		return 0, err
	}
	defer cl.Close()
	names := []string{t.In, t.Out, t.DeadLetter}
	details, err := kadm.NewClient(cl).ListTopics(ctx, names...)
	if err != nil {
		return 0, fmt.Errorf("look up topics %s: %w", quoteAll(names), err)
	}
	var missing []string
	for _, n := range names {
		d, ok := details[n]
		switch {
		case !ok || errors.Is(d.Err, kerr.UnknownTopicOrPartition):
			if !slices.Contains(missing, n) {
				missing = append(missing, n)
			}
		case d.Err != nil:
			return 0, fmt.Errorf("look up topic %q: %w", n, d.Err)
		}
	}
	create := "streamscale topics create"
	if t.In != "in" {
		create += " --in-topic " + t.In
	}
	if t.Out != "out" {
		create += " --out-topic " + t.Out
	}
	if t.DeadLetter != t.In+"-dead-letter" {
		create += " --dead-letter-topic " + t.DeadLetter
	}
	switch len(missing) {
	case 0:
		return int32(len(details[t.In].Partitions)), nil
	case 1:
		return 0, fmt.Errorf("topic %s not found: create it first with `%s`", quoteAll(missing), create)
	default:
		return 0, fmt.Errorf("topics %s not found: create them first with `%s`", quoteAll(missing), create)
	}
}

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}
