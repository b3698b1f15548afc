package hublimits

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/streamscale/streamscale/internal/kafkaconn"
)

const (
	// IngressBytesPerTU is Event Hubs Standard's ingress per throughput unit and second: 1 MB,
	// counted in decimal megabytes as the hub report's MAX VALUE line counts it (60 MB a minute).
	IngressBytesPerTU = 1_000_000
	// EgressBytesPerTU is Event Hubs Standard's egress per throughput unit and second: 2 MB.
	EgressBytesPerTU = 2_000_000
	// MaxMessageBytes is Event Hubs Standard's largest event (1 MB), the broker's
	// message.max.bytes under emulation (Kafka's own default is 1,048,588).
	MaxMessageBytes = 1_048_576
	// Principal is the user every client of the local broker's PLAINTEXT listener is: Kafka's
	// KafkaPrincipal.ANONYMOUS. The quotas are set on it, so all clients share them.
	Principal = "ANONYMOUS"
	// QuotaWindowSeconds is how long Kafka averages a client quota over: its defaults,
	// quota.window.num 11 samples of quota.window.size.seconds 1, of which the rate is taken
	// over at least 10. A client idle that long may push 10 s worth of the limit at once.
	QuotaWindowSeconds = 10

	producerByteRate = "producer_byte_rate"
	consumerByteRate = "consumer_byte_rate"
)

// Limits are the Event Hubs Standard limits of one sample tier; the zero value is no limits.
type Limits struct {
	// Tier is the sample's tier (1, 5 or 10); 0 means no emulation.
	Tier int `json:"tier"`
	// ThroughputUnits are the tier's throughput units (2, 6 or 12).
	ThroughputUnits int `json:"throughputUnits"`
	// IngressBytesPerSec is what all clients together may produce per second.
	IngressBytesPerSec int64 `json:"ingressBytesPerSec"`
	// EgressBytesPerSec is what all clients together may fetch per second.
	EgressBytesPerSec int64 `json:"egressBytesPerSec"`
}

// ForTier returns the limits of a sample tier's throughput units, or no limits for tier 0.
func ForTier(tier int) (Limits, error) {
	if tier == 0 {
		return Limits{}, nil
	}
	tu, err := kafkaconn.ThroughputUnitsForTier(tier)
	if err != nil {
		return Limits{}, fmt.Errorf("eventhubs-tier: %w (0: no limits)", err)
	}
	return Limits{Tier: tier, ThroughputUnits: tu,
		IngressBytesPerSec: int64(tu) * IngressBytesPerTU, EgressBytesPerSec: int64(tu) * EgressBytesPerTU}, nil
}

// Enabled reports whether the limits emulate a tier.
func (l Limits) Enabled() bool { return l.Tier > 0 }

// String describes the limits in one phrase for status lines.
func (l Limits) String() string {
	if !l.Enabled() {
		return "none"
	}
	return fmt.Sprintf("Event Hubs Standard tier %d: %d TUs, %s in, %s out, messages up to 1 MB, no transactions",
		l.Tier, l.ThroughputUnits, mbps(l.IngressBytesPerSec), mbps(l.EgressBytesPerSec))
}

func mbps(b int64) string { return strconv.FormatFloat(float64(b)/1e6, 'f', -1, 64) + " MB/s" }

// BrokerProperties are the server.properties entries of a broker emulating the tier: the
// message size limit, and an authorizer that allows everything no ACL speaks about (Apply adds
// the one ACL: no transactional ids). None without emulation.
func (l Limits) BrokerProperties() [][2]string {
	if !l.Enabled() {
		return nil
	}
	return [][2]string{
		{"message.max.bytes", strconv.Itoa(MaxMessageBytes)},
		{"authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer"},
		{"allow.everyone.if.no.acl.found", "true"},
	}
}

// quotaEntry is the client-quota change that sets the limits on Principal, or removes them.
func (l Limits) quotaEntry() kadm.AlterClientQuotaEntry {
	user := Principal
	entity := kadm.ClientQuotaEntity{{Type: "user", Name: &user}}
	if !l.Enabled() {
		return kadm.AlterClientQuotaEntry{Entity: entity, Ops: []kadm.AlterClientQuotaOp{
			{Key: producerByteRate, Remove: true}, {Key: consumerByteRate, Remove: true}}}
	}
	return kadm.AlterClientQuotaEntry{Entity: entity, Ops: []kadm.AlterClientQuotaOp{
		{Key: producerByteRate, Value: float64(l.IngressBytesPerSec)},
		{Key: consumerByteRate, Value: float64(l.EgressBytesPerSec)},
	}}
}

// denyTransactions is the ACL that refuses every transactional id to every user: the literal
// resource name "*" is Kafka's wildcard, and a DENY wins over everything else.
func denyTransactions() *kadm.ACLBuilder {
	return kadm.NewACLs().TransactionalIDs("*").Deny("User:*").Operations(kadm.OpAll).
		ResourcePatternType(kadm.ACLPatternLiteral)
}

// Apply sets the limits on a running broker started with BrokerProperties: the byte-rate
// quotas on Principal and the ACL that refuses transactions. Without emulation it removes
// quotas a previous emulation left (the broker keeps them in its metadata log); the ACL stays
// there but binds nothing, as such a broker runs no authorizer.
func Apply(ctx context.Context, adm *kadm.Client, l Limits) error {
	res, err := adm.AlterClientQuotas(ctx, []kadm.AlterClientQuotaEntry{l.quotaEntry()})
	if err != nil {
		return fmt.Errorf("set Event Hubs quotas: %w", err)
	}
	for _, r := range res {
		if r.Err != nil {
			return fmt.Errorf("set Event Hubs quotas on %s: %w %s", r.Entity, r.Err, r.ErrMessage)
		}
	}
	if !l.Enabled() {
		return nil
	}
	created, err := adm.CreateACLs(ctx, denyTransactions())
	if err != nil {
		return fmt.Errorf("refuse transactions: %w", err)
	}
	for _, c := range created {
		if c.Err != nil {
			return fmt.Errorf("refuse transactions: %w %s", c.Err, c.ErrMessage)
		}
	}
	return nil
}

// ErrTransactions is what RefuseTransactions wraps.
var ErrTransactions = errors.New("no Kafka transactions on Event Hubs Standard")

// RefuseTransactions fails, naming the tier and what to do instead, when the broker emulates a
// tier: call it before starting anything that needs transactions (the exactly-once relay).
func (l Limits) RefuseTransactions() error {
	if !l.Enabled() {
		return nil
	}
	return fmt.Errorf("%w: the local broker emulates tier %d's namespace (local up --eventhubs-tier %d) and refuses them: use --guarantee at-least-once, or restart the stack without --eventhubs-tier",
		ErrTransactions, l.Tier, l.Tier)
}

// IsTransactionRefused reports whether err is the broker refusing a transactional id, as an
// emulating broker does.
func IsTransactionRefused(err error) bool {
	return errors.Is(err, kerr.TransactionalIDAuthorizationFailed)
}
