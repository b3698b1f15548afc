package cli

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/spf13/cobra"

	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/pipeline"
	"github.com/streamscale/streamscale/internal/relay"
)

// TestUsageOf: the domain's refusals become usage errors carrying their own message, whether
// returned as they are or wrapped; anything else stays as it is.
func TestUsageOf(t *testing.T) {
	plain := errors.New("broker down")
	for _, tt := range []struct {
		name      string
		err       error
		wantUsage bool
		wantMsg   string
	}{
		{"nil", nil, false, ""},
		{"plain", plain, false, "broker down"},
		{"relay", &relay.UsageError{Err: errors.New("--job: bad")}, true, "--job: bad"},
		{"kafkaconn", &kafkaconn.UsageError{Err: errors.New("--brokers: bad")}, true, "--brokers: bad"},
		{"pipeline", &pipeline.Refusal{Err: errors.New("--tier: bad")}, true, "--tier: bad"},
		{"wrapped refusal", fmt.Errorf("run: %w", &pipeline.Refusal{Err: errors.New("--partitions: bad")}), true, "--partitions: bad"},
		{"already a flag error", flagErrorf(errors.New("--x: bad")), true, "--x: bad"},
	} {
		got := usageOf(tt.err)
		var fe *FlagError
		if errors.As(got, &fe) != tt.wantUsage || (got == nil) != (tt.err == nil) || (got != nil && got.Error() != tt.wantMsg) {
			t.Errorf("%s: usageOf = %v (%T), want usage error %v with %q", tt.name, got, got, tt.wantUsage, tt.wantMsg)
		}
	}
}

// TestNewCommand: a test's runF gets the options instead of run; without one run does, and its
// refusal is a usage error.
func TestNewCommand(t *testing.T) {
	type opts struct{ n int }
	f, _, _ := testFactory()
	ran := 0
	run := func(context.Context, *Factory, *opts) error {
		ran++
		return &pipeline.Refusal{Err: errors.New("--n: no")}
	}
	var got *opts
	cmd := newCommand(f, &cobra.Command{Use: "x"}, &opts{n: 3}, func(_ context.Context, o *opts) error { got = o; return nil }, run)
	if err := execute(cmd); err != nil || got == nil || got.n != 3 || ran != 0 {
		t.Fatalf("with runF: err %v, options %+v, run ran %d times", err, got, ran)
	}
	err := execute(newCommand(f, &cobra.Command{Use: "x"}, &opts{}, nil, run))
	var fe *FlagError
	if !errors.As(err, &fe) || ran != 1 {
		t.Fatalf("without runF: err %v (%T), run ran %d times; want run's refusal as a usage error", err, err, ran)
	}
}
