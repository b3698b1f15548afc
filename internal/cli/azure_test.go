package cli

import (
	"errors"
	"strings"
	"testing"
)

func TestAzureUpDryRunTier10(t *testing.T) {
	f, out, _ := testFactory()
	err := execute(newAzureUpCmd(f, nil), "--tier", "10", "--resource-group", "RG", "--location", "westeurope", "--dry-run")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"2 namespaces, Standard, 12 TU each; hubs in and out with 8 partitions",
		"parallelism 8 (= partitions)",
		"5 on Container Instances",
		"high availability kubernetes",
		"Flink UI: ClusterIP only, never exposed",
		"4 × Standard_D4s_v3",
		"kind: FlinkDeployment",
		"parallelism: 8",
		"high-availability.type: kubernetes",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("dry run lacks %q", want)
		}
	}
}

func TestAzureUpFlagErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--location", "westeurope", "--dry-run"}, "--resource-group is required"},
		{[]string{"--resource-group", "rg", "--location", "westeurope", "--guarantee", "exactly-once", "--dry-run"}, "Event Hubs Standard has no Kafka transactions"},
		{[]string{"--resource-group", "rg", "--location", "westeurope", "--sku", "basic", "--dry-run"}, "--sku"},
		{[]string{"--resource-group", "rg", "--location", "westeurope"}, "no subscription"},
	} {
		f, _, _ := testFactory()
		err := execute(newAzureUpCmd(f, nil), tc.args...)
		var fe *FlagError
		if err == nil || !errors.As(err, &fe) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err %v, want a flag error with %q", tc.args, err, tc.want)
		}
	}
}
