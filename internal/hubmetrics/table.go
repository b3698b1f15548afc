package hubmetrics

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"
)

// HubRow is one topic's traffic over one interval.
type HubRow struct {
	Topic string `json:"topic"`
	// IncomingMessages are records appended (Event Hubs counts batches instead: see
	// IncomingBatches).
	IncomingMessages int64 `json:"incomingMessages"`
	// IncomingBatches are produce requests, what Event Hubs reports as incoming messages.
	IncomingBatches int64 `json:"incomingBatches"`
	IncomingBytes   int64 `json:"incomingBytes"`
	// OutgoingMessages are records consumer groups committed as read.
	OutgoingMessages int64 `json:"outgoingMessages"`
	OutgoingBytes    int64 `json:"outgoingBytes"`
	FetchRequests    int64 `json:"fetchRequests"`
	FailedRequests   int64 `json:"failedRequests"`
}

// Row is one interval of the table.
type Row struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	Hubs  []HubRow  `json:"hubs"`
	// Throttle is the broker-wide time responses were delayed over quotas in the interval
	// (Event Hubs reports throttled requests instead); nil when the source does not say.
	Throttle *ThrottleRow `json:"throttle,omitempty"`
}

// ThrottleRow is an interval's quota throttling, in milliseconds summed over requests.
type ThrottleRow struct {
	ProduceMs int64 `json:"produceMs"`
	FetchMs   int64 `json:"fetchMs"`
}

// ThrottleText is the throttle column of a row: produce+fetch milliseconds, or "-" when the
// source does not report throttling.
func (r Row) ThrottleText() string {
	if r.Throttle == nil {
		return "-"
	}
	return strconv.FormatInt(r.Throttle.ProduceMs+r.Throttle.FetchMs, 10)
}

// Delta turns two snapshots into a row for topics. A counter that went down (a broker
// restart) counts from zero.
func Delta(prev, cur Snapshot, topics []string) Row {
	row := Row{Start: prev.At, End: cur.At}
	d := func(x, y float64) int64 {
		if y < x {
			return int64(y)
		}
		return int64(y - x)
	}
	if prev.Throttle != nil && cur.Throttle != nil {
		row.Throttle = &ThrottleRow{ProduceMs: d(prev.Throttle.ProduceMs, cur.Throttle.ProduceMs), FetchMs: d(prev.Throttle.FetchMs, cur.Throttle.FetchMs)}
	}
	for _, t := range topics {
		a, b := prev.Topics[t], cur.Topics[t]
		row.Hubs = append(row.Hubs, HubRow{
			Topic: t, IncomingMessages: d(a.MessagesIn, b.MessagesIn), IncomingBatches: d(a.ProduceRequests, b.ProduceRequests),
			IncomingBytes: d(a.BytesIn, b.BytesIn), OutgoingMessages: d(a.MessagesOut, b.MessagesOut), OutgoingBytes: d(a.BytesOut, b.BytesOut),
			FetchRequests: d(a.FetchRequests, b.FetchRequests), FailedRequests: d(a.FailedProduce, b.FailedProduce),
		})
	}
	return row
}

// Capacity is the Event Hubs limit model: per throughput unit and minute, 60,000 messages and
// 60 MB in, 245,760 messages and 120 MB out (1 MB/s or 1,000 events/s in, 2 MB/s or 4,096
// events/s out).
type Capacity struct{ ThroughputUnits int }

// Max is the MAX VALUE row for an interval of width d, or nil without throughput units.
func (c Capacity) Max(d time.Duration) *HubRow {
	if c.ThroughputUnits <= 0 {
		return nil
	}
	per := d.Minutes() * float64(c.ThroughputUnits)
	return &HubRow{
		Topic: "MAX VALUE", IncomingMessages: int64(60_000 * per), IncomingBatches: int64(60_000 * per),
		IncomingBytes: int64(60e6 * per), OutgoingMessages: int64(245_760 * per), OutgoingBytes: int64(120e6 * per),
	}
}

// WriteTable renders rows like the sample's report: one line per interval and hub, and a
// MAX VALUE line per interval when the capacity is known; a legend follows.
func WriteTable(w io.Writer, rows []Row, c Capacity) error {
	var topics []string
	for _, r := range rows {
		for _, h := range r.Hubs {
			topics = append(topics, h.Topic)
		}
	}
	tw := NewTableWriter(w, topics, c)
	if err := tw.Header(); err != nil {
		return err
	}
	for _, r := range rows {
		if err := tw.Row(r); err != nil {
			return err
		}
	}
	return tw.Legend()
}

