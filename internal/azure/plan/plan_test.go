package plan

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/streamscale/streamscale/internal/relay"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it):\n%s", name, got)
	}
}

func TestDryRunGolden(t *testing.T) {
	for _, tier := range []int{1, 5, 10} {
		t.Run("tier"+strconv.Itoa(tier), func(t *testing.T) {
			p, err := New(Config{Tier: tier, ResourceGroup: "RG", Location: "westeurope"})
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := p.Write(&b); err != nil {
				t.Fatal(err)
			}
			golden(t, "dryrun-tier"+strconv.Itoa(tier)+".txt", b.Bytes())
		})
	}
}

// TestDryRunComplex: the complex job's plan names its own FlinkDeployment, the ComplexJob
// class, its Flink job name and consumer group, says the relay's deployment goes, and has the
// generators send mixed types; the relay's plan (the goldens above) says none of it.
func TestDryRunComplex(t *testing.T) {
	p, err := New(Config{Tier: 1, ResourceGroup: "RG", Location: "westeurope", Job: relay.JobComplex})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := p.Write(&b); err != nil {
		t.Fatal(err)
	}
	golden(t, "dryrun-tier1-complex.txt", b.Bytes())
	out := b.String()
	for _, want := range []string{
		"streamscale/streamscale-complex",
		"job complex: local:///opt/flink/usrlib/relay-job.jar (io.streamscale.tags.ComplexJob), Flink job streamscale-complex in->out, consumer group streamscale-complex",
		"the relay's FlinkDeployment streamscale/streamscale-relay is deleted first when it is there",
		"--duration 10m0s --mixed-types",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("complex dry run lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, relay.EntryClass) {
		t.Errorf("complex dry run names the relay's class:\n%s", out)
	}
	if got := p.DeploymentName(); got != ComplexDeploymentName {
		t.Errorf("DeploymentName = %q, want %q", got, ComplexDeploymentName)
	}
	if got := p.OtherDeploymentName(); got != DeploymentName {
		t.Errorf("OtherDeploymentName = %q, want %q", got, DeploymentName)
	}
	if cmd := strings.Join(p.GeneratorCommand(0), " "); !strings.HasSuffix(cmd, " --mixed-types") {
		t.Errorf("complex generator command %q lacks --mixed-types", cmd)
	}
	r, err := New(Config{Tier: 1, ResourceGroup: "RG", Location: "westeurope"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Config.Job != relay.JobRelay || r.DeploymentName() != DeploymentName || r.OtherDeploymentName() != ComplexDeploymentName {
		t.Errorf("default plan: job %q, deployment %q, other %q", r.Config.Job, r.DeploymentName(), r.OtherDeploymentName())
	}
}

// TestTiersAreTheSamples checks the table against the sample's tiers line by line.
func TestTiersAreTheSamples(t *testing.T) {
	want := map[int]struct {
		tu, partitions, generators, nodes int
		vm                                string
	}{
		1:  {2, 2, 1, 3, "Standard_D2s_v3"},
		5:  {6, 4, 3, 5, "Standard_D2s_v3"},
		10: {12, 8, 5, 4, "Standard_D4s_v3"},
	}
	for n, w := range want {
		p, err := New(Config{Tier: n, ResourceGroup: "rg", Location: "westeurope"})
		if err != nil {
			t.Fatal(err)
		}
		got := p.Tier
		if got.ThroughputUnits != w.tu || got.Partitions != w.partitions || got.Generators != w.generators ||
			got.NodeCount != w.nodes || got.NodeVMSize != w.vm || got.Parallelism != w.partitions || p.Capacity != w.tu {
			t.Errorf("tier %d = %+v, want %+v with parallelism = partitions", n, got, w)
		}
		if got.TaskManagers()*got.SlotsPerTaskManager < got.Parallelism {
			t.Errorf("tier %d: %d TaskManagers × %d slots < parallelism %d", n, got.TaskManagers(), got.SlotsPerTaskManager, got.Parallelism)
		}
		if len(p.Names.GeneratorGroups) != w.generators {
			t.Errorf("tier %d: %d generator groups", n, len(p.Names.GeneratorGroups))
		}
	}
}

func TestOverrides(t *testing.T) {
	p, err := New(Config{Tier: 1, ResourceGroup: "rg", Location: "westeurope",
		Overrides: Overrides{Partitions: 6, Generators: 2, ThroughputUnits: 3, NodeCount: 2, NodeVMSize: "Standard_D8s_v3"}})
	if err != nil {
		t.Fatal(err)
	}
	if tr := p.Tier; tr.Partitions != 6 || tr.Parallelism != 6 || tr.Generators != 2 || tr.ThroughputUnits != 3 ||
		tr.NodeCount != 2 || tr.NodeVMSize != "Standard_D8s_v3" {
		t.Errorf("overridden tier = %+v", tr)
	}
	p, err = New(Config{Tier: 1, ResourceGroup: "rg", Location: "westeurope", Overrides: Overrides{Partitions: 6, Parallelism: 3}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Tier.Parallelism != 3 {
		t.Errorf("parallelism %d, want the explicit 3", p.Tier.Parallelism)
	}
}

func TestBadInputIsOneLineNamingTheFlag(t *testing.T) {
	ok := Config{Tier: 5, ResourceGroup: "rg", Location: "westeurope"}
	for _, tc := range []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"tier", func(c *Config) { c.Tier = 3 }, "--tier 3"},
		{"no group", func(c *Config) { c.ResourceGroup = "" }, "--resource-group is required"},
		{"bad group", func(c *Config) { c.ResourceGroup = "a b" }, "--resource-group"},
		{"no location", func(c *Config) { c.Location = "" }, "--location is required"},
		{"bad location", func(c *Config) { c.Location = "West Europe" }, "--location"},
		{"prefix upper", func(c *Config) { c.Prefix = "Stream" }, "--prefix"},
		{"prefix long", func(c *Config) { c.Prefix = "abcdefghijkl" }, "--prefix"},
		{"prefix digit", func(c *Config) { c.Prefix = "1abc" }, "--prefix"},
		{"exactly-once standard", func(c *Config) { c.Guarantee = relay.ExactlyOnce }, "Event Hubs Standard has no Kafka transactions"},
		{"guarantee", func(c *Config) { c.Guarantee = "twice" }, "--guarantee"},
		{"job", func(c *Config) { c.Job = "batch" }, "--job: unknown job \"batch\": use relay or complex"},
		{"tu", func(c *Config) { c.Overrides.ThroughputUnits = 41 }, "--throughput-units 41"},
		{"partitions", func(c *Config) { c.Overrides.Partitions = 33 }, "--partitions 33"},
		{"vm", func(c *Config) { c.Overrides.NodeVMSize = "big" }, "--node-vm-size"},
		{"pu on standard", func(c *Config) { c.ProcessingUnits = 2 }, "--processing-units is for --sku premium"},
		{"pu", func(c *Config) { c.SKU = Premium; c.ProcessingUnits = 3 }, "--processing-units 3"},
		{"retention", func(c *Config) { c.RetentionDays = 8 }, "--retention-days 8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := ok
			tc.edit(&c)
			_, err := New(c)
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %v, want one line containing %q", err, tc.want)
			}
		})
	}
}

func TestPremiumExactlyOnceIsAPreview(t *testing.T) {
	p, err := New(Config{Tier: 10, ResourceGroup: "rg", Location: "westeurope", SKU: Premium, Guarantee: relay.ExactlyOnce})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := p.Write(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Premium, 4 PU", "guarantee exactly-once", "a preview feature"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("premium plan lacks %q:\n%s", want, b.String())
		}
	}
}

