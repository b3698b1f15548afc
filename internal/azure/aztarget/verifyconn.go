package aztarget

import (
	"fmt"
	"strings"

	"github.com/streamscale/streamscale/internal/kafkaconn"
)

// OutConn is the connection to namespace #2 with the verifier's listen-only rule: the same
// Event Hubs client settings as a connection string from the environment.
func (v ToVerify) OutConn() (kafkaconn.Conn, error) {
	c, err := kafkaconn.ParseEventHubsConnectionString(strings.TrimSpace(v.Out.Reveal()))
	if err != nil {
		return kafkaconn.Conn{}, fmt.Errorf("namespace #2's verifier-listen rule: %w", err)
	}
	return c, nil
}
