package local

import "path/filepath"

// Endpoints are the addresses of a local stack recorded in its home.
type Endpoints struct {
	KafkaBootstrap string
	FlinkURL       string
	MetricsURL     string
	// FlinkMetricsURLs are Flink's Prometheus reporter endpoints, the JobManager's first and
	// then each TaskManager's (none for a stack started before the reporter was configured).
	FlinkMetricsURLs []string
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
	ep := Endpoints{KafkaBootstrap: cfg.KafkaBootstrap(), FlinkURL: cfg.FlinkURL(), MetricsURL: cfg.MetricsURL()}
	if st == nil {
		return ep, nil
	}
	st.Config.apply(&cfg)
	ep = Endpoints{KafkaBootstrap: cfg.KafkaBootstrap(), FlinkURL: cfg.FlinkURL(), MetricsURL: cfg.MetricsURL()}
	if st.Config.flinkOn() == FlinkOnYarn {
		// The session's REST address is YARN's choice, recorded when it was deployed.
		if st.YarnSession != nil {
			ep.FlinkURL = st.YarnSession.RESTURL
		}
		return ep, nil
	}
	if st.Config.FlinkMetricsPort != 0 {
		cfg.TaskManagers = max(len(st.TaskManagers), 1)
		ep.FlinkMetricsURLs = cfg.FlinkMetricsURLs()
	}
	return ep, nil
}
