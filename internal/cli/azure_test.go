package cli

import (
	"github.com/streamscale/streamscale/internal/azure/azclient"

	"bytes"
	"context"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/monitor/armmonitor"
	monitorfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/monitor/armmonitor/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources"
	rgfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources/fake"

	"github.com/streamscale/streamscale/internal/azure/aztarget"
	"github.com/streamscale/streamscale/internal/azure/plan"
	"github.com/streamscale/streamscale/internal/generate"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/relay"
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

// TestAzureUpDryRunShowsTheImages: the dry run builds the generator image (no network
// needed) and shows its content tag where the container groups take it and in the images
// ConfigMap; a binary the image cannot run is reported as the line `up` would stop at.
func TestAzureUpDryRunShowsTheImages(t *testing.T) {
	dir := t.TempDir()
	static, script, ca := filepath.Join(dir, "static"), filepath.Join(dir, "script"), filepath.Join(dir, "ca.crt")
	for path, b := range map[string][]byte{static: staticELFHeader(), script: []byte("#!/bin/sh\n"),
		ca: []byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")} {
		if err := os.WriteFile(path, b, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	f, out, _ := testFactory()
	if err := execute(newAzureUpCmd(f, nil), "--resource-group", "RG", "--location", "westeurope", "--dry-run",
		"--generator-binary", static, "--ca-bundle", ca); err != nil {
		t.Fatal(err)
	}
	tag := regexp.MustCompile(`acr\.azurecr\.io/streamscale-generator:([0-9a-f]{16}): `).FindStringSubmatch(out.String())
	if tag == nil {
		t.Fatalf("no generator content tag in the dry run:\n%s", out.String())
	}
	if !regexp.MustCompile(`generator-digest: sha256:` + tag[1] + `[0-9a-f]{48}\n`).MatchString(out.String()) {
		t.Errorf("the images ConfigMap does not record the digest of tag %s:\n%s", tag[1], out.String())
	}
	for _, want := range []string{"streamscale-job@sha256:<computed by azure up>", "imagePullPolicy: IfNotPresent", "value: flink-azure-fs-hadoop-2.2.1.jar"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("dry run lacks %q", want)
		}
	}

	f, out, _ = testFactory()
	if err := execute(newAzureUpCmd(f, nil), "--resource-group", "RG", "--location", "westeurope", "--dry-run",
		"--generator-binary", script, "--ca-bundle", ca); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "generator image not built (azure up would stop here): "+script+": generator binary: not a Linux (ELF) executable: run `make build`") ||
		!strings.Contains(out.String(), "streamscale-generator:<content tag: computed by azure up>") {
		t.Errorf("a script as the generator binary:\n%s", out.String())
	}
}

// staticELFHeader is an ELF64 x86-64 executable header and nothing else: no interpreter, no
// dynamic section, as the generator image requires.
func staticELFHeader() []byte {
	h := elf.Header64{Type: uint16(elf.ET_EXEC), Machine: uint16(elf.EM_X86_64), Version: uint32(elf.EV_CURRENT), Ehsize: 64}
	copy(h.Ident[:], elf.ELFMAG)
	h.Ident[elf.EI_CLASS], h.Ident[elf.EI_DATA], h.Ident[elf.EI_VERSION] = byte(elf.ELFCLASS64), byte(elf.ELFDATA2LSB), byte(elf.EV_CURRENT)
	var b bytes.Buffer
	_ = binary.Write(&b, binary.LittleEndian, h)
	return b.Bytes()
}

func TestAzureUpDryRunWithoutLoad(t *testing.T) {
	f, out, _ := testFactory()
	err := execute(newAzureUpCmd(f, nil), "--resource-group", "RG", "--location", "westeurope", "--load-duration", "0", "--dry-run")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "generate --topic in") || !strings.Contains(out.String(), "kind: FlinkDeployment") {
		t.Errorf("--load-duration 0 dry run: want the deployment and no generator command:\n%s", out.String())
	}
}

