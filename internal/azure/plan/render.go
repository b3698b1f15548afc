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
		sub = "(from --subscription or AZURE_SUBSCRIPTION_ID when not a dry run)"
	}
	unit := "TU"
	if c.SKU == Premium {
		unit = "PU"
	}
	ew := &errWriter{w: w}
	ew.printf("streamscale azure up: plan for tier %d (%d events/s)\n", t.Number, t.EventsPerSecond())
	ew.printf("  subscription    %s\n", sub)
	ew.printf("  resource group  %s in %s\n", c.ResourceGroup, c.Location)
	ew.printf("  event hubs      2 namespaces, %s, %d %s each; hubs %s and %s with %d partitions\n",
		c.SKU.AzureName(), p.Capacity, unit, HubIn, HubOut, t.Partitions)
	ew.printf("  flink           parallelism %d, Kubernetes HA, upgradeMode savepoint, guarantee %s\n", t.Parallelism, c.Guarantee)
	ew.printf("  aks             %d × %s, managed Prometheus\n", t.NodeCount, t.NodeVMSize)
	ew.printf("  generators      %d on Container Instances\n", t.Generators)
	ew.printf("  flink ui        not exposed (ClusterIP; `streamscale azure ui` port-forwards)\n")
	ew.printf("\n")
	if ew.err != nil {
		return ew.err
	}
	return WriteSteps(w, p.Steps)
}

// WriteSteps prints steps as a dry run shows them: one numbered block per step, its details
// indented below its kind and name.
func WriteSteps(w io.Writer, steps []Step) error {
	ew := &errWriter{w: w}
	for i, s := range steps {
		ew.printf("%2d. %-20s %s\n", i+1, s.Kind, s.Name)
		for _, d := range s.Details {
			ew.printf("    %-20s %s\n", "", d)
		}
	}
	return ew.err
}

// errWriter keeps the first write error, so Write checks once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, a ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, a...)
	}
}
