package kafkaconn

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// EnvConnectionString is the environment variable FromEnvironment reads an Event Hubs
// connection string from.
const EnvConnectionString = "EVENTHUB_CONNECTION_STRING"

// Event Hubs' Kafka endpoint limits and Microsoft's recommended client settings, from
// "Recommended configurations for Apache Kafka clients"
// (https://learn.microsoft.com/azure/event-hubs/apache-kafka-configurations).
const (
	// eventHubsPort is the Kafka endpoint's port (SASL_SSL only).
	eventHubsPort = "9093"
	// eventHubsMetadataMaxAge is metadata.max.age.ms: 180000 recommended, below 240000.
	eventHubsMetadataMaxAge = 180 * time.Second
	// eventHubsConnIdleTimeout is connections.max.idle.ms: 180000 recommended, below 240000,
	// because Azure drops TCP connections idle for more than 240 s and a client that writes on
	// such a dead connection sees its batches expire.
	eventHubsConnIdleTimeout = 180 * time.Second
	// eventHubsMaxRequestBytes is the largest request Event Hubs takes: it closes the
	// connection on anything larger than 1,046,528 bytes.
	eventHubsMaxRequestBytes = 1_046_528
	// eventHubsMaxBatchBytes is max.request.size: 1000000 recommended. It stays below
	// eventHubsMaxRequestBytes to leave room for the produce request's own header.
	eventHubsMaxBatchBytes = EventHubsMaxBatchBytes
	// eventHubsRequestTimeout is request.timeout.ms: 30000..60000 recommended, above 20000,
	// since the service itself may take up to 20 s; 60000 is the value the page asks for.
	eventHubsRequestTimeout = 60 * time.Second
)

// ParseEventHubsConnectionString turns an Azure Event Hubs connection string,
//
//	Endpoint=sb://<namespace>.servicebus.windows.net/;SharedAccessKeyName=<name>;SharedAccessKey=<key>[;EntityPath=<hub>]
//
// into a Conn for the namespace's Kafka endpoint: broker <namespace host>:9093, TLS, SASL
// PLAIN with username "$ConnectionString" and the whole connection string as password, and
// EventHubs set so that Opts applies Microsoft's client settings. The EntityPath, if present,
// goes to Conn.EventHub. A SharedAccessSignature=… instead of the key name and key is accepted
// too. Keys are case-insensitive; spaces around parts and a trailing ";" are ignored, as are
// keys this function does not use.
//
// The errors say which part is missing or malformed and never quote the string, since any
// part of a malformed string may hold the key.
func ParseEventHubsConnectionString(s string) (Conn, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Conn{}, errors.New("connection string: empty: copy it from the Event Hubs namespace's Shared access policies in the Azure portal")
	}
	parts := map[string]string{}
	for i, seg := range strings.Split(s, ";") {
		seg = strings.TrimSpace(seg)
		if seg == "" {
			continue
		}
		k, v, ok := strings.Cut(seg, "=")
		if !ok {
			return Conn{}, fmt.Errorf("connection string: part %d has no '=': expected Key=Value parts separated by ';'", i+1)
		}
		k = strings.ToLower(strings.TrimSpace(k))
		if _, dup := parts[k]; dup {
			return Conn{}, fmt.Errorf("connection string: %s appears twice", canonicalKey(k))
		}
		parts[k] = strings.TrimSpace(v)
	}
	host, err := endpointHost(parts)
	if err != nil {
		return Conn{}, err
	}
	if sig, ok := parts["sharedaccesssignature"]; ok {
		if sig == "" {
			return Conn{}, errors.New("connection string: SharedAccessSignature is empty")
		}
	} else {
		for _, k := range []string{"sharedaccesskeyname", "sharedaccesskey"} {
			v, ok := parts[k]
			if !ok {
				return Conn{}, fmt.Errorf("connection string: missing %s=…", canonicalKey(k))
			}
			if v == "" {
				return Conn{}, fmt.Errorf("connection string: %s is empty", canonicalKey(k))
			}
		}
	}
	hub, hasHub := parts["entitypath"]
	if hasHub && hub == "" {
		return Conn{}, errors.New("connection string: EntityPath is empty: drop it or name the event hub")
	}
	return Conn{
		Brokers:       []string{host + ":" + eventHubsPort},
		TLS:           true,
		SASLMechanism: SASLPlain,
		Username:      "$ConnectionString",
		Password:      s,
		EventHubs:     true,
		EventHub:      hub,
	}, nil
}