// TestAzureUpDryRunComplex: --job complex plans the complex job's own FlinkDeployment with
// ComplexJob's class and name, and says the relay's goes first.
func TestAzureUpDryRunComplex(t *testing.T) {
	f, out, _ := testFactory()
	err := execute(newAzureUpCmd(f, nil), "--resource-group", "RG", "--location", "westeurope", "--job", "complex", "--dry-run")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"streamscale/streamscale-complex",
		"(io.streamscale.tags.ComplexJob), Flink job streamscale-complex in->out",
		"the relay's FlinkDeployment streamscale/streamscale-relay is deleted first",
		"name: streamscale-complex",
		"entryClass: io.streamscale.tags.ComplexJob",
		"app: streamscale-complex",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("complex dry run lacks %q", want)
		}
	}
	if strings.Contains(out.String(), "RelayJob") {
		t.Errorf("complex dry run names the relay's class:\n%s", out.String())
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
		{[]string{"--resource-group", "rg", "--location", "westeurope", "--load-duration", "-1m", "--dry-run"}, "--load-duration -1m0s: want 0"},
		{[]string{"--resource-group", "rg", "--location", "westeurope", "--job", "batch", "--dry-run"}, "--job: unknown job \"batch\": use relay or complex"},
		{[]string{"--resource-group", "rg", "--location", "westeurope", "--job", "complex", "--platform", "hdinsight", "--dry-run"}, "--job complex is for --platform aks"},
		{[]string{"--resource-group", "rg", "--location", "westeurope", "--operator-chart", "/no/such/chart.tgz", "--dry-run"}, "--operator-chart \"/no/such/chart.tgz\": no such file or directory"},
		{[]string{"--resource-group", "rg", "--location", "westeurope", "--flink-base-image", "flink:1.20.1-java17", "--dry-run"}, "--flink-base-image flink:1.20.1-java17 names Flink 1.20.1, but streamscale pins Flink 2.2.1"},
	} {
		f, _, _ := testFactory()
		err := execute(newAzureUpCmd(f, nil), tc.args...)
		var fe *FlagError
		if err == nil || !errors.As(err, &fe) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err %v, want a flag error with %q", tc.args, err, tc.want)
		}
	}
}

// TestAzureUpDryRunShowsTheChartSource: the default chart comes from the Apache downloads
// site, else the archive; --operator-chart replaces both, and the plan says so.
func TestAzureUpDryRunShowsTheChartSource(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "chart from https://downloads.apache.org/flink/flink-kubernetes-operator-1.15.0/, else https://archive.apache.org/dist/flink/flink-kubernetes-operator-1.15.0/"},
		{[]string{"--operator-chart", "https://mirror.example/flink-kubernetes-operator-1.15.0/"}, "chart from https://mirror.example/flink-kubernetes-operator-1.15.0/ (--operator-chart)"},
	} {
		f, out, _ := testFactory()
		args := append([]string{"--resource-group", "RG", "--location", "westeurope", "--dry-run"}, tc.args...)
		if err := execute(newAzureUpCmd(f, nil), args...); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), tc.want) {
			t.Errorf("%v: dry run lacks %q", tc.args, tc.want)
		}
	}
}

// TestAzureVerifyWithoutJobAsksAzure: --job is optional (the cluster says which job runs), so
// its absence is no flag error.
func TestAzureVerifyWithoutJobAsksAzure(t *testing.T) {
	reached := errors.New("credentials reached")
	deps := &azclient.Clients{NewCredential: func() (azcore.TokenCredential, error) { return nil, reached }}
	f, _, _ := testFactory()
	f.Getenv = func(string) string { return "" }
	if err := execute(newAzureVerifyCmd(withAzure(f, deps)), "--resource-group", "rg", "--subscription", "sub"); !errors.Is(err, reached) {
		t.Errorf("without --job: %v, want Azure asked", err)
	}
}

func TestAzureDownAsksFirst(t *testing.T) {
	reached := errors.New("credentials reached")
	deps := &azclient.Clients{NewCredential: func() (azcore.TokenCredential, error) { return nil, reached }}
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
		err := execute(newAzureDownCmd(withAzure(f, deps), nil), append([]string{"--resource-group", "my-rg"}, tc.args...)...)
		if tc.want != nil && !errors.Is(err, tc.want) || tc.msg != "" && (err == nil || !strings.Contains(err.Error(), tc.msg)) {
			t.Errorf("input %q %v: err %v", tc.in, tc.args, err)
		}
	}
	f, _, _ := testFactory()
	if err := execute(newAzureDownCmd(withAzure(f, deps), nil), "--yes"); err == nil || !strings.Contains(err.Error(), "--resource-group is required") {
		t.Errorf("no group: %v", err)
	}
}

