package up

import (
	"github.com/streamscale/streamscale/internal/azure/azclient"
	"github.com/streamscale/streamscale/internal/azure/aztarget"
	"github.com/streamscale/streamscale/internal/azure/plan"
)

// ExistingPlan is the plan `up` was given, for `azure run`'s names and sizes (aztarget.Plan:
// the location is the resource group's, read by aztarget.Open). Every error is an *InputError.
func ExistingPlan(s Settings) (*plan.Plan, error) {
	c, err := s.Parse()
	if err != nil {
		return nil, err
	}
	p, err := aztarget.Plan(c)
	if err != nil {
		return nil, inputErr(err)
	}
	if err := azclient.Require(p.Config.Subscription); err != nil {
		return nil, inputErr(err)
	}
	return p, nil
}
