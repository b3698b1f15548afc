package aztarget

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/streamscale/streamscale/internal/azure/flinkmetrics"
	"github.com/streamscale/streamscale/internal/hubmetrics"
)

// FlinkRows are the job's Flink metrics per minute from managed Prometheus at endpoint, or
// (endpoint "") from the Azure Monitor workspace `up` made; it returns the endpoint it read
// ("" and no rows when the workspace has none).
func (e Existing) FlinkRows(ctx context.Context, endpoint string, from, to time.Time) (string, []flinkmetrics.Row, error) {
	if endpoint == "" {
		var err error
		if endpoint, err = e.WorkspaceQueryEndpoint(ctx); err != nil || endpoint == "" {
			return "", nil, err
		}
	}
	cred, err := e.Clients.Credential()
	if err != nil {
		return "", nil, err
	}
	pc := &flinkmetrics.Client{Endpoint: endpoint, Credential: cred}
	rows, err := pc.Rows(ctx, from, to)
	if err != nil {
		return "", nil, fmt.Errorf("flink metrics: %w", err)
	}
	return endpoint, rows, nil
}

// Report is `azure report`'s content: the hubs' table and, when asked for, the job's Flink
// metrics.
type Report struct {
	Hubs hubmetrics.Recording
	// Flink holds the Flink metrics when WithFlink.
	Flink     []flinkmetrics.Row
	WithFlink bool
	// Units is the MAX VALUE line's throughput units (0: none).
	Units int
}

// Write prints the report in format f: JSON (the hubs alone, or with the Flink rows, their
// missing values dropped), the hubs' CSV, or the hubs' table followed by the Flink table.
func (r Report) Write(w io.Writer, f hubmetrics.RowFormat) error {
	switch f {
	case hubmetrics.FormatJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if !r.WithFlink {
			return enc.Encode(r.Hubs)
		}
		return enc.Encode(struct {
			Hubs  hubmetrics.Recording `json:"hubs"`
			Flink []flinkmetrics.Row   `json:"flink"`
		}{r.Hubs, flinkmetrics.WithoutNaN(r.Flink)})
	case hubmetrics.FormatCSV:
		return hubmetrics.WriteCSV(w, r.Hubs.Rows)
	}
	if err := hubmetrics.WriteTable(w, r.Hubs.Rows, hubmetrics.Capacity{ThroughputUnits: r.Units}); err != nil {
		return err
	}
	if !r.WithFlink {
		return nil
	}
	fmt.Fprintln(w, "\nthe job's Flink metrics (managed Prometheus, per minute):")
	return flinkmetrics.WriteTable(w, r.Flink)
}
