package monitor

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/monitor/armmonitor"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/monitor/armmonitor/fake"

	"github.com/streamscale/streamscale/internal/hubmetrics"
)

const (
	nsIn  = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.EventHub/namespaces/a-in"
	nsOut = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.EventHub/namespaces/a-out"
)

var t0 = time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)

func metric(name string, totals ...float64) *armmonitor.Metric {
	var data []*armmonitor.MetricValue
	for i, v := range totals {
		data = append(data, &armmonitor.MetricValue{TimeStamp: to.Ptr(t0.Add(time.Duration(i) * time.Minute)), Total: to.Ptr(v)})
	}
	return &armmonitor.Metric{Name: &armmonitor.LocalizableString{Value: to.Ptr(name)}, Timeseries: []*armmonitor.TimeSeriesElement{{Data: data}}}
}

// fakeMonitor is armmonitor's fake metrics server answering per namespace, recording the
// queries.
func fakeMonitor(t *testing.T, queries *[]armmonitor.MetricsClientListOptions) *armmonitor.MetricsClient {
	t.Helper()
	srv := &fake.MetricsServer{List: func(_ context.Context, uri string, o *armmonitor.MetricsClientListOptions) (resp azfake.Responder[armmonitor.MetricsClientListResponse], e azfake.ErrorResponder) {
		*queries = append(*queries, *o)
		var r armmonitor.Response
		switch "/" + strings.TrimPrefix(uri, "/") {
		case nsIn:
			r.Value = []*armmonitor.Metric{metric("IncomingMessages", 60000, 30000), metric("IncomingBytes", 6e7, 3e7),
				metric("OutgoingMessages", 60000, 30000), metric("OutgoingBytes", 6e7, 3e7), metric("ThrottledRequests", 0, 4)}
		case nsOut:
			r.Value = []*armmonitor.Metric{metric("IncomingMessages", 59000, 31000), metric("OutgoingMessages", 59000, 31000)}
		default:
			e.SetResponseError(http.StatusNotFound, "ResourceNotFound")
			return
		}
		resp.SetResponse(http.StatusOK, armmonitor.MetricsClientListResponse{Response: r}, nil)
		return
	}}
	c, err := armmonitor.NewMetricsClient("s", &azfake.TokenCredential{}, &arm.ClientOptions{ClientOptions: policy.ClientOptions{Transport: fake.NewMetricsServerTransport(srv)}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestHistoryRows_FakeMonitor(t *testing.T) {
	var queries []armmonitor.MetricsClientListOptions
	h := History{Client: fakeMonitor(t, &queries), Hubs: []Hub{{"in", nsIn}, {"out", nsOut}}, ThroughputUnits: 2}
	var _ hubmetrics.History = h
	rec, err := h.Rows(context.Background(), t0, t0.Add(2*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if len(queries) != 2 || *queries[0].Interval != "PT1M" || *queries[0].Aggregation != "Total" || *queries[0].Metricnames != Metrics ||
		*queries[0].Filter != "EntityName eq 'in'" || *queries[1].Filter != "EntityName eq 'out'" ||
		*queries[0].Timespan != "2026-11-29T10:00:00Z/2026-11-29T10:02:00Z" {
		t.Errorf("queries %+v", queries)
	}
	if len(rec.Rows) != 2 || rec.ThroughputUnits != 2 {
		t.Fatalf("rows %+v", rec)
	}
	first := rec.Rows[0]
	if !first.Start.Equal(t0) || len(first.Hubs) != 2 {
		t.Fatalf("first row %+v", first)
	}
	in := first.Hubs[0]
	if in.Topic != "in" || in.IncomingMessages != 60000 || in.IncomingBytes != 6e7 || in.OutgoingBytes != 6e7 {
		t.Errorf("in %+v", in)
	}
	if rec.Rows[1].Hubs[0].FailedRequests != 4 {
		t.Errorf("throttled requests %+v", rec.Rows[1].Hubs[0])
	}
	var b bytes.Buffer
	if err := hubmetrics.WriteTable(&b, rec.Rows, hubmetrics.Capacity{ThroughputUnits: rec.ThroughputUnits}); err != nil {
		t.Fatal(err)
	}
	// MAX VALUE at 2 TU per minute: 120,000 messages and 120 MB in, 491,520 messages out.
	for _, want := range []string{"MAX VALUE", "120000", "491520"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %s:\n%s", want, b.String())
		}
	}
}

func TestHistoryErrorNamesTheHub_FakeMonitor(t *testing.T) {
	var queries []armmonitor.MetricsClientListOptions
	h := History{Client: fakeMonitor(t, &queries), Hubs: []Hub{{"in", "/nope"}}}
	if _, err := h.Rows(context.Background(), t0, t0.Add(time.Minute)); err == nil || !strings.Contains(err.Error(), "hub in") {
		t.Errorf("err %v", err)
	}
}
