package local

import (
	"context"
	"io"
	"strings"
	"testing"
)

func TestConfigValidateEventHubsTier(t *testing.T) {
	for _, tc := range []struct {
		tier    int
		wantErr string
	}{{0, ""}, {1, ""}, {5, ""}, {10, ""}, {3, "eventhubs-tier: "}, {-1, "eventhubs-tier: "}} {
		c := DefaultConfig()
		c.EventHubsTier = tc.tier
		err := c.Validate()
		if (tc.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.wantErr)) {
			t.Errorf("tier %d: Validate() = %v, want error containing %q", tc.tier, err, tc.wantErr)
		}
	}
}

func TestKafkaPropertiesEmulateOnlyWithATier(t *testing.T) {
	c := DefaultConfig()
	plain := parseProps(kafkaProperties(c, 0, "/data"))
	for _, k := range []string{"authorizer.class.name", "message.max.bytes", "allow.everyone.if.no.acl.found"} {
		if v, ok := plain[k]; ok {
			t.Errorf("without a tier the broker gets %s=%s; Kafka's default was today's behaviour", k, v)
		}
	}
	c.EventHubsTier = 1
	tier := parseProps(kafkaProperties(c, 0, "/data"))
	if tier["message.max.bytes"] != "1048576" || tier["authorizer.class.name"] == "" || tier["allow.everyone.if.no.acl.found"] != "true" {
		t.Errorf("tier 1 broker settings: %v", tier)
	}
}

func TestKeepEventHubsTier(t *testing.T) {
	for _, tc := range []struct {
		asked, running, want int
		wantErr              string
	}{
		{asked: 0, running: 0, want: 0},
		{asked: 1, running: 1, want: 1},
		{asked: 0, running: 5, want: 5},
		{asked: 1, running: 0, wantErr: "runs with no Event Hubs limits: stop it with `streamscale local down` before starting it with --eventhubs-tier 1"},
		{asked: 10, running: 1, wantErr: "runs with Event Hubs tier 1's limits"},
	} {
		c := DefaultConfig()
		c.EventHubsTier = tc.asked
		err := c.keepEventHubsTier(tc.running, io.Discard)
		switch {
		case tc.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("asked %d, running %d: %v, want error containing %q", tc.asked, tc.running, err, tc.wantErr)
			}
		case err != nil || c.EventHubsTier != tc.want:
			t.Errorf("asked %d, running %d: tier %d, err %v; want tier %d", tc.asked, tc.running, c.EventHubsTier, err, tc.want)
		}
	}
}

func TestRecordedTierReachesStatusAndEndpoints(t *testing.T) {
	for _, tier := range []int{0, 5} {
		c := DefaultConfig()
		c.Home = t.TempDir()
		c.EventHubsTier = tier
		st := &state{Version: stateVersion, Config: saved(c)}
		if err := st.save(layout{home: c.Home}); err != nil {
			t.Fatal(err)
		}
		ep, err := ReadEndpoints(c.Home)
		if err != nil {
			t.Fatal(err)
		}
		if ep.EventHubs.Tier != tier || (tier == 5 && ep.EventHubs.ThroughputUnits != 6) {
			t.Errorf("recorded tier %d: endpoints carry %+v", tier, ep.EventHubs)
		}
		s, err := New(c, nil)
		if err != nil {
			t.Fatal(err)
		}
		status, err := s.Status(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if got := status.Kafka.EventHubs; (tier == 0) != (got == nil) || (got != nil && got.Tier != tier) {
			t.Errorf("recorded tier %d: status shows %+v", tier, got)
		}
	}
}