func TestAzureReport_FakeMonitor(t *testing.T) {
	var uris []string
	srv := &monitorfake.MetricsServer{List: func(_ context.Context, uri string, o *armmonitor.MetricsClientListOptions) (resp azfake.Responder[armmonitor.MetricsClientListResponse], e azfake.ErrorResponder) {
		uris = append(uris, uri)
		at := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
		resp.SetResponse(http.StatusOK, armmonitor.MetricsClientListResponse{Response: armmonitor.Response{Value: []*armmonitor.Metric{{
			Name:       &armmonitor.LocalizableString{Value: to.Ptr("IncomingMessages")},
			Timeseries: []*armmonitor.TimeSeriesElement{{Data: []*armmonitor.MetricValue{{TimeStamp: &at, Total: to.Ptr(1234.0)}}}},
		}}}}, nil)
		return
	}}
	deps := &azclient.Clients{
		NewCredential: func() (azcore.TokenCredential, error) { return &azfake.TokenCredential{}, nil },
		ARMOptions:    &arm.ClientOptions{ClientOptions: policy.ClientOptions{Transport: monitorfake.NewMetricsServerTransport(srv)}},
	}
	f, out, _ := testFactory()
	err := execute(newAzureReportCmd(withAzure(f, deps)), "--resource-group", "RG", "--subscription", "sub", "--from", "2026-11-29T10:00:00Z", "--to", "2026-11-29T10:01:00Z", "--throughput-units", "2")
	if err != nil {
		t.Fatal(err)
	}
	if len(uris) != 2 || !strings.HasSuffix(uris[0], "-in") || !strings.HasSuffix(uris[1], "-out") {
		t.Errorf("queried %v", uris)
	}
	for _, want := range []string{"1234", "MAX VALUE", "120000"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %s:\n%s", want, out.String())
		}
	}
	if err := execute(newAzureReportCmd(withAzure(f, deps)), "--subscription", "sub"); err == nil || !strings.Contains(err.Error(), "--resource-group is required") {
		t.Errorf("no group: %v", err)
	}
}

func TestAzureReportHTML_FakeMonitor(t *testing.T) {
	srv := &monitorfake.MetricsServer{List: func(_ context.Context, _ string, _ *armmonitor.MetricsClientListOptions) (resp azfake.Responder[armmonitor.MetricsClientListResponse], e azfake.ErrorResponder) {
		at := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
		resp.SetResponse(http.StatusOK, armmonitor.MetricsClientListResponse{Response: armmonitor.Response{Value: []*armmonitor.Metric{{
			Name:       &armmonitor.LocalizableString{Value: to.Ptr("IncomingMessages")},
			Timeseries: []*armmonitor.TimeSeriesElement{{Data: []*armmonitor.MetricValue{{TimeStamp: &at, Total: to.Ptr(1.0)}}}},
		}}}}, nil)
		return
	}}
	deps := &azclient.Clients{
		NewCredential: func() (azcore.TokenCredential, error) { return &azfake.TokenCredential{}, nil },
		ARMOptions:    &arm.ClientOptions{ClientOptions: policy.ClientOptions{Transport: monitorfake.NewMetricsServerTransport(srv)}},
	}
	f, _, _ := testFactory()
	page := filepath.Join(t.TempDir(), "azure.html")
	if err := execute(newAzureReportCmd(withAzure(f, deps)), "--resource-group", "RG", "--subscription", "sub", "--from", "2026-11-29T10:00:00Z", "--to", "2026-11-29T10:01:00Z", "--html", page); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(page)
	if err != nil || !strings.Contains(string(b), "<html") {
		t.Errorf("page: %v", err)
	}
}

