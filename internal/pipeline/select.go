package pipeline

import (
	"errors"
	"fmt"
)

// The targets `run --target` names.
const (
	TargetLocal   = "local"
	TargetCluster = "cluster"
	TargetAzure   = "azure"
)

// SelectTarget checks the target name against the connection (external: a Kafka or Flink of
// the user's own, from flags, environment or an Event Hubs connection string): "" is local, or
// cluster when external. azure is refused with the command that runs there: `azure run` takes
// the deployment's flags (tier, resource group, prefix, sizes), none of the local or cluster
// connection flags. Its errors name the flags to change.
func SelectTarget(name string, external bool) (string, error) {
	switch name {
	case "":
		if external {
			return TargetCluster, nil
		}
		return TargetLocal, nil
	case TargetLocal:
		if external {
			return "", errors.New("--target local runs on the local stack: leave out --brokers/--flink-url (and STREAMSCALE_BROKERS, STREAMSCALE_FLINK_URL, EVENTHUB_CONNECTION_STRING), or use --target cluster")
		}
		return TargetLocal, nil
	case TargetCluster:
		if !external {
			return "", errors.New("--target cluster needs the cluster: pass --brokers and/or --flink-url (or STREAMSCALE_BROKERS, STREAMSCALE_FLINK_URL)")
		}
		return TargetCluster, nil
	case TargetAzure:
		return "", errors.New("--target azure: use `streamscale azure run --resource-group RG` with the flags `azure up` was given (see `streamscale azure run --help`)")
	}
	return "", fmt.Errorf("--target %q: use local or cluster (or `streamscale azure run` for Azure)", name)
}
