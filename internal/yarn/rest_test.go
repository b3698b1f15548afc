package yarn

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// An application report as Hadoop 3.4's ResourceManager returns it (fields trimmed).
const appJSON = `{"app":{"id":"application_1795995524305_0001","user":"root","name":"streamscale-flink-session",
"queue":"default","state":"RUNNING","finalStatus":"UNDEFINED","progress":100.0,"trackingUI":"ApplicationMaster",
"trackingUrl":"http://localhost:28088/proxy/application_1795995524305_0001/","diagnostics":"",
"applicationType":"Apache Flink","startedTime":1795995560000,"finishedTime":0,"elapsedTime":61000,
"amContainerLogs":"http://localhost:28042/node/containerlogs/container_1795995524305_0001_01_000001/root",
"amHostHttpAddress":"localhost:28042","amRPCAddress":"localhost:42997","allocatedMB":2560,"allocatedVCores":3,
"runningContainers":2}}`

func TestAppReportParsing(t *testing.T) {
	tests := []struct {
		name        string
		body        string
		wantState   string
		wantREST    string
		wantRunning bool
		wantEnded   bool
	}{
		{"running flink session", appJSON, "RUNNING", "http://localhost:42997", true, false},
		{"accepted, no AM yet", `{"app":{"id":"application_1_0002","state":"ACCEPTED","amRPCAddress":""}}`, "ACCEPTED", "", false, false},
		{"running, AM not registered", `{"app":{"id":"application_1_0003","state":"RUNNING","amRPCAddress":"N/A:-1"}}`, "RUNNING", "", true, false},
		{"killed", `{"app":{"id":"application_1_0004","state":"KILLED","finalStatus":"KILLED","amRPCAddress":"localhost:42997"}}`, "KILLED", "", false, true},
		{"finished", `{"app":{"id":"application_1_0005","state":"FINISHED","finalStatus":"SUCCEEDED"}}`, "FINISHED", "", false, true},
		{"failed", `{"app":{"id":"application_1_0006","state":"FAILED","finalStatus":"FAILED"}}`, "FAILED", "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v struct {
				App App `json:"app"`
			}
			if err := json.Unmarshal([]byte(tt.body), &v); err != nil {
				t.Fatal(err)
			}
			a := v.App
			if a.State != tt.wantState || a.FlinkRESTURL() != tt.wantREST || a.Running() != tt.wantRunning || a.Ended() != tt.wantEnded {
				t.Errorf("state %s rest %q running %v ended %v; want %s %q %v %v", a.State, a.FlinkRESTURL(), a.Running(), a.Ended(),
					tt.wantState, tt.wantREST, tt.wantRunning, tt.wantEnded)
			}
		})
	}
}

func TestContainerApplication(t *testing.T) {
	tests := []struct{ id, want string }{
		{"container_1795995524305_0001_01_000002", "application_1795995524305_0001"},
		{"container_e17_1795995524305_0012_02_000001", "application_1795995524305_0012"},
		{"container_x", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := (Container{ID: tt.id}).Application(); got != tt.want {
			t.Errorf("Application(%q) = %q, want %q", tt.id, got, tt.want)
		}
	}
}

// TestClientAgainstStubServer reads each endpoint from a stub HTTP server that answers as a
// ResourceManager and a NodeManager do.
func TestClientAgainstStubServer(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/ws/v1/cluster/info", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte(`{"clusterInfo":{"id":1,"state":"STARTED","haState":"ACTIVE","hadoopVersion":"3.4.2"}}`))
	})
	mux.HandleFunc("/ws/v1/cluster/nodes", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte(`{"nodes":{"node":[{"id":"127.0.0.1:40000","state":"RUNNING","nodeHTTPAddress":"127.0.0.1:28042","numContainers":2,"usedMemoryMB":2560,"availMemoryMB":3584}]}}`))
	})
	mux.HandleFunc("/ws/v1/cluster/apps", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("states") != "RUNNING" {
			w.Write([]byte(`{"apps":null}`))
			return
		}
		w.Write([]byte(`{"apps":{"app":[` + appJSON[len(`{"app":`):len(appJSON)-1] + `]}}`))
	})
	mux.HandleFunc("/ws/v1/cluster/apps/application_1795995524305_0001", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte(appJSON))
	})
	mux.HandleFunc("/ws/v1/node/containers", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte(`{"containers":{"container":[{"id":"container_1795995524305_0001_01_000001","state":"RUNNING","exitCode":-1000,"totalMemoryNeededMB":1024,"totalVCoresNeeded":1}]}}`))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c := Client{RMURL: srv.URL}
	ctx := context.Background()

	info, err := c.ClusterInfo(ctx)
	if err != nil || info.State != "STARTED" || info.HadoopVersion != "3.4.2" {
		t.Fatalf("ClusterInfo = %+v, %v", info, err)
	}
	nodes, err := c.Nodes(ctx)
	if err != nil || len(nodes) != 1 || nodes[0].State != "RUNNING" || nodes[0].AvailMemoryMB != 3584 {
		t.Fatalf("Nodes = %+v, %v", nodes, err)
	}
	apps, err := c.Apps(ctx, "RUNNING")
	if err != nil || len(apps) != 1 || apps[0].FlinkRESTURL() != "http://localhost:42997" {
		t.Fatalf("Apps = %+v, %v", apps, err)
	}
	none, err := c.Apps(ctx, "KILLED")
	if err != nil || len(none) != 0 {
		t.Fatalf("Apps(KILLED) = %+v, %v", none, err)
	}
	app, err := c.App(ctx, "application_1795995524305_0001")
	if err != nil || app.RunningContainers != 2 || app.AllocatedMB != 2560 {
		t.Fatalf("App = %+v, %v", app, err)
	}
	cs, err := c.Containers(ctx, srv.URL)
	if err != nil || len(cs) != 1 || cs[0].MemoryMB != 1024 || cs[0].Application() != app.ID {
		t.Fatalf("Containers = %+v, %v", cs, err)
	}
	if _, err := c.App(ctx, "application_0_0"); err == nil {
		t.Fatal("App of an unknown id: no error")
	}
}
