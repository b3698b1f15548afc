package local

import (
	"path/filepath"

	"github.com/streamscale/streamscale/internal/hublimits"
)

// Endpoints are the addresses of a local stack recorded in its home.
type Endpoints struct {
	// KafkaBootstrap lists every broker, comma-separated.
	KafkaBootstrap string
	FlinkURL       string
	// MetricsURL is the first broker's Prometheus endpoint, KafkaMetricsURLs every broker's.
	MetricsURL       string
	KafkaMetricsURLs []string
	// FlinkMetricsURLs are Flink's Prometheus reporter endpoints, the JobManager's first and
	// then each TaskManager's (none for a stack started before the reporter was configured).
	FlinkMetricsURLs []string
	// FlinkMetricsProbe says FlinkMetricsURLs are candidates, not endpoints: with Flink on
	// YARN each container's reporter takes the first free port of a range, so a scraper
	// leaves out the ones that refuse the connection.
	FlinkMetricsProbe bool
	// EventHubs are the Event Hubs Standard limits the broker was started to emulate (zero:
	// none): their throughput units are the capacity a report of this broker compares with.
	EventHubs hublimits.Limits
}

// ReadEndpoints returns the addresses a stack in home was started with, or the defaults when
// home holds no stack. Other commands use it so that they find the local stack without flags.
func ReadEndpoints(home string) (Endpoints, error) {
	cfg := DefaultConfig()
	abs, err := filepath.Abs(home)
	if err != nil {
		return Endpoints{}, err
	}
	st, err := loadState(layout{home: abs})
	if err != nil {
		return Endpoints{}, err
	}
	ep := Endpoints{KafkaBootstrap: cfg.KafkaBootstrap(), FlinkURL: cfg.FlinkURL(), MetricsURL: cfg.MetricsURL(), KafkaMetricsURLs: cfg.KafkaMetricsURLs()}
	if st == nil {
		return ep, nil
	}
	st.Config.apply(&cfg)
	ep = Endpoints{KafkaBootstrap: cfg.KafkaBootstrap(), FlinkURL: cfg.FlinkURL(), MetricsURL: cfg.MetricsURL(), KafkaMetricsURLs: cfg.KafkaMetricsURLs()}
	ep.EventHubs, _ = hublimits.ForTier(st.Config.EventHubsTier)
	if st.Config.flinkOn() == FlinkOnYarn {
		// The session's REST address is YARN's choice, recorded when it was deployed.
		if st.YarnSession != nil {
			ep.FlinkURL = st.YarnSession.RESTURL
		}
		if st.Config.FlinkMetricsPort != 0 {
			ep.FlinkMetricsURLs, ep.FlinkMetricsProbe = cfg.FlinkMetricsPortRange(), true
		}
		return ep, nil
	}
	if st.Config.FlinkMetricsPort != 0 {
		cfg.TaskManagers = max(len(st.TaskManagers), 1)
		ep.FlinkMetricsURLs = cfg.FlinkMetricsURLs()
	}
	return ep, nil
}
