package hublimits

import (
	"errors"
	"strings"
	"testing"
)

func TestForTierComputesPerTULimits(t *testing.T) {
	for _, tc := range []struct {
		tier             int
		tus              int
		ingress, egress  int64
		wantErr, enabled bool
	}{
		{tier: 0},
		{tier: 1, tus: 2, ingress: 2_000_000, egress: 4_000_000, enabled: true},
		{tier: 5, tus: 6, ingress: 6_000_000, egress: 12_000_000, enabled: true},
		{tier: 10, tus: 12, ingress: 12_000_000, egress: 24_000_000, enabled: true},
		{tier: 2, wantErr: true},
		{tier: -1, wantErr: true},
	} {
		l, err := ForTier(tc.tier)
		if (err != nil) != tc.wantErr {
			t.Fatalf("tier %d: err %v, want error %v", tc.tier, err, tc.wantErr)
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), "eventhubs-tier: ") {
				t.Errorf("tier %d: error %q does not name the flag", tc.tier, err)
			}
			continue
		}
		if l.ThroughputUnits != tc.tus || l.IngressBytesPerSec != tc.ingress || l.EgressBytesPerSec != tc.egress || l.Enabled() != tc.enabled {
			t.Errorf("tier %d: %+v, want %d TUs, %d B/s in, %d B/s out", tc.tier, l, tc.tus, tc.ingress, tc.egress)
		}
	}
}

func TestBrokerPropertiesOnlyWhenEmulating(t *testing.T) {
	if p := (Limits{}).BrokerProperties(); p != nil {
		t.Fatalf("no tier: %v, want no broker settings", p)
	}
	l, _ := ForTier(1)
	got := map[string]string{}
	for _, kv := range l.BrokerProperties() {
		got[kv[0]] = kv[1]
	}
	want := map[string]string{
		"message.max.bytes":              "1048576",
		"authorizer.class.name":          "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
		"allow.everyone.if.no.acl.found": "true",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("broker settings %v, want exactly %v", got, want)
	}
}

func TestQuotaEntrySetsOrRemovesBothRatesOnThePrincipal(t *testing.T) {
	l, _ := ForTier(5)
	for _, tc := range []struct {
		l      Limits
		remove bool
		values map[string]float64
	}{
		{l: l, values: map[string]float64{producerByteRate: 6e6, consumerByteRate: 12e6}},
		{l: Limits{}, remove: true, values: map[string]float64{producerByteRate: 0, consumerByteRate: 0}},
	} {
		e := tc.l.quotaEntry()
		if len(e.Entity) != 1 || e.Entity[0].Type != "user" || e.Entity[0].Name == nil || *e.Entity[0].Name != "ANONYMOUS" {
			t.Fatalf("entity %v, want the one user ANONYMOUS (not the default entity, not a client id)", e.Entity)
		}
		if len(e.Ops) != len(tc.values) {
			t.Fatalf("ops %+v, want %v", e.Ops, tc.values)
		}
		for _, op := range e.Ops {
			if want, ok := tc.values[op.Key]; !ok || op.Value != want || op.Remove != tc.remove {
				t.Errorf("op %+v, want value %v remove %v", op, want, tc.remove)
			}
		}
	}
}

func TestDenyTransactionsIsAValidWildcardDeny(t *testing.T) {
	b := denyTransactions()
	if err := b.ValidateCreate(); err != nil {
		t.Fatalf("the ACL would not be created: %v", err)
	}
}

func TestRefuseTransactionsNamesTierAndWayOut(t *testing.T) {
	if err := (Limits{}).RefuseTransactions(); err != nil {
		t.Fatalf("no tier: %v", err)
	}
	l, _ := ForTier(10)
	err := l.RefuseTransactions()
	if !errors.Is(err, ErrTransactions) {
		t.Fatalf("got %v, want ErrTransactions", err)
	}
	for _, s := range []string{"tier 10", "--guarantee at-least-once", "--eventhubs-tier"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("%q does not say %q", err, s)
		}
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("%q is more than one line", err)
	}
}
