package azclient

import (
	"github.com/spf13/pflag"

	"github.com/streamscale/streamscale/internal/azure/plan"
)

// AddSubscriptionFlag adds --subscription, the same on every azure command that calls Azure
// (Subscription falls back on the environment's when it is not given).
func AddSubscriptionFlag(fs *pflag.FlagSet, sub *string) {
	fs.StringVar(sub, "subscription", "", "Azure subscription ID (env "+plan.EnvSubscription+")")
}
