package aztarget

import (
	"strings"
	"testing"

	"github.com/streamscale/streamscale/internal/azure/provision"
)

// TestOutConn: the listen rule's connection string becomes namespace #2's Kafka endpoint; a
// malformed one is an error that does not repeat the secret.
func TestOutConn(t *testing.T) {
	for _, tc := range []struct {
		conn, wantBroker, wantErr string
	}{
		{" " + connString("ns2", "verifier-listen") + "\n", "ns2.servicebus.windows.net:9093", ""},
		{"SharedAccessKey=" + fakeKey, "", "verifier-listen rule"},
	} {
		c, err := ToVerify{Out: provision.NewSecret(tc.conn)}.OutConn()
		switch {
		case tc.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || strings.Contains(err.Error(), fakeKey) {
				t.Errorf("OutConn(bad) error %v, want one naming %q without the key", err, tc.wantErr)
			}
		case err != nil || len(c.Brokers) != 1 || c.Brokers[0] != tc.wantBroker:
			t.Errorf("OutConn brokers %v, %v; want [%s]", c.Brokers, err, tc.wantBroker)
		}
	}
}
