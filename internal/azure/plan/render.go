package plan

import (
	"fmt"
	"io"
)

// Write prints the plan as `azure up --dry-run` shows it: a header with the tier's sizes,
// then one numbered block per step. Nothing in it is secret.
func (p *Plan) Write(w io.Writer) error {
	c, t := p.Config, p.Tier
	sub := c.Subscription
	if sub == "" {
		sub = "(from --subscription or " + EnvSubscription + " when not a dry run)"
	}
	unit := "TU"
	if c.SKU == Premium {
		unit = "PU"
	}
	ew := NewErrWriter(w)
	ew.Printf("streamscale azure up: plan for tier %d (%d events/s)\n", t.Number, t.EventsPerSecond())
	ew.Printf("  subscription    %s\n", sub)
	ew.Printf("  resource group  %s in %s\n", c.ResourceGroup, c.Location)
	ew.Printf("  event hubs      2 namespaces, %s, %d %s each; hubs %s and %s with %d partitions\n",
		c.SKU.AzureName(), p.Capacity, unit, HubIn, HubOut, t.Partitions)
	ew.Printf("  flink           parallelism %d, Kubernetes HA, upgradeMode savepoint, guarantee %s\n", t.Parallelism, c.Guarantee)
	ew.Printf("  aks             %d × %s, managed Prometheus\n", t.NodeCount, t.NodeVMSize)
	ew.Printf("  generators      %d on Container Instances\n", t.Generators)
	ew.Printf("  flink ui        not exposed (ClusterIP; `streamscale azure ui` port-forwards)\n")
	ew.Printf("\n")
	if err := ew.Err(); err != nil {
		return err
	}
	return WriteSteps(w, p.Steps)
}

// WriteSteps prints steps as a dry run shows them: one numbered block per step, its details
// indented below its kind and name.
func WriteSteps(w io.Writer, steps []Step) error {
	ew := NewErrWriter(w)
	for i, s := range steps {
		ew.Printf("%2d. %-20s %s\n", i+1, s.Kind, s.Name)
		for _, d := range s.Details {
			ew.Printf("    %-20s %s\n", "", d)
		}
	}
	return ew.Err()
}

// ErrWriter prints formatted text and keeps the first write error, so a writer of many
// lines checks once, at the end. Every plan renderer (this package's and hdinsight's) uses it.
type ErrWriter struct {
	w   io.Writer
	err error
}

// NewErrWriter returns an ErrWriter printing to w.
func NewErrWriter(w io.Writer) *ErrWriter { return &ErrWriter{w: w} }

// Printf prints as fmt.Fprintf does, unless an earlier write failed; then it does nothing.
func (e *ErrWriter) Printf(format string, a ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, a...)
	}
}

// Err returns the first write error, or nil.
func (e *ErrWriter) Err() error { return e.err }
