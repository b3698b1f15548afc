package generate

// InstanceRate is one instance's share of a total rate that instances generators send together
// (as the sample's 5 simulators share a tier's 10,000 events/s).
func InstanceRate(total float64, instances int) float64 {
	return total / float64(max(instances, 1))
}
