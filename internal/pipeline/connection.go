package pipeline

import (
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/streamscale/streamscale/internal/flink"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/relay"
)

// Connection says where the pipeline's pieces run (the connection flags every command that
// reaches Kafka or Flink shares): the local stack in Home by default, or a Kafka (Source:
// --brokers, TLS, SASL, Event Hubs) and a Flink (FlinkURL) of the user's own. A refused
// setting is a *kafkaconn.UsageError or a *Refusal.
type Connection struct {
	// Home is the local stack's state directory, whose addresses are the defaults.
	Home string
	// Source holds the Kafka settings; its LocalBrokers is the stack's in Home.
	Source kafkaconn.Source
	// FlinkURL is --flink-url ("": STREAMSCALE_FLINK_URL, then the local stack's JobManager).
	FlinkURL string
	// Kafka and Flink, when set, are the Kafka connection and the Flink REST client in place
	// of the ones the settings resolve to (a test's broker and Flink double; a connection
	// made elsewhere). Each is called only when it is needed.
	Kafka func() (kafkaconn.Conn, error)
	Flink func() (*flink.Client, error)
}

// NewConnection is the connection to the local stack in local.DefaultHome(), reading the
// environment through getenv.
func NewConnection(getenv func(string) string) *Connection {
	return &Connection{Home: local.DefaultHome(), Source: kafkaconn.Source{Getenv: getenv}}
}

// AddKafkaFlags registers --home, --brokers and the security flags (AddSecurityFlags) on fs.
func (c *Connection) AddKafkaFlags(fs *pflag.FlagSet) {
	fs.StringVar(&c.Home, "home", c.Home, "state directory of the local stack whose addresses are the defaults (env STREAMSCALE_HOME)")
	fs.StringVar(&c.Source.Brokers, "brokers", "", "Kafka bootstrap servers host:port[,…] (env STREAMSCALE_BROKERS; default: the local stack's broker)")
	c.AddSecurityFlags(fs)
}

// AddSecurityFlags registers the TLS, SASL and Event Hubs settings on fs. Secrets are read from
// files or the environment only, never from a flag's value, so they stay out of shell history
// and ps.
func (c *Connection) AddSecurityFlags(fs *pflag.FlagSet) {
	s := &c.Source.Security
	fs.BoolVar(&s.TLS, "tls", false, "connect with TLS 1.2+")
	fs.StringVar(&s.CAFile, "ca-file", "", "PEM CA certificates to trust (default: the system roots)")
	fs.StringVar(&s.CertFile, "cert-file", "", "PEM client certificate for mutual TLS")
	fs.StringVar(&s.KeyFile, "key-file", "", "PEM client key for mutual TLS")
	fs.BoolVar(&s.InsecureSkipVerify, "insecure-skip-verify", false, "accept any broker certificate (testing only)")
	fs.StringVar(&s.SASLMechanism, "sasl-mechanism", "", "SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512")
	fs.StringVar(&s.Username, "sasl-username", "", "SASL username (env STREAMSCALE_SASL_USERNAME)")
	fs.StringVar(&c.Source.PasswordFile, "sasl-password-file", "", "file holding the SASL password (or env STREAMSCALE_SASL_PASSWORD)")
	fs.StringVar(&c.Source.ConnectionStringFile, "connection-string-file", "", "file holding an Event Hubs connection string (or env EVENTHUB_CONNECTION_STRING)")
}

// AddFlinkFlag registers --flink-url on fs.
func (c *Connection) AddFlinkFlag(fs *pflag.FlagSet) {
	fs.StringVar(&c.FlinkURL, "flink-url", "", "Flink REST URL (env STREAMSCALE_FLINK_URL; default: the local stack's JobManager)")
}

// External reports whether the user pointed at a Kafka or Flink of their own.
func (c *Connection) External() bool { return c.ExternalKafka() || !c.LocalFlink() }

// LocalFlink reports whether Flink is the local stack's (no FlinkURL, no
// STREAMSCALE_FLINK_URL, no Flink set): a cluster whose task slots do not grow on demand.
func (c *Connection) LocalFlink() bool {
	return c.FlinkURL == "" && c.Source.Getenv("STREAMSCALE_FLINK_URL") == "" && c.Flink == nil
}

// ExternalKafka reports whether the user named a Kafka of their own (brokers or Event Hubs),
// or Kafka is set.
func (c *Connection) ExternalKafka() bool { return c.Source.Named() || c.Kafka != nil }