// TableWriter prints the table row by row in fixed-width columns, so that `report --follow`
// can print the header once and a row as each interval closes.
type TableWriter struct {
	w        io.Writer
	c        Capacity
	hubWidth int
}

// NewTableWriter sizes the hub column for topics (and MAX VALUE).
func NewTableWriter(w io.Writer, topics []string, c Capacity) *TableWriter {
	width := len("MAX VALUE")
	for _, t := range topics {
		width = max(width, len(t))
	}
	return &TableWriter{w: w, c: c, hubWidth: width}
}

// tableLine is the format of every line: interval, hub, then eight numeric columns.
const tableLine = "%17s  %*s  %10v  %10v  %13v  %11v  %13v  %8v  %6v  %11v\n"

// Header prints the column names.
func (t *TableWriter) Header() error {
	_, err := fmt.Fprintf(t.w, tableLine, "INTERVAL (UTC)", t.hubWidth, "HUB", "IN RECORDS", "IN BATCHES", "IN BYTES",
		"OUT RECORDS", "OUT BYTES", "FETCHES", "FAILED", "THROTTLE MS")
	return err
}

// Row prints an interval: a line per hub, then MAX VALUE when the capacity is known. The
// broker-wide throttle time is on the interval's first line.
func (t *TableWriter) Row(r Row) error {
	when := r.Start.UTC().Format("15:04:05") + "-" + r.End.UTC().Format("15:04:05")
	hubs := r.Hubs
	if m := t.c.Max(r.End.Sub(r.Start)); m != nil {
		hubs = append(append([]HubRow(nil), hubs...), *m)
	}
	for i, h := range hubs {
		throttle := ""
		if i == 0 {
			throttle = r.ThrottleText()
		}
		if _, err := fmt.Fprintf(t.w, tableLine, when, t.hubWidth, h.Topic, h.IncomingMessages, h.IncomingBatches, h.IncomingBytes,
			h.OutgoingMessages, h.OutgoingBytes, h.FetchRequests, h.FailedRequests, throttle); err != nil {
			return err
		}
	}
	return nil
}

// Legend says what the columns count.
func (t *TableWriter) Legend() error {
	_, err := fmt.Fprintln(t.w, `IN RECORDS: records the broker appended; IN BATCHES: produce requests, which Event Hubs counts as incoming messages;
OUT RECORDS: records consumer groups committed as read (the relay commits on checkpoints);
THROTTLE MS: time the broker delayed produce and fetch responses over client quotas, broker-wide (- when not reported).`)
	return err
}

// WriteCSV renders rows as CSV with a header.
func WriteCSV(w io.Writer, rows []Row) error {
	if err := WriteCSVHeader(w); err != nil {
		return err
	}
	return WriteCSVRows(w, rows)
}

// WriteCSVHeader writes the CSV column names.
func WriteCSVHeader(w io.Writer) error {
	_, err := fmt.Fprintln(w, "start,end,topic,incomingRecords,incomingBatches,incomingBytes,outgoingRecords,outgoingBytes,fetchRequests,failedRequests,brokerThrottleMs")
	return err
}

// WriteCSVRows writes rows as CSV lines without a header, for a followed report.
func WriteCSVRows(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	for _, r := range rows {
		throttle := ""
		if r.Throttle != nil {
			throttle = r.ThrottleText()
		}
		for _, h := range r.Hubs {
			_ = cw.Write([]string{r.Start.UTC().Format(time.RFC3339), r.End.UTC().Format(time.RFC3339), h.Topic,
				strconv.FormatInt(h.IncomingMessages, 10), strconv.FormatInt(h.IncomingBatches, 10), strconv.FormatInt(h.IncomingBytes, 10),
				strconv.FormatInt(h.OutgoingMessages, 10), strconv.FormatInt(h.OutgoingBytes, 10), strconv.FormatInt(h.FetchRequests, 10),
				strconv.FormatInt(h.FailedRequests, 10), throttle})
		}
	}
	cw.Flush()
	return cw.Error()
}
