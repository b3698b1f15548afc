package plan_test

import (
	"testing"

	"github.com/streamscale/streamscale/internal/azure/hdinsight"
	"github.com/streamscale/streamscale/internal/azure/plan"
)

// TestHDInsightInstallsThePinnedFlink: the HDInsight script action installs the release the
// AKS path pins, so the job's dependencies fit both.
func TestHDInsightInstallsThePinnedFlink(t *testing.T) {
	if hdinsight.FlinkDistVersion != plan.FlinkRelease {
		t.Errorf("HDInsight installs Flink %s, plan.FlinkRelease is %s", hdinsight.FlinkDistVersion, plan.FlinkRelease)
	}
}