// KafkaConn is the Kafka connection: Kafka's when set, else the one the settings resolve to
// (kafkaconn.Resolve, the local stack's broker last).
func (c *Connection) KafkaConn() (kafkaconn.Conn, error) {
	if c.Kafka != nil {
		return c.Kafka()
	}
	s := c.Source
	s.LocalBrokers = func() (string, error) {
		ep, err := local.ReadEndpoints(c.Home)
		return ep.KafkaBootstrap, err
	}
	return kafkaconn.Resolve(s)
}

// KafkaConnOr is KafkaConn, except that where the user named no Kafka of their own it connects
// to fallback (e.g. the brokers a recorded run used), still with the TLS and SASL settings.
func (c *Connection) KafkaConnOr(fallback []string) (kafkaconn.Conn, error) {
	if c.ExternalKafka() || len(fallback) == 0 {
		return c.KafkaConn()
	}
	cp := *c
	cp.Source.Brokers = strings.Join(fallback, ",")
	return cp.KafkaConn()
}

// FlinkClient is the Flink REST client: Flink's when set, else one for FlinkAddress.
func (c *Connection) FlinkClient() (*flink.Client, error) {
	if c.Flink != nil {
		return c.Flink()
	}
	u, err := c.FlinkAddress()
	if err != nil {
		return nil, err
	}
	fc, err := flink.New(u)
	if err != nil {
		return nil, &Refusal{fmt.Errorf("--flink-url: %w", err)}
	}
	return fc, nil
}

// FlinkAddress is the Flink REST URL: Flink's client's when set, else FlinkURL, then
// STREAMSCALE_FLINK_URL, then the local stack's JobManager.
func (c *Connection) FlinkAddress() (string, error) {
	if c.Flink != nil {
		fc, err := c.Flink()
		if err != nil {
			return "", err
		}
		return fc.URL(), nil
	}
	u := c.FlinkURL
	if u == "" {
		u = c.Source.Getenv("STREAMSCALE_FLINK_URL")
	}
	if u == "" {
		ep, err := local.ReadEndpoints(c.Home)
		if err != nil {
			return "", err
		}
		u = ep.FlinkURL
	}
	return strings.TrimRight(u, "/"), nil
}

// CompleteSpec completes a job's spec for the Flink c points at: the local stack's
// (OnLocalFlink), or as it is.
func (c *Connection) CompleteSpec(conn kafkaconn.Conn) func(relay.Spec) relay.Spec {
	return func(s relay.Spec) relay.Spec {
		if c.LocalFlink() {
			return OnLocalFlink(s, conn, c.Home)
		}
		return s
	}
}

// ResumeSources are where jobs' resume points are: what `job stop` recorded in the home, and
// on the local stack's Flink the jobs' checkpoint directories.
func (c *Connection) ResumeSources() relay.ResumeSources {
	src := relay.ResumeSources{RecordDir: local.JobsDir(c.Home)}
	if c.LocalFlink() {
		src.LocalCheckpoints = func(s relay.Spec) string { return LocalCheckpoints(c.Home, s) }
	}
	return src
}

// JobSpec is the spec of the job o asks for between topics (relay.Options.Spec) on Kafka k,
// completed for the Flink c points at (CompleteSpec).
func (c *Connection) JobSpec(o relay.Options, k kafkaconn.Conn, topics relay.Topics, partitions int32) relay.Spec {
	return c.CompleteSpec(k)(o.Spec(k, topics, partitions))
}

// JobKafkaConn checks the job options o on their own, then resolves the Kafka connection and
// checks o against it (so nothing is asked of Flink for options that cannot run). A refused
// option is a *Refusal.
func (c *Connection) JobKafkaConn(o relay.Options) (kafkaconn.Conn, error) {
	if err := o.Validate(); err != nil {
		return kafkaconn.Conn{}, &Refusal{err}
	}
	k, err := c.KafkaConn()
	if err != nil {
		return k, err
	}
	if err := o.CheckTarget(k); err != nil {
		return k, &Refusal{err}
	}
	return k, nil
}

// DefaultJobOptions are the job flags' defaults (relay.Options.AddFlags binds them), with the
// job jar that `make build` leaves in the local build directory.
func DefaultJobOptions() *relay.Options {
	o := relay.DefaultOptions(local.BuildDir())
	return &o
}
