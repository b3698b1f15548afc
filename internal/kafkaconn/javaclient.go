package kafkaconn

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// JavaClientProperties returns c as the Apache Kafka Java client's configuration
// (bootstrap.servers, security.protocol, SASL and TLS settings, and for Event Hubs the
// settings Microsoft recommends), for Kafka's own tools that run beside ours, such as the
// perf tools of `streamscale bench`. The map holds the password (in sasl.jaas.config) when c
// has one: write it only with WriteJavaClientConfig, never log it.
func (c Conn) JavaClientProperties() (map[string]string, error) {
	if _, err := c.check(); err != nil {
		return nil, err
	}
	p := map[string]string{"bootstrap.servers": strings.Join(c.Brokers, ",")}
	mech := c.mechanism()
	switch {
	case c.TLS && mech != "":
		p["security.protocol"] = "SASL_SSL"
	case c.TLS:
		p["security.protocol"] = "SSL"
	case mech != "":
		p["security.protocol"] = "SASL_PLAINTEXT"
	}
	if mech != "" {
		module := "org.apache.kafka.common.security.plain.PlainLoginModule"
		if mech != SASLPlain {
			module = "org.apache.kafka.common.security.scram.ScramLoginModule"
		}
		p["sasl.mechanism"] = mech
		p["sasl.jaas.config"] = fmt.Sprintf(`%s required username="%s" password="%s";`, module, jaasEscape(c.Username), jaasEscape(c.Password))
	}
	if c.TLS {
		if c.CAFile != "" {
			p["ssl.truststore.type"] = "PEM"
			p["ssl.truststore.location"] = c.CAFile
		}
		if c.CertFile != "" {
			cert, err := os.ReadFile(c.CertFile)
			if err != nil {
				return nil, fmt.Errorf("TLS client certificate: %w", err)
			}
			key, err := os.ReadFile(c.KeyFile)
			if err != nil {
				return nil, fmt.Errorf("TLS client key: %w", err)
			}
			p["ssl.keystore.type"] = "PEM"
			p["ssl.keystore.certificate.chain"] = string(cert)
			p["ssl.keystore.key"] = string(key)
		}
		if c.InsecureSkipVerify {
			return nil, errors.New("skipping certificate verification is not possible for Kafka's Java tools: give the broker's CA with the CA file setting instead")
		}
	}
	if c.EventHubs {
		p["metadata.max.age.ms"] = strconv.FormatInt(eventHubsMetadataMaxAge.Milliseconds(), 10)
		p["connections.max.idle.ms"] = strconv.FormatInt(eventHubsConnIdleTimeout.Milliseconds(), 10)
		p["request.timeout.ms"] = strconv.FormatInt(eventHubsRequestTimeout.Milliseconds(), 10)
		p["max.request.size"] = strconv.Itoa(eventHubsMaxBatchBytes)
		p["enable.idempotence"] = "false"
	}
	return p, nil
}

// WriteJavaClientConfig writes c's Java client properties into a new file readable only by
// this user, in a new directory of its own under dir ("" for the system's temp dir), and
// returns its path and a function that removes both. Call the function when the tool that
// reads the file has finished.
func (c Conn) WriteJavaClientConfig(dir string) (path string, remove func(), err error) {
	return c.writeJavaClientConfig(dir)
}

// writeJavaClientConfig writes c's Java client properties but the keys left out.
func (c Conn) writeJavaClientConfig(dir string, leaveOut ...string) (path string, remove func(), err error) {
	props, err := c.JavaClientProperties()
	if err != nil {
		return "", nil, err
	}
	for _, k := range leaveOut {
		delete(props, k)
	}
	d, err := os.MkdirTemp(dir, "streamscale-client-")
	if err != nil {
		return "", nil, fmt.Errorf("client config: %w", err)
	}
	remove = func() { _ = os.RemoveAll(d) }
	path = filepath.Join(d, "client.properties")
	if err := os.WriteFile(path, []byte(propertiesText(props)), 0o600); err != nil {
		remove()
		return "", nil, fmt.Errorf("client config: %w", err)
	}
	return path, remove, nil
}

// WriteJobClientConfig is WriteJavaClientConfig without bootstrap.servers, for a Flink job
// that gets its brokers as an argument and its security settings (secrets included) from the
// file: the relay job's --kafka-properties-file.
func (c Conn) WriteJobClientConfig(dir string) (path string, remove func(), err error) {
	return c.writeJavaClientConfig(dir, "bootstrap.servers")
}

// propertiesText renders props in java.util.Properties syntax, sorted by key.
func propertiesText(props map[string]string) string {
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(propertiesEscape(props[k]))
		b.WriteByte('\n')
	}
	return b.String()
}

// propertiesEscape escapes a value for a .properties file: backslashes, line breaks (PEM
// blocks become one logical line) and a leading space.
func propertiesEscape(v string) string {
	r := strings.NewReplacer(`\`, `\\`, "\r", `\r`, "\n", `\n`)
	v = r.Replace(v)
	if strings.HasPrefix(v, " ") {
		v = `\` + v
	}
	return v
}

// jaasEscape escapes a JAAS option value inside double quotes.
func jaasEscape(v string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v)
}
