// Package flinkmetrics reads the job's Flink metrics (the relay's or the complex job's) from an Azure Monitor workspace's
// Prometheus query endpoint (managed Prometheus scrapes the Flink pods' reporter through the
// PodMonitor `azure up` applies): records in, out and dead-lettered per second, the last
// checkpoint's duration and size, backpressure and restarts, one row per minute. It is the
// Flink half of `azure report`, the modern form of the sample's Application Insights
// reporter.
package flinkmetrics

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// Scope is the token scope of an Azure Monitor workspace's query endpoint.
const Scope = "https://prometheus.monitor.azure.com/.default"

// Series is one column of the table: a PromQL query over the Flink reporter's metrics (their
// names are those of the local stack's endpoints, README "Metrics endpoints").
type Series struct {
	Name   string
	PromQL string
}

// Columns are the table's columns, in order. Records in and out hold for either job: the
// relay counts relayedRecords (in and out) and deadLetteredRecords; the complex job counts
// parsedEvents and deadLetteredRecords in, emittedTags out.
var Columns = []Series{
	{"records in/s", `sum(rate({__name__=~"flink_taskmanager_job_task_operator_(relayedRecords|parsedEvents|deadLetteredRecords)"}[1m]))`},
	{"records out/s", `sum(rate({__name__=~"flink_taskmanager_job_task_operator_(relayedRecords|emittedTags)"}[1m]))`},
	{"dead-lettered/s", `sum(rate(flink_taskmanager_job_task_operator_deadLetteredRecords[1m]))`},
	{"checkpoint ms", `max(flink_jobmanager_job_lastCheckpointDuration)`},
	{"checkpoint bytes", `max(flink_jobmanager_job_lastCheckpointSize)`},
	{"backpressured ms/s", `max(flink_taskmanager_job_task_backPressuredTimeMsPerSecond)`},
	{"restarts", `max(flink_jobmanager_job_numRestarts)`},
}

// Row is one minute: a value per column name (a missing one is NaN).
type Row struct {
	Start  time.Time          `json:"start"`
	Values map[string]float64 `json:"values"`
}

// Client queries a workspace's Prometheus endpoint.
type Client struct {
	// Endpoint is the workspace's query endpoint, e.g.
	// https://<workspace>.<region>.prometheus.monitor.azure.com.
	Endpoint string
	// Credential signs the queries (Scope).
	Credential azcore.TokenCredential
	// HTTP is the client (nil: http.DefaultClient).
	HTTP *http.Client
}

// Rows runs every column's query over [from, to) per minute and joins them by minute.
func (c *Client) Rows(ctx context.Context, from, to time.Time) ([]Row, error) {
	if _, err := url.ParseRequestURI(c.Endpoint); err != nil || !strings.HasPrefix(c.Endpoint, "https://") && !strings.HasPrefix(c.Endpoint, "http://") {
		return nil, fmt.Errorf("prometheus query endpoint %q: give the workspace's https:// query endpoint (`az monitor account show --query metrics.prometheusQueryEndpoint`)", c.Endpoint)
	}
	tok, err := c.Credential.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{Scope}})
	if err != nil {
		return nil, fmt.Errorf("token for the Prometheus query endpoint: %w", err)
	}
	byMinute := map[int64]*Row{}
	for _, col := range Columns {
		points, err := c.queryRange(ctx, tok.Token, col.PromQL, from, to)
		if err != nil {
			return nil, fmt.Errorf("query %s: %w", col.Name, err)
		}
		for at, v := range points {
			r := byMinute[at]
			if r == nil {
				r = &Row{Start: time.Unix(at, 0).UTC(), Values: map[string]float64{}}
				byMinute[at] = r
			}
			r.Values[col.Name] = v
		}
	}
	rows := make([]Row, 0, len(byMinute))
	for _, r := range byMinute {
		for _, col := range Columns {
			if _, ok := r.Values[col.Name]; !ok {
				r.Values[col.Name] = math.NaN()
			}
		}
		rows = append(rows, *r)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Start.Before(rows[j].Start) })
	return rows, nil
}

// queryRange runs one query_range of the Prometheus HTTP API and returns its one series'
// points by Unix second (the queries aggregate to one series).
func (c *Client) queryRange(ctx context.Context, token, q string, from, to time.Time) (map[int64]float64, error) {
	v := url.Values{"query": {q}, "start": {from.UTC().Format(time.RFC3339)}, "end": {to.UTC().Format(time.RFC3339)}, "step": {"60s"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(c.Endpoint, "/")+"/api/v1/query_range", strings.NewReader(v.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+token)
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var body struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			ResultType string `json:"resultType"`
			Result     []struct {
				Values [][2]any `json:"values"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 32<<20)).Decode(&body); err != nil {
		return nil, fmt.Errorf("HTTP %d: %w", resp.StatusCode, err)
	}
	if resp.StatusCode != http.StatusOK || body.Status != "success" {
		return nil, fmt.Errorf("HTTP %d: %s", resp.StatusCode, body.Error)
	}
	out := map[int64]float64{}
	for _, s := range body.Data.Result {
		for _, p := range s.Values {
			at, ok := p[0].(float64)
			str, ok2 := p[1].(string)
			if !ok || !ok2 {
				return nil, fmt.Errorf("a point %v is not [time, \"value\"]", p)
			}
			f, err := strconv.ParseFloat(str, 64)
			if err != nil {
				return nil, fmt.Errorf("value %q: %w", str, err)
			}
			out[int64(at)] += f
		}
	}
	return out, nil
}

// WriteTable prints the rows, one per minute, a column per series ("-" where there is no
// point).
func WriteTable(w io.Writer, rows []Row) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := []string{"minute (UTC)"}
	for _, c := range Columns {
		head = append(head, c.Name)
	}
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for _, r := range rows {
		cells := []string{r.Start.Format("2006-01-02 15:04")}
		for _, c := range Columns {
			v := r.Values[c.Name]
			if math.IsNaN(v) {
				cells = append(cells, "-")
			} else {
				cells = append(cells, strconv.FormatFloat(v, 'f', 1, 64))
			}
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
	}
	return tw.Flush()
}
