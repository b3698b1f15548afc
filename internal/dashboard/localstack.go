package dashboard

import "github.com/streamscale/streamscale/internal/local"

// LocalSources says which of the local stack's endpoints fill in a Config: the parts of the
// pipeline that run on the local stack.
type LocalSources struct {
	// Metrics: the first broker's metrics endpoint, when the Config has none.
	Metrics bool
	// Units: with Metrics, the throughput units of the Event Hubs tier the local broker
	// emulates, when the Config's Info has none.
	Units bool
	// FlinkMetrics: the Flink Prometheus endpoints (candidates, probed), when the Config has none.
	FlinkMetrics bool
}

// FillFromLocal fills in from the local stack in home what c leaves out, as s says. Without
// a recorded local stack it leaves c as it is.
func (c *Config) FillFromLocal(home string, s LocalSources) {
	ep, err := local.ReadEndpoints(home)
	if err != nil {
		return
	}
	if s.Metrics && len(c.MetricsURLs) == 0 {
		c.MetricsURLs = []string{ep.MetricsURL}
		if s.Units && c.Info.ThroughputUnits == 0 && ep.EventHubs.Enabled() { // the broker emulates a tier: its capacity
			c.Info.ThroughputUnits = ep.EventHubs.ThroughputUnits
		}
	}
	if s.FlinkMetrics && len(c.FlinkMetricsURLs) == 0 {
		c.FlinkMetricsURLs, c.FlinkMetricsProbe = ep.FlinkMetricsURLs, ep.FlinkMetricsProbe
	}
}
