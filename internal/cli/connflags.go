package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/local"
)

// connFlags are the flags that say where the pipeline runs: the local stack in --home by
// default, or any Kafka (--brokers) and Flink (--flink-url).
type connFlags struct {
	home     string
	brokers  string
	flinkURL string
	getenv   func(string) string
}

func newConnFlags(f *Factory) *connFlags {
	return &connFlags{home: local.DefaultHome(), getenv: f.Getenv}
}

func (c *connFlags) addKafka(fs *pflag.FlagSet) {
	fs.StringVar(&c.home, "home", c.home, "state directory of the local stack whose addresses are the defaults (env STREAMSCALE_HOME)")
	fs.StringVar(&c.brokers, "brokers", "", "Kafka bootstrap servers host:port[,…] (env STREAMSCALE_BROKERS; default: the local stack's broker)")
}

func (c *connFlags) addFlink(fs *pflag.FlagSet) {
	fs.StringVar(&c.flinkURL, "flink-url", "", "Flink REST URL (env STREAMSCALE_FLINK_URL; default: the local stack's JobManager)")
}

// external reports whether the user pointed at a Kafka or Flink of their own.
func (c *connFlags) external() bool {
	return c.brokers != "" || c.getenv("STREAMSCALE_BROKERS") != "" || c.flinkURL != "" || c.getenv("STREAMSCALE_FLINK_URL") != ""
}

// conn resolves the Kafka connection: flag, then environment, then the local stack.
func (c *connFlags) conn() (kafkaconn.Conn, error) {
	b := c.brokers
	if b == "" {
		b = c.getenv("STREAMSCALE_BROKERS")
	}
	if b == "" {
		ep, err := local.ReadEndpoints(c.home)
		if err != nil {
			return kafkaconn.Conn{}, err
		}
		b = ep.KafkaBootstrap
	}
	brokers, err := kafkaconn.ParseBrokers(b)
	if err != nil {
		return kafkaconn.Conn{}, flagErrorf(fmt.Errorf("--brokers: %w", err))
	}
	return kafkaconn.Conn{Brokers: brokers}, nil
}

// flink resolves the Flink REST URL: flag, then environment, then the local stack.
func (c *connFlags) flink() (string, error) {
	u := c.flinkURL
	if u == "" {
		u = c.getenv("STREAMSCALE_FLINK_URL")
	}
	if u == "" {
		ep, err := local.ReadEndpoints(c.home)
		if err != nil {
			return "", err
		}
		u = ep.FlinkURL
	}
	return strings.TrimRight(u, "/"), nil
}
