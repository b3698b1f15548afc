package yarn

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// ClusterInfo is the part of the ResourceManager's /ws/v1/cluster/info that says it serves.
type ClusterInfo struct {
	ID            int64  `json:"id"`
	State         string `json:"state"`
	HAState       string `json:"haState"`
	HadoopVersion string `json:"hadoopVersion"`
}

// Node is one NodeManager as the ResourceManager sees it (/ws/v1/cluster/nodes).
type Node struct {
	ID               string `json:"id"`
	State            string `json:"state"`
	HTTPAddress      string `json:"nodeHTTPAddress"`
	NumContainers    int    `json:"numContainers"`
	UsedMemoryMB     int64  `json:"usedMemoryMB"`
	AvailMemoryMB    int64  `json:"availMemoryMB"`
	UsedVirtualCores int    `json:"usedVirtualCores"`
	HealthReport     string `json:"healthReport"`
}

// App is a YARN application report (/ws/v1/cluster/apps and /ws/v1/cluster/apps/{id}).
type App struct {
	ID                string `json:"id"`
	Name              string `json:"name"`
	ApplicationType   string `json:"applicationType"`
	State             string `json:"state"`
	FinalStatus       string `json:"finalStatus"`
	TrackingURL       string `json:"trackingUrl"`
	AMHostHTTPAddress string `json:"amHostHttpAddress"`
	// AMRPCAddress is host:port the ApplicationMaster registered; Flink registers its REST
	// port there.
	AMRPCAddress       string `json:"amRPCAddress"`
	Diagnostics        string `json:"diagnostics"`
	RunningContainers  int    `json:"runningContainers"`
	AllocatedMB        int64  `json:"allocatedMB"`
	AllocatedVCores    int    `json:"allocatedVCores"`
	ElapsedTimeMillis  int64  `json:"elapsedTime"`
	StartedTimeMillis  int64  `json:"startedTime"`
	FinishedTimeMillis int64  `json:"finishedTime"`
}

// Running reports whether YARN runs the application's ApplicationMaster.
func (a App) Running() bool { return a.State == "RUNNING" }

// Ended reports whether the application has ended (finished, failed or killed).
func (a App) Ended() bool {
	switch a.State {
	case "FINISHED", "FAILED", "KILLED":
		return true
	}
	return false
}

// FlinkRESTURL is the REST address of a Flink session running as this application: the
// ApplicationMaster's registered RPC address, where Flink registers its REST endpoint ("" while
// it has not registered).
func (a App) FlinkRESTURL() string {
	if !a.Running() || a.AMRPCAddress == "" || strings.HasSuffix(a.AMRPCAddress, ":-1") || strings.HasSuffix(a.AMRPCAddress, ":0") {
		return ""
	}
	return "http://" + a.AMRPCAddress
}

// Container is one container as its NodeManager reports it (/ws/v1/node/containers).
type Container struct {
	ID            string `json:"id"`
	State         string `json:"state"`
	ExitCode      int    `json:"exitCode"`
	Diagnostics   string `json:"diagnostics"`
	MemoryMB      int64  `json:"totalMemoryNeededMB"`
	VCores        int    `json:"totalVCoresNeeded"`
	ContainerLogs string `json:"containerLogsLink"`
}

// Application is the id part of a container id: container_<ts>_<app>_<attempt>_<n> (or the
// container_e<epoch>_ form) belongs to application_<ts>_<app>.
func (c Container) Application() string {
	parts := strings.Split(c.ID, "_")
	if len(parts) >= 5 && parts[0] == "container" {
		if strings.HasPrefix(parts[1], "e") && len(parts) >= 6 {
			parts = append(parts[:1], parts[2:]...)
		}
		return "application_" + parts[1] + "_" + parts[2]
	}
	return ""
}

// Client reads a ResourceManager's REST API (and, for containers, a NodeManager's).
type Client struct {
	// RMURL is the ResourceManager web address, e.g. http://127.0.0.1:8088.
	RMURL string
	// HTTP is the client to use (default: one with a 5 s timeout).
	HTTP *http.Client
}

// ClusterInfo reads /ws/v1/cluster/info.
func (c Client) ClusterInfo(ctx context.Context) (ClusterInfo, error) {
	var v struct {
		ClusterInfo ClusterInfo `json:"clusterInfo"`
	}
	if err := c.get(ctx, c.RMURL+"/ws/v1/cluster/info", &v); err != nil {
		return ClusterInfo{}, fmt.Errorf("yarn cluster info: %w", err)
	}
	return v.ClusterInfo, nil
}

// Nodes reads /ws/v1/cluster/nodes (every state).
func (c Client) Nodes(ctx context.Context) ([]Node, error) {
	var v struct {
		Nodes *struct {
			Node []Node `json:"node"`
		} `json:"nodes"`
	}
	if err := c.get(ctx, c.RMURL+"/ws/v1/cluster/nodes", &v); err != nil {
		return nil, fmt.Errorf("yarn nodes: %w", err)
	}
	if v.Nodes == nil {
		return nil, nil
	}
	return v.Nodes.Node, nil
}

// Apps reads /ws/v1/cluster/apps, optionally only those in states (e.g. "RUNNING").
func (c Client) Apps(ctx context.Context, states ...string) ([]App, error) {
	u := c.RMURL + "/ws/v1/cluster/apps"
	if len(states) > 0 {
		u += "?states=" + strings.Join(states, ",")
	}
	var v struct {
		Apps *struct {
			App []App `json:"app"`
		} `json:"apps"`
	}
	if err := c.get(ctx, u, &v); err != nil {
		return nil, fmt.Errorf("yarn applications: %w", err)
	}
	if v.Apps == nil {
		return nil, nil
	}
	return v.Apps.App, nil
}

// App reads /ws/v1/cluster/apps/{id}.
func (c Client) App(ctx context.Context, id string) (App, error) {
	var v struct {
		App App `json:"app"`
	}
	if err := c.get(ctx, c.RMURL+"/ws/v1/cluster/apps/"+id, &v); err != nil {
		return App{}, fmt.Errorf("yarn application %s: %w", id, err)
	}
	return v.App, nil
}

// Containers reads a NodeManager's /ws/v1/node/containers (nodeURL like http://127.0.0.1:8042).
func (c Client) Containers(ctx context.Context, nodeURL string) ([]Container, error) {
	var v struct {
		Containers *struct {
			Container []Container `json:"container"`
		} `json:"containers"`
	}
	if err := c.get(ctx, nodeURL+"/ws/v1/node/containers", &v); err != nil {
		return nil, fmt.Errorf("yarn containers of %s: %w", nodeURL, err)
	}
	if v.Containers == nil {
		return nil, nil
	}
	return v.Containers.Container, nil
}

func (c Client) get(ctx context.Context, url string, into any) error {
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 5 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: HTTP %d", url, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
		return fmt.Errorf("GET %s: %w", url, err)
	}
	return nil
}
