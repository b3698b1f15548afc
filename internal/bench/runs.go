package bench

import (
	"fmt"

	"github.com/streamscale/streamscale/internal/htmlreport"
	"github.com/streamscale/streamscale/internal/relay"
)

// CompareRun is a `bench compare` as its flags give it: the comparison, our relay's options,
// Kafka's perf tools, the Go relay's test-only loss and where the page goes.
type CompareRun struct {
	CompareConfig
	// Options are our relay's options (NewTarget makes its spec).
	Options relay.Options
	// Tools are Kafka's perf tools (the broker ceiling) and the runtime the local stack starts from.
	Tools Tools
	// GoRelayDropEvery > 0 makes the Go relay drop every n-th record, so that a test sees the
	// comparison report a loss; never for a measurement.
	GoRelayDropEvery int64
	// HTML and PNG, when set, get the result as a page with charts and that page rendered.
	HTML, PNG string
}

// Check checks the flags before anything starts (a PNG that cannot be rendered is known before
// the minutes of measuring); its errors name them.
func (r CompareRun) Check(getenv func(string) string) error {
	if err := r.Validate(); err != nil {
		return err
	}
	if err := r.Options.Validate(); err != nil {
		return err
	}
	if r.GoRelayDropEvery < 0 {
		return fmt.Errorf("--test-only-go-relay-drop-every: %d must not be negative", r.GoRelayDropEvery)
	}
	return checkPNG(getenv, r.PNG)
}

// SoakRun is a `bench soak` as its flags give it: the soak, the sample's tier whose rate and
// partitions apply unless given, the relay's options and where the report goes.
type SoakRun struct {
	SoakConfig
	// Tier is the sample's tier, 1, 5 or 10 (ApplyTier); RateGiven and PartitionsGiven say
	// --rate and --partitions were given.
	Tier                       int
	RateGiven, PartitionsGiven bool
	// Options are the relay's options (NewTarget makes its spec).
	Options relay.Options
	// Tools hold the runtime the local stack starts from.
	Tools Tools
	// ReportDir gets soak.json and soak.html ("": <home>/soaks/<UTC time>); PNG, when set, the
	// page rendered.
	ReportDir, PNG string
}

// Check checks the relay's options, fills in the tier's rate and partitions, validates the
// soak and finds a browser for PNG, before anything starts; its errors name the flags.
func (r *SoakRun) Check(getenv func(string) string) error {
	if err := r.Options.Validate(); err != nil {
		return err
	}
	if err := r.ApplyTier(r.Tier, r.RateGiven, r.PartitionsGiven); err != nil {
		return err
	}
	return checkPNG(getenv, r.PNG)
}

// checkPNG finds the browser a --png needs (htmlreport.FindBrowser through getenv).
func checkPNG(getenv func(string) string, png string) error {
	if png == "" {
		return nil
	}
	if _, err := htmlreport.FindBrowser(getenv); err != nil {
		return fmt.Errorf("--png: %w", err)
	}
	return nil
}
