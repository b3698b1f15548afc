package manifest

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/streamscale/streamscale/internal/azure/plan"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func testPlan(t *testing.T, tier int) *plan.Plan {
	t.Helper()
	p, err := plan.New(plan.Config{Tier: tier, ResourceGroup: "RG", Location: "westeurope"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestManifestsGolden(t *testing.T) {
	for _, tier := range []int{1, 5, 10} {
		t.Run("tier"+strconv.Itoa(tier), func(t *testing.T) {
			var b bytes.Buffer
			if err := Build(testPlan(t, tier), Inputs{}).Write(&b); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "manifests-tier"+strconv.Itoa(tier)+".yaml")
			if *update {
				if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (go test -update creates it)", err)
			}
			if !bytes.Equal(b.Bytes(), want) {
				t.Errorf("%s differs (go test -update rewrites it):\n%s", path, b.Bytes())
			}
		})
	}
}

func TestPrintedManifestsHoldNoSecret(t *testing.T) {
	const in, out = "Endpoint=sb://x/;SharedAccessKeyName=job-listen;SharedAccessKey=SECRETIN", "SECRETOUT"
	set := Build(testPlan(t, 5), Inputs{InConnectionString: in, OutConnectionString: out, FlinkIdentityClientID: "cid"})
	if set.Secret.StringData[plan.SecretKeyIn] != in || set.Secret.StringData[plan.SecretKeyOut] != out {
		t.Fatalf("the applied secret lacks the connection strings")
	}
	var b bytes.Buffer
	if err := set.Write(&b); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "SECRETIN") || strings.Contains(b.String(), "SECRETOUT") {
		t.Errorf("printed manifests hold a connection string:\n%s", b.String())
	}
	if set.Secret.StringData[plan.SecretKeyIn] != in {
		t.Errorf("printing redacted the set's own secret")
	}
}