// endpointHost is the namespace host of the Endpoint=sb://<host>/ part.
func endpointHost(parts map[string]string) (string, error) {
	ep, ok := parts["endpoint"]
	if !ok || ep == "" {
		return "", errors.New("connection string: missing Endpoint=sb://<namespace>.servicebus.windows.net/")
	}
	const scheme = "sb://"
	if len(ep) < len(scheme) || !strings.EqualFold(ep[:len(scheme)], scheme) {
		return "", errors.New("connection string: Endpoint must start with sb:// (sb://<namespace>.servicebus.windows.net/)")
	}
	host := strings.TrimRight(ep[len(scheme):], "/")
	if host == "" || strings.ContainsAny(host, "/?#@ :") {
		return "", errors.New("connection string: Endpoint is not sb://<namespace>.servicebus.windows.net/: the host is empty or has a path, port or spaces")
	}
	return strings.ToLower(host), nil
}

// canonicalKey spells a lower-cased connection string key as Azure does.
func canonicalKey(k string) string {
	switch k {
	case "endpoint":
		return "Endpoint"
	case "sharedaccesskeyname":
		return "SharedAccessKeyName"
	case "sharedaccesskey":
		return "SharedAccessKey"
	case "sharedaccesssignature":
		return "SharedAccessSignature"
	case "entitypath":
		return "EntityPath"
	}
	return "a key"
}

// FromEnvironment finds an Event Hubs connection string and parses it: from
// connectionStringFile if that is non-empty (surrounding whitespace trimmed), else from the
// EVENTHUB_CONNECTION_STRING environment variable through getenv. ok is false, with no error,
// when no file is given and the variable is unset or blank. The errors name the file or the
// variable, never the string.
func FromEnvironment(getenv func(string) string, connectionStringFile string) (conn Conn, ok bool, err error) {
	if connectionStringFile != "" {
		b, rerr := os.ReadFile(connectionStringFile)
		if rerr != nil {
			return Conn{}, false, fmt.Errorf("read Event Hubs connection string: %w", rerr)
		}
		s := strings.TrimSpace(string(b))
		if s == "" {
			return Conn{}, false, fmt.Errorf("connection string file %s is empty: put the Event Hubs connection string in it", connectionStringFile)
		}
		conn, err = ParseEventHubsConnectionString(s)
		if err != nil {
			return Conn{}, false, fmt.Errorf("%s: %w", connectionStringFile, err)
		}
		return conn, true, nil
	}
	s := strings.TrimSpace(getenv(EnvConnectionString))
	if s == "" {
		return Conn{}, false, nil
	}
	conn, err = ParseEventHubsConnectionString(s)
	if err != nil {
		return Conn{}, false, fmt.Errorf("%s: %w", EnvConnectionString, err)
	}
	return conn, true, nil
}

// EventHubsMaxBatchBytes is the largest producer batch Microsoft recommends for Event Hubs
// (max.request.size 1,000,000); a larger one is refused.
const EventHubsMaxBatchBytes = 1_000_000

// eventHubsOpts are the franz-go equivalents of Microsoft's recommended Kafka client settings
// for Event Hubs (see the constants above). franz-go's other defaults already fit: retries are
// unlimited within the record timeout, and the group session timeout (45 s) is above the 30 s
// the page asks for.
func (c Conn) eventHubsOpts() []kgo.Opt {
	return []kgo.Opt{
		kgo.MetadataMaxAge(eventHubsMetadataMaxAge),
		kgo.ConnIdleTimeout(eventHubsConnIdleTimeout),
		kgo.RequestTimeoutOverhead(eventHubsRequestTimeout),
		kgo.BrokerMaxWriteBytes(eventHubsMaxRequestBytes),
		kgo.ProducerBatchMaxBytes(eventHubsMaxBatchBytes),
		// Microsoft documents idempotent produce on Event Hubs only as part of its Kafka
		// transactions (public preview, Premium and Dedicated tiers); for the Standard tier it
		// is not documented. Off, so that the same settings work on every tier: writes are
		// at-least-once and a retry may duplicate a record. A caller that sets a
		// TransactionalID must not use these options unchanged (franz-go rejects the pair).
		kgo.DisableIdempotentWrite(),
	}
}
