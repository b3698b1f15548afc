package dashboard

import (
	"strconv"

	"github.com/streamscale/streamscale/internal/kafkaconn"
)

// SetTier shows the sample's tier in the header and, unless unitsGiven, sets the throughput
// units of the MAX VALUE lines to the tier's (2/6/12).
func (i *Info) SetTier(tier int, unitsGiven bool) error {
	units, err := kafkaconn.ThroughputUnitsForTier(tier)
	if err != nil {
		return err
	}
	i.Tier = strconv.Itoa(tier)
	if !unitsGiven {
		i.ThroughputUnits = units
	}
	return nil
}