func TestNamesAreDeterministicValidAndDistinct(t *testing.T) {
	a := NewNames("streamscale", "rg-1", 5)
	if b := NewNames("streamscale", "rg-1", 5); a.NamespaceIn != b.NamespaceIn || a.StorageAccount != b.StorageAccount {
		t.Errorf("same inputs gave %+v and %+v", a, b)
	}
	if c := NewNames("streamscale", "rg-2", 5); c.StorageAccount == a.StorageAccount || c.Registry == a.Registry {
		t.Errorf("two groups share globally unique names: %s", c.StorageAccount)
	}
	for _, prefix := range []string{"abc", "streamscale", "z0123456789"} {
		n := NewNames(prefix, strings.Repeat("g", 90), 100)
		if err := n.check(); err != nil {
			t.Errorf("prefix %s: %v", prefix, err)
		}
	}
}

func TestRulesAreLeastPrivilege(t *testing.T) {
	rights := map[string][]string{}
	for _, r := range append(append([]Rule{}, RulesIn...), RulesOut...) {
		rights[r.Name] = r.Rights
	}
	want := map[string]string{RuleGeneratorsSend: "Send", RuleJobListen: "Listen", RuleJobSend: "Send", RuleVerifierListen: "Listen"}
	for name, right := range want {
		if got := rights[name]; len(got) != 1 || got[0] != right {
			t.Errorf("rule %s has %v, want only %s", name, got, right)
		}
	}
	if len(rights) != len(want) {
		t.Errorf("rules %v, want exactly %v", rights, want)
	}
}

func TestNoLoadPlansNoGenerators(t *testing.T) {
	for _, noLoad := range []bool{false, true} {
		p, err := New(Config{Tier: 1, ResourceGroup: "RG", Location: "westeurope", NoLoad: noLoad})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := p.Write(&b); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(b.String(), "generate --topic in"); got == noLoad {
			t.Errorf("NoLoad %v: the plan has a generator command %v, want %v:\n%s", noLoad, got, !noLoad, b.String())
		}
	}
}
