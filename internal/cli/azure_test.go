package cli

import (
	"errors"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
)

func TestAzureUpDryRunTier10(t *testing.T) {
	f, out, _ := testFactory()
	err := execute(newAzureUpCmd(f, defaultAzureDeps(), nil), "--tier", "10", "--resource-group", "RG", "--location", "westeurope", "--dry-run")
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
		err := execute(newAzureUpCmd(f, defaultAzureDeps(), nil), tc.args...)
		var fe *FlagError
		if err == nil || !errors.As(err, &fe) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err %v, want a flag error with %q", tc.args, err, tc.want)
		}
	}
}

func TestAzureDownAsksFirst(t *testing.T) {
	reached := errors.New("credentials reached")
	deps := &azureDeps{credential: func() (azcore.TokenCredential, error) { return nil, reached }}
	for _, tc := range []struct {
		in   string
		args []string
		want error
		msg  string
	}{
		{"other-rg\n", nil, nil, "not confirmed, nothing deleted"},
		{"", nil, nil, "not confirmed"},
		{"my-rg\n", nil, reached, ""},
		{"", []string{"--yes"}, reached, ""},
	} {
		f, _, _ := testFactory()
		f.IO.In = strings.NewReader(tc.in)
		f.Getenv = func(string) string { return "sub" }
		err := execute(newAzureDownCmd(f, deps, nil), append([]string{"--resource-group", "my-rg"}, tc.args...)...)
		if tc.want != nil && !errors.Is(err, tc.want) || tc.msg != "" && (err == nil || !strings.Contains(err.Error(), tc.msg)) {
			t.Errorf("input %q %v: err %v", tc.in, tc.args, err)
		}
	}
	f, _, _ := testFactory()
	if err := execute(newAzureDownCmd(f, deps, nil), "--yes"); err == nil || !strings.Contains(err.Error(), "--resource-group is required") {
		t.Errorf("no group: %v", err)
	}
}