// TestAzureRunFlagsAndMissingGroup_FakeAzure: bad flags are flag errors before Azure is asked;
// a resource group that does not exist says to run `azure up` (armresources' fake server).
func TestAzureRunFlagsAndMissingGroup_FakeAzure(t *testing.T) {
	srv := &rgfake.ResourceGroupsServer{Get: func(_ context.Context, _ string, _ *armresources.ResourceGroupsClientGetOptions) (r azfake.Responder[armresources.ResourceGroupsClientGetResponse], e azfake.ErrorResponder) {
		e.SetResponseError(http.StatusNotFound, "ResourceGroupNotFound")
		return
	}}
	deps := &azclient.Clients{
		NewCredential: func() (azcore.TokenCredential, error) { return &azfake.TokenCredential{}, nil },
		ARMOptions:    &arm.ClientOptions{ClientOptions: policy.ClientOptions{Transport: rgfake.NewResourceGroupsServerTransport(srv)}},
	}
	for _, tc := range []struct {
		args []string
		want string
		flag bool
	}{
		{[]string{"--subscription", "sub"}, "--resource-group is required", true},
		{[]string{"--resource-group", "rg"}, "no subscription", true},
		{[]string{"--resource-group", "rg", "--subscription", "sub", "--tier", "7"}, "--tier 7", true},
		{[]string{"--resource-group", "rg", "--subscription", "sub", "--guarantee", "exactly-once"}, "Event Hubs Standard has no Kafka transactions", true},
		{[]string{"--resource-group", "rg", "--subscription", "sub", "--rate", "-5"}, "rate", true},
		{[]string{"--resource-group", "rg", "--subscription", "sub", "--job", "batch"}, "--job: unknown job", true},
		{[]string{"--resource-group", "rg", "--subscription", "sub"}, "resource group rg does not exist: run `streamscale azure up --resource-group rg` first", false},
	} {
		f, _, _ := testFactory()
		f.Getenv = func(string) string { return "" }
		err := execute(newAzureRunCmd(withAzure(f, deps)), tc.args...)
		var fe *FlagError
		if err == nil || !strings.Contains(err.Error(), tc.want) || errors.As(err, &fe) != tc.flag || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: err %v, want %q (flag error %v)", tc.args, err, tc.want, tc.flag)
		}
	}
}

// TestAzureRunComplexJobAndLoad: azure run --job complex asks for the complex job (which the
// run record then carries) and fills in the complex load where the flags leave it open; the
// relay's load is left as given.
func TestAzureRunComplexJobAndLoad(t *testing.T) {
	for _, tc := range []struct {
		job          string
		set          generate.Given
		wantJob      relay.Job
		mixed        bool
		quiet        float64
		duration     time.Duration
		wantProgress string
	}{
		{"relay", generate.Given{}, relay.JobRelay, false, 0, 5 * time.Minute, ""},
		{"complex", generate.Given{}, relay.JobComplex, true, 0.1, 3 * time.Minute, "complex job: a load where every tag kind fires: --mixed-types, --devices 10000 (a device every 10s)"},
		{"complex", generate.Given{Duration: true, Devices: true}, relay.JobComplex, true, 0.1, 5 * time.Minute, "complex job: a load where every tag kind fires: --mixed-types, --quiet-devices 0.1"},
		{"complex", generate.Given{Duration: true, Devices: true, MixedTypes: true, QuietDevices: true}, relay.JobComplex, false, 0, 5 * time.Minute, ""},
	} {
		opts := &azureRunOptions{sku: "standard", guarantee: "at-least-once", job: tc.job, gen: generate.DefaultConfig()}
		opts.gen.Duration = 5 * time.Minute
		opts.cfg = plan.Config{Tier: 1, ResourceGroup: "rg", Subscription: "sub"}
		f, _, _ := testFactory()
		p, err := azureRunPlan(f, opts)
		if err != nil {
			t.Fatal(err)
		}
		var progress strings.Builder
		load, err := azureRunLoad(opts, p, false, tc.set, &progress)
		if err != nil {
			t.Fatal(err)
		}
		if load.MixedTypes != tc.mixed || load.QuietDevices != tc.quiet || load.Duration != tc.duration || !strings.Contains(progress.String(), tc.wantProgress) {
			t.Errorf("%s %+v: load mixed %v quiet %g duration %s, progress %q", tc.job, tc.set, load.MixedTypes, load.QuietDevices, load.Duration, progress.String())
		}
		if tc.wantProgress == "" && progress.Len() > 0 {
			t.Errorf("relay load said %q", progress.String())
		}
		if s := aztarget.RunSpec(p, kafkaconn.Conn{}); s.Job != tc.wantJob || s.MainClass() != (relay.Spec{Job: tc.wantJob}).MainClass() {
			t.Errorf("%s: spec job %q", tc.job, s.Job)
		}
	}
}

