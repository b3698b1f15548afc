package flinkmetrics

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
)

// TestRowsFakePrometheus: every column is one query_range with the bearer token, per minute,
// joined by minute; a minute without a point is NaN and prints "-".
func TestRowsFakePrometheus(t *testing.T) {
	t0 := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	var queries []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/query_range" || !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
			http.Error(w, `{"status":"error","error":"bad request"}`, http.StatusBadRequest)
			return
		}
		_ = r.ParseForm()
		q := r.Form.Get("query")
		queries = append(queries, q)
		if r.Form.Get("step") != "60s" || r.Form.Get("start") != "2026-11-29T10:00:00Z" {
			t.Errorf("form %v", r.Form)
		}
		values := [][2]any{{float64(t0.Unix()), "1000"}}
		if q == Columns[1].PromQL { // records out: two minutes
			values = append(values, [2]any{float64(t0.Add(time.Minute).Unix()), "998.5"})
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"status": "success", "data": map[string]any{"resultType": "matrix",
			"result": []any{map[string]any{"metric": map[string]string{}, "values": values}}}})
	}))
	defer srv.Close()
	c := &Client{Endpoint: srv.URL, Credential: &azfake.TokenCredential{}, HTTP: srv.Client()}
	rows, err := c.Rows(context.Background(), t0, t0.Add(2*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if len(queries) != len(Columns) || len(rows) != 2 {
		t.Fatalf("%d queries, %d rows", len(queries), len(rows))
	}
	if rows[0].Values["records out/s"] != 1000 || rows[1].Values["records out/s"] != 998.5 || !math.IsNaN(rows[1].Values["restarts"]) {
		t.Errorf("rows %+v", rows)
	}
	var b bytes.Buffer
	if err := WriteTable(&b, rows); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"records in/s", "checkpoint ms", "2026-11-29 10:01", "998.5", "-"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
}

func TestRowsErrorsFakePrometheus(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `{"status":"error","error":"the identity may not read the workspace"}`)
	}))
	defer srv.Close()
	c := &Client{Endpoint: srv.URL, Credential: &azfake.TokenCredential{}, HTTP: srv.Client()}
	if _, err := c.Rows(context.Background(), time.Now().Add(-time.Hour), time.Now()); err == nil || !strings.Contains(err.Error(), "HTTP 403: the identity may not read the workspace") {
		t.Errorf("err = %v", err)
	}
	c.Endpoint = "workspace.prometheus.monitor.azure.com"
	if _, err := c.Rows(context.Background(), time.Now().Add(-time.Hour), time.Now()); err == nil || !strings.Contains(err.Error(), "https://") {
		t.Errorf("err = %v", err)
	}
}

// TestRecordColumnsCoverBothJobs: records in and out count the relay's counters and the
// complex job's, so the table reads whichever job the deployment runs.
func TestRecordColumnsCoverBothJobs(t *testing.T) {
	for i, names := range [][]string{{"relayedRecords", "parsedEvents", "deadLetteredRecords"}, {"relayedRecords", "emittedTags"}} {
		for _, n := range names {
			if !strings.Contains(Columns[i].PromQL, n) {
				t.Errorf("%s: %s lacks %s", Columns[i].Name, Columns[i].PromQL, n)
			}
		}
	}
}
