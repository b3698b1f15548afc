package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/streamscale/streamscale/internal/flink"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/local"
	"github.com/streamscale/streamscale/internal/pipeline"
	"github.com/streamscale/streamscale/internal/relay"
)

// connFlags are the flags that say where the pipeline runs: the local stack in --home by
// default, or any Kafka (--brokers) and Flink (--flink-url).
type connFlags struct {
	home     string
	brokers  string
	flinkURL string
	getenv   func(string) string
	// f is the command's Factory, whose Kafka and Flink, when set, replace what the flags say.
	f *Factory

	security             kafkaconn.Conn // TLS and SASL settings; Brokers unused
	passwordFile         string
	connectionStringFile string
}

func newConnFlags(f *Factory) *connFlags {
	return &connFlags{home: local.DefaultHome(), getenv: f.Getenv, f: f}
}

func (c *connFlags) addKafka(fs *pflag.FlagSet) {
	fs.StringVar(&c.home, "home", c.home, "state directory of the local stack whose addresses are the defaults (env STREAMSCALE_HOME)")
	fs.StringVar(&c.brokers, "brokers", "", "Kafka bootstrap servers host:port[,…] (env STREAMSCALE_BROKERS; default: the local stack's broker)")
	c.addSecurity(fs)
}

// addSecurity registers TLS, SASL and Event Hubs settings. Secrets are read from files or the
// environment only, never from a flag's value, so they stay out of shell history and ps.
func (c *connFlags) addSecurity(fs *pflag.FlagSet) {
	fs.BoolVar(&c.security.TLS, "tls", false, "connect with TLS 1.2+")
	fs.StringVar(&c.security.CAFile, "ca-file", "", "PEM CA certificates to trust (default: the system roots)")
	fs.StringVar(&c.security.CertFile, "cert-file", "", "PEM client certificate for mutual TLS")
	fs.StringVar(&c.security.KeyFile, "key-file", "", "PEM client key for mutual TLS")
	fs.BoolVar(&c.security.InsecureSkipVerify, "insecure-skip-verify", false, "accept any broker certificate (testing only)")
	fs.StringVar(&c.security.SASLMechanism, "sasl-mechanism", "", "SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512")
	fs.StringVar(&c.security.Username, "sasl-username", "", "SASL username (env STREAMSCALE_SASL_USERNAME)")
	fs.StringVar(&c.passwordFile, "sasl-password-file", "", "file holding the SASL password (or env STREAMSCALE_SASL_PASSWORD)")
	fs.StringVar(&c.connectionStringFile, "connection-string-file", "", "file holding an Event Hubs connection string (or env EVENTHUB_CONNECTION_STRING)")
}

func (c *connFlags) addFlink(fs *pflag.FlagSet) {
	fs.StringVar(&c.flinkURL, "flink-url", "", "Flink REST URL (env STREAMSCALE_FLINK_URL; default: the local stack's JobManager)")
}

// external reports whether the user pointed at a Kafka or Flink of their own.
func (c *connFlags) external() bool {
	return c.externalKafka() || !c.localFlink()
}

// localFlink reports whether Flink is the local stack's (no --flink-url, no
// STREAMSCALE_FLINK_URL, none from the Factory): a cluster whose task slots do not grow on
// demand.
func (c *connFlags) localFlink() bool {
	return c.flinkURL == "" && c.getenv("STREAMSCALE_FLINK_URL") == "" && (c.f == nil || c.f.Flink == nil)
}

// externalKafka reports whether the user named a Kafka of their own (brokers or Event Hubs),
// or the Factory holds one.
func (c *connFlags) externalKafka() bool {
	return c.source().Named() || (c.f != nil && c.f.Kafka != nil)
}

// conn is the Kafka connection: the Factory's when it has one, else the flags' (resolve).
func (c *connFlags) conn() (kafkaconn.Conn, error) {
	if c.f != nil && c.f.Kafka != nil {
		return c.f.Kafka()
	}
	return c.resolve()
}

// source is what the flags say of the connection, for kafkaconn.Resolve.
func (c *connFlags) source() kafkaconn.Source {
	return kafkaconn.Source{Brokers: c.brokers, ConnectionStringFile: c.connectionStringFile, Security: c.security,
		PasswordFile: c.passwordFile, Getenv: c.getenv, LocalBrokers: func() (string, error) {
			ep, err := local.ReadEndpoints(c.home)
			return ep.KafkaBootstrap, err
		}}
}

// resolve resolves the Kafka connection from the flags (kafkaconn.Resolve); a refused setting
// is a usage error.
func (c *connFlags) resolve() (kafkaconn.Conn, error) {
	conn, err := kafkaconn.Resolve(c.source())
	var ue *kafkaconn.UsageError
	if errors.As(err, &ue) {
		return kafkaconn.Conn{}, flagErrorf(ue.Err)
	}
	return conn, err
}

// connOr resolves the connection like conn, except that where the user named no Kafka of
// their own it connects to fallback (e.g. the brokers a recorded run used), still with the
// TLS and SASL flags.
func (c *connFlags) connOr(fallback []string) (kafkaconn.Conn, error) {
	if c.externalKafka() || len(fallback) == 0 {
		return c.conn()
	}
	cp := *c
	cp.brokers = strings.Join(fallback, ",")
	return cp.resolve()
}

// flinkClient is the Flink REST client: the Factory's when it has one, else one for the URL
// the flags resolve to (flink).
func (c *connFlags) flinkClient() (*flink.Client, error) {
	if c.f != nil && c.f.Flink != nil {
		return c.f.Flink()
	}
	u, err := c.flink()
	if err != nil {
		return nil, err
	}
	fc, err := flink.New(u)
	if err != nil {
		return nil, flagErrorf(fmt.Errorf("--flink-url: %w", err))
	}
	return fc, nil
}

// flink resolves the Flink REST URL: the Factory's client's, else the flag, then the
// environment, then the local stack.
func (c *connFlags) flink() (string, error) {
	if c.f != nil && c.f.Flink != nil {
		fc, err := c.f.Flink()
		if err != nil {
			return "", err
		}
		return fc.URL(), nil
	}
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

// completeSpec completes a job's spec for the Flink c points at: the local stack's
// (pipeline.OnLocalFlink), or as it is.
func (c *connFlags) completeSpec(conn kafkaconn.Conn) func(relay.Spec) relay.Spec {
	return func(s relay.Spec) relay.Spec {
		if c.localFlink() {
			return pipeline.OnLocalFlink(s, conn, c.home)
		}
		return s
	}
}

// resumeSources are where jobs' resume points are: what `job stop` recorded in the home, and on
// the local stack's Flink the jobs' checkpoint directories.
func (c *connFlags) resumeSources() relay.ResumeSources {
	src := relay.ResumeSources{RecordDir: local.JobsDir(c.home)}
	if c.localFlink() {
		src.LocalCheckpoints = func(s relay.Spec) string { return pipeline.LocalCheckpoints(c.home, s) }
	}
	return src
}
