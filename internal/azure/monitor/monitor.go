// Package monitor reads the sample's per-minute Event Hubs table from Azure Monitor: the
// namespace metrics IncomingMessages, IncomingBytes, OutgoingMessages, OutgoingBytes and
// ThrottledRequests (Total per PT1M, per hub) — what the sample's report script queries —
// as a hubmetrics.History, so `azure report` renders them with the same table, CSV, JSON and
// charts as the local broker's counters.
package monitor

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/monitor/armmonitor"

	"github.com/streamscale/streamscale/internal/hubmetrics"
)

// Metrics are the namespace metrics the table shows.
const Metrics = "IncomingMessages,IncomingBytes,OutgoingMessages,OutgoingBytes,ThrottledRequests"

// Interval is Azure Monitor's per-minute grain, as the sample's table.
const Interval = time.Minute

// Hub is one event hub and the namespace it is in.
type Hub struct {
	// Name is the hub ("in", "out").
	Name string
	// NamespaceID is its namespace's ARM resource ID.
	NamespaceID string
}

// History is a hubmetrics.History over Azure Monitor.
type History struct {
	Client *armmonitor.MetricsClient
	Hubs   []Hub
	// ThroughputUnits of each namespace, for the MAX VALUE line (TU × 60,000 messages and
	// 60 MB in, TU × 245,760 messages and 120 MB out per minute).
	ThroughputUnits int
}

// Rows implements hubmetrics.History: one row per minute in [from, to), each with a line per
// hub. Azure reports one count of messages each way, shown both as records and as batches;
// ThrottledRequests goes to the failed-requests column (Event Hubs answers them "server
// busy"), and the broker throttle time, which Azure does not report, stays unknown.
func (h History) Rows(ctx context.Context, from, to time.Time) (hubmetrics.Recording, error) {
	if to.IsZero() {
		to = time.Now()
	}
	if from.IsZero() {
		from = to.Add(-time.Hour)
	}
	from, to = from.UTC().Truncate(Interval), to.UTC()
	rows := map[time.Time]*hubmetrics.Row{}
	for _, hub := range h.Hubs {
		resp, err := h.Client.List(ctx, hub.NamespaceID, &armmonitor.MetricsClientListOptions{
			Timespan:    to2(from.Format(time.RFC3339) + "/" + to.Format(time.RFC3339)),
			Interval:    to2("PT1M"),
			Metricnames: to2(Metrics),
			Aggregation: to2("Total"),
			Filter:      to2("EntityName eq '" + hub.Name + "'"),
		})
		if err != nil {
			return hubmetrics.Recording{}, fmt.Errorf("azure monitor metrics of hub %s: %w", hub.Name, err)
		}
		perMinute := map[time.Time]*hubmetrics.HubRow{}
		for _, m := range resp.Value {
			if m == nil || m.Name == nil || m.Name.Value == nil {
				continue
			}
			for _, ts := range m.Timeseries {
				for _, v := range ts.Data {
					if v == nil || v.TimeStamp == nil {
						continue
					}
					at := v.TimeStamp.UTC()
					r := perMinute[at]
					if r == nil {
						r = &hubmetrics.HubRow{Topic: hub.Name}
						perMinute[at] = r
					}
					n := int64(0)
					if v.Total != nil {
						n = int64(*v.Total)
					}
					switch *m.Name.Value {
					case "IncomingMessages":
						r.IncomingMessages, r.IncomingBatches = r.IncomingMessages+n, r.IncomingBatches+n
					case "IncomingBytes":
						r.IncomingBytes += n
					case "OutgoingMessages":
						r.OutgoingMessages += n
					case "OutgoingBytes":
						r.OutgoingBytes += n
					case "ThrottledRequests":
						r.FailedRequests += n
					}
				}
			}
		}
		for at, hr := range perMinute {
			row := rows[at]
			if row == nil {
				row = &hubmetrics.Row{Start: at, End: at.Add(Interval)}
				rows[at] = row
			}
			row.Hubs = append(row.Hubs, *hr)
		}
	}
	rec := hubmetrics.Recording{Interval: hubmetrics.Duration(Interval), ThroughputUnits: h.ThroughputUnits}
	for _, r := range rows {
		if r.Start.Before(to) && !r.End.Before(from.Add(time.Nanosecond)) {
			rec.Rows = append(rec.Rows, *r)
		}
	}
	sort.Slice(rec.Rows, func(i, j int) bool { return rec.Rows[i].Start.Before(rec.Rows[j].Start) })
	return rec, nil
}

func to2(s string) *string { return to.Ptr(s) }
