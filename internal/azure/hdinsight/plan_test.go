package hdinsight

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/streamscale/streamscale/internal/azure/plan"
	"github.com/streamscale/streamscale/internal/relay"
)

var update = flag.Bool("update", false, "rewrite the golden files")

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

func newPlan(t *testing.T, tier int, s Spec) *Plan {
	t.Helper()
	base, err := plan.New(plan.Config{Tier: tier, ResourceGroup: "RG", Location: "westeurope"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := New(base, s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDryRunGolden(t *testing.T) {
	for _, tier := range []int{1, 5, 10} {
		t.Run("tier"+strconv.Itoa(tier), func(t *testing.T) {
			var b bytes.Buffer
			if err := newPlan(t, tier, Spec{}).Write(&b); err != nil {
				t.Fatal(err)
			}
			golden(t, "dryrun-tier"+strconv.Itoa(tier)+".txt", b.Bytes())
		})
	}
}

// TestSampleSizes: 3 × Standard_D3_V2 workers on every tier unless overridden, and the
// sample's session memory.
func TestSampleSizes(t *testing.T) {
	for _, tier := range []int{1, 5, 10} {
		p := newPlan(t, tier, Spec{})
		if p.Spec.Workers != 3 || p.Spec.WorkerSize != "Standard_D3_V2" {
			t.Errorf("tier %d: workers %d × %s, want 3 × Standard_D3_V2", tier, p.Spec.Workers, p.Spec.WorkerSize)
		}
		if p.TaskManagers()*p.Spec.Slots < p.Base.Tier.Parallelism {
			t.Errorf("tier %d: %d TaskManagers × %d slots < parallelism %d", tier, p.TaskManagers(), p.Spec.Slots, p.Base.Tier.Parallelism)
		}
	}
	p := newPlan(t, 10, Spec{Workers: 5, WorkerSize: "Standard_D4_V2"})
	if p.Spec.Workers != 5 || p.Spec.WorkerSize != "Standard_D4_V2" {
		t.Errorf("override: %+v", p.Spec)
	}
	s := p.Script()
	for _, want := range []string{"--detached", "--jobManagerMemory 1024m", "--taskManagerMemory 4096m", "flink-2.2.1-bin-scala_2.12.tgz", "/17/ga/linux/x64/jre", p.RelayJarPath()} {
		if !strings.Contains(s, want) {
			t.Errorf("script lacks %q", want)
		}
	}
	if strings.Contains(s, "@") && strings.Contains(s, "@\n") {
		t.Errorf("script has an unfilled placeholder:\n%s", s)
	}
}

func TestSpecErrors(t *testing.T) {
	base, err := plan.New(plan.Config{Tier: 1, ResourceGroup: "RG", Location: "westeurope"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		s    Spec
		want string
	}{
		{Spec{Workers: -1}, "--hdi-workers"},
		{Spec{Workers: 101}, "--hdi-workers"},
		{Spec{WorkerSize: "D3 v2"}, "--hdi-worker-size"},
		{Spec{Slots: 65}, "--hdi-slots"},
	} {
		if _, err := New(base, tc.s); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: err %v, want one naming %s", tc.s, err, tc.want)
		}
	}
}

// words splits line as bash does (quotes, no expansion of what is quoted).
func words(t *testing.T, line string) []string {
	t.Helper()
	out, err := exec.Command("bash", "-c", "set -- "+line+"; printf '%s\\0' \"$@\"").Output()
	if err != nil {
		t.Fatalf("bash cannot parse %s: %v", line, err)
	}
	return strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
}

// TestJobCommandSurvivesTwoShells: the printed submit line, parsed by the local shell and
// then by the head node's (ssh joins its arguments into one remote command line, sudo bash
// -c runs it), hands Flink's client the job's arguments unchanged, one word each, though
// some hold spaces and '>' (the job name).
func TestJobCommandSurvivesTwoShells(t *testing.T) {
	for _, job := range []relay.Job{relay.JobRelay, relay.JobComplex} {
		base, err := plan.New(plan.Config{Tier: 5, ResourceGroup: "RG", Location: "westeurope", Job: job})
		if err != nil {
			t.Fatal(err)
		}
		p, err := New(base, Spec{})
		if err != nil {
			t.Fatal(err)
		}
		local := words(t, p.JobCommand())
		if len(local) != 3 || local[0] != "ssh" || local[1] != p.SSHHost() {
			t.Fatalf("local argv %q", local)
		}
		remote := words(t, local[2])
		if len(remote) != 4 || strings.Join(remote[:3], " ") != "sudo bash -c" {
			t.Fatalf("remote argv %q", remote)
		}
		env, run, ok := strings.Cut(remote[3], " && exec ")
		if !ok || env != ". /opt/streamscale/flink-2.2.1/conf/streamscale.env" {
			t.Fatalf("remote script %q", remote[3])
		}
		s := p.JobSpec()
		want := append([]string{"/opt/streamscale/flink-2.2.1/bin/flink", "run", "--detached", "--class", s.MainClass(),
			"/opt/streamscale/flink-2.2.1/usrlib/relay-job.jar"}, s.ProgramArgs()...)
		if got := words(t, run); strings.Join(got, "\x00") != strings.Join(want, "\x00") {
			t.Errorf("flink gets\n%q\nwant\n%q", got, want)
		}
		args := strings.Join(s.ProgramArgs(), " ")
		for _, w := range []string{"--output-bootstrap-servers " + base.Names.NamespaceOut + ".servicebus.windows.net:9093",
			"--kafka-properties-file " + NodeInProperties, "--output-kafka-properties-file " + NodeOutProperties} {
			if !strings.Contains(args, w) {
				t.Errorf("job arguments lack %q: %s", w, args)
			}
		}
	}
}
