package azclient

import (
	"errors"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"

	"github.com/streamscale/streamscale/internal/azure/plan"
)

func TestSubscription(t *testing.T) {
	env := func(k string) string {
		if k == plan.EnvSubscription {
			return "from-env"
		}
		return ""
	}
	for _, tc := range []struct {
		flag   string
		getenv func(string) string
		want   string
	}{
		{"flag", env, "flag"},
		{"", env, "from-env"},
		{"", nil, ""},
		{"", func(string) string { return "" }, ""},
	} {
		got := Subscription(tc.flag, tc.getenv)
		if got != tc.want {
			t.Errorf("Subscription(%q): %q, want %q", tc.flag, got, tc.want)
		}
		if err := Require(got); (err != nil) != (tc.want == "") || err != nil && !errors.Is(err, plan.ErrNoSubscription) {
			t.Errorf("Require(%q): %v", got, err)
		}
	}
}

// TestClientsBuildOnce_FakeCredential: the credential is made once however often it is asked
// for, the ARM set once per subscription, and no subscription is refused before any is made.
func TestClientsBuildOnce_FakeCredential(t *testing.T) {
	made := 0
	c := &Clients{NewCredential: func() (azcore.TokenCredential, error) { made++; return &azfake.TokenCredential{}, nil }}
	if _, err := c.ARM(""); !errors.Is(err, plan.ErrNoSubscription) || made != 0 {
		t.Fatalf("no subscription: %v, credential made %d times", err, made)
	}
	a, err := c.ARM("sub")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := c.ARM("sub")
	other, _ := c.ARM("other")
	if a != b || a == other || a.Subscription != "sub" || made != 1 {
		t.Errorf("sets %p %p %p, credential made %d times", a, b, other, made)
	}
	failing := &Clients{NewCredential: func() (azcore.TokenCredential, error) { return nil, errors.New("no login") }}
	if _, err := failing.ARM("sub"); err == nil || err.Error() != "no login" {
		t.Errorf("credential error: %v", err)
	}
}