// TestAzureReportFlinkMetrics_FakeMonitorAndPrometheus: --prometheus-endpoint adds the job's
// Flink table, read from the workspace's query endpoint (an httptest server).
func TestAzureReportFlinkMetrics_FakeMonitorAndPrometheus(t *testing.T) {
	at := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	prom := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintf(w, `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[%d,"4321"]]}]}}`, at.Unix())
	}))
	defer prom.Close()
	srv := &monitorfake.MetricsServer{List: func(_ context.Context, _ string, _ *armmonitor.MetricsClientListOptions) (resp azfake.Responder[armmonitor.MetricsClientListResponse], e azfake.ErrorResponder) {
		resp.SetResponse(http.StatusOK, armmonitor.MetricsClientListResponse{}, nil)
		return
	}}
	deps := &azclient.Clients{
		NewCredential: func() (azcore.TokenCredential, error) { return &azfake.TokenCredential{}, nil },
		ARMOptions:    &arm.ClientOptions{ClientOptions: policy.ClientOptions{Transport: monitorfake.NewMetricsServerTransport(srv)}},
	}
	f, out, _ := testFactory()
	err := execute(newAzureReportCmd(withAzure(f, deps)), "--resource-group", "RG", "--subscription", "sub", "--from", "2026-11-29T10:00:00Z", "--to", "2026-11-29T10:01:00Z", "--prometheus-endpoint", prom.URL)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Flink metrics", "records out/s", "4321.0", "2026-11-29 10:00"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

type routeFunc func(*http.Request) (*http.Response, error)

func (f routeFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

// TestAzureReportFlinkFromWorkspace_FakeAzure: --flink finds the query endpoint in the
// workspace `up` made (armresources' generic fake), then queries it.
func TestAzureReportFlinkFromWorkspace_FakeAzure(t *testing.T) {
	prom := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1795946400,"77"]]}]}}`)
	}))
	defer prom.Close()
	var asked string
	ws := rgfake.NewServerTransport(&rgfake.Server{GetByID: func(_ context.Context, id, _ string, _ *armresources.ClientGetByIDOptions) (r azfake.Responder[armresources.ClientGetByIDResponse], e azfake.ErrorResponder) {
		asked = id
		r.SetResponse(http.StatusOK, armresources.ClientGetByIDResponse{GenericResource: armresources.GenericResource{
			Properties: map[string]any{"metrics": map[string]any{"prometheusQueryEndpoint": prom.URL}}}}, nil)
		return
	}})
	mon := monitorfake.NewMetricsServerTransport(&monitorfake.MetricsServer{List: func(_ context.Context, _ string, _ *armmonitor.MetricsClientListOptions) (resp azfake.Responder[armmonitor.MetricsClientListResponse], e azfake.ErrorResponder) {
		resp.SetResponse(http.StatusOK, armmonitor.MetricsClientListResponse{}, nil)
		return
	}})
	deps := &azclient.Clients{
		NewCredential: func() (azcore.TokenCredential, error) { return &azfake.TokenCredential{}, nil },
		ARMOptions: &arm.ClientOptions{ClientOptions: policy.ClientOptions{Transport: routeFunc(func(r *http.Request) (*http.Response, error) {
			if strings.Contains(strings.ToLower(r.URL.Path), "/microsoft.monitor/accounts/") {
				return ws.Do(r)
			}
			return mon.Do(r)
		})}},
	}
	f, out, _ := testFactory()
	if err := execute(newAzureReportCmd(withAzure(f, deps)), "--resource-group", "RG", "--subscription", "sub", "--from", "2026-11-29T10:00:00Z", "--to", "2026-11-29T10:01:00Z", "--flink"); err != nil {
		t.Fatal(err)
	}
	n, _ := plan.NamesFor("", "RG")
	if !strings.HasSuffix(asked, "Microsoft.Monitor/accounts/"+n.MonitorWorkspace) || !strings.Contains(out.String(), "77.0") {
		t.Errorf("asked %q; out:\n%s", asked, out.String())
	}
}

// withAzure puts the Azure clients (the SDK's fakes) on the Factory and returns it.
func withAzure(f *Factory, c *azclient.Clients) *Factory {
	f.Azure = c
	return f
}
