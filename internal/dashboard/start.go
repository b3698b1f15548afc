package dashboard

import (
	"context"
	"fmt"
	"io"
	"net"
	"os/exec"
	"runtime"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/streamscale/streamscale/internal/hubmetrics"
	"github.com/streamscale/streamscale/internal/kafkaconn"
)

// Config is where a dashboard listens and where its sources are.
type Config struct {
	// Addr is the host:port to bind.
	Addr string
	// Exposed says Addr was chosen by the user rather than 127.0.0.1:PORT: Start warns that the
	// page has no authentication.
	Exposed bool
	// Interval is how often the collector samples (0: New's default).
	Interval time.Duration
	// Open asks the desktop to open the page in a browser.
	Open bool
	// Conn reaches the Kafka cluster: the group's lag, the topics' rates (with MetricsURLs)
	// and the latency tail of Info.OutTopic.
	Conn kafkaconn.Conn
	// FlinkURL is Flink's REST API ("": no Flink charts).
	FlinkURL string
	// MetricsURLs are the brokers' Prometheus endpoints, summed ("": no broker rates).
	MetricsURLs []string
	// FlinkMetricsURLs are Flink's Prometheus reporter endpoints.
	FlinkMetricsURLs []string
	// FlinkMetricsProbe: FlinkMetricsURLs are candidates; the ones that refuse are left out.
	FlinkMetricsProbe bool
	// Info is the page's header; Start fills in the addresses above.
	Info Info
	// Log receives the page's address and what goes wrong while it serves.
	Log io.Writer
}

// Running is a dashboard serving in the background until its context ends.
type Running struct {
	// URL is the page's address.
	URL  string
	done chan struct{}
}

// Wait returns once the dashboard has stopped and closed its Kafka clients.
func (r *Running) Wait() { <-r.done }

// Start binds c.Addr, prints the page's address to c.Log, and serves until ctx ends; the
// Kafka clients it opens close then. A source it cannot reach leaves its charts empty.
func Start(ctx context.Context, c Config) (*Running, error) {
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return nil, fmt.Errorf("dashboard: listen on %s: %w (pick another with --port or --listen)", c.Addr, err)
	}
	c.Info.Brokers, c.Info.FlinkURL = c.Conn.Brokers, c.FlinkURL
	c.Info.BrokerMetrics, c.Info.FlinkMetrics = c.MetricsURLs, c.FlinkMetricsURLs
	var src Sources
	var closers []func()
	if adm, err := c.Conn.NewClient(); err == nil {
		closers = append(closers, adm.Close)
		src.Lag = &GroupLag{Admin: kadm.NewClient(adm), Group: c.Info.Group, Topic: c.Info.InTopic}
		if len(c.MetricsURLs) > 0 {
			src.Broker = &BrokerRates{
				Source: &hubmetrics.WithGroupOffsets{Source: hubmetrics.PrometheusSource{URLs: c.MetricsURLs}, Admin: kadm.NewClient(adm)},
				Topics: []string{c.Info.InTopic, c.Info.OutTopic},
			}
		}
	} else {
		fmt.Fprintf(c.Log, "dashboard: no Kafka client, broker charts stay empty: %v\n", err)
	}
	tail, err := c.Conn.NewClient(kgo.ConsumeTopics(c.Info.OutTopic), kgo.ConsumeResetOffset(kgo.NewOffset().AtEnd()),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	if err == nil {
		closers = append(closers, tail.Close)
		src.Latency = NewOutputLatency()
	}
	if c.FlinkURL != "" {
		src.Flink = &FlinkREST{Base: c.FlinkURL, JobID: c.Info.JobID, JobName: c.Info.JobName}
	}
	if len(c.FlinkMetricsURLs) > 0 {
		src.FlinkProm = &FlinkPrometheus{URLs: c.FlinkMetricsURLs, SkipRefused: c.FlinkMetricsProbe}
	}
	var opts []Option
	if c.Interval > 0 {
		opts = append(opts, WithInterval(c.Interval))
	}
	srv := New(c.Info, src, opts...)
	url := "http://" + ln.Addr().String() + "/"
	if c.Exposed {
		fmt.Fprintf(c.Log, "warning: the dashboard listens on %s and has no authentication: anyone who reaches this address sees the pipeline's addresses and metrics\n", ln.Addr())
	}
	fmt.Fprintf(c.Log, "dashboard: %s\n", url)
	r := &Running{URL: url, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		if src.Latency != nil {
			go src.Latency.Run(ctx, tail)
		}
		if err := srv.Serve(ctx, ln); err != nil {
			fmt.Fprintf(c.Log, "dashboard: %v\n", err)
		}
		for _, cl := range closers {
			cl()
		}
	}()
	if c.Open {
		if err := openBrowser(url); err != nil {
			fmt.Fprintf(c.Log, "dashboard: could not open a browser (%v): open %s yourself\n", err, url)
		}
	}
	return r, nil
}

// openBrowser asks the desktop to open url.
func openBrowser(url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", url)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() { _ = cmd.Wait() }()
	return nil
}
