package aztarget

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerinstance/armcontainerinstance/v2"
	acifake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerinstance/armcontainerinstance/v2/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6"
	aksfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/eventhub/armeventhub"
	ehfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/eventhub/armeventhub/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/msi/armmsi"
	msifake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/msi/armmsi/fake"
	"github.com/spf13/pflag"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/streamscale/streamscale/internal/azure/aztest"
	"github.com/streamscale/streamscale/internal/azure/deploy"
	"github.com/streamscale/streamscale/internal/azure/kube"
	"github.com/streamscale/streamscale/internal/azure/manifest"
	"github.com/streamscale/streamscale/internal/azure/plan"
	"github.com/streamscale/streamscale/internal/azure/provision"
	"github.com/streamscale/streamscale/internal/generate"
	"github.com/streamscale/streamscale/internal/kafkaconn"
	"github.com/streamscale/streamscale/internal/pipeline"
	"github.com/streamscale/streamscale/internal/relay"
	"github.com/streamscale/streamscale/internal/tags"
	"github.com/streamscale/streamscale/internal/verify"
)

const fakeKey = "c2VjcmV0LWtleS1mb3ItdGVzdHM="

// fakeAzure is a deployment `up` made, behind the Azure SDK's fake servers, with two kfake
// clusters as the namespaces' Kafka endpoints. A generator container group, when created,
// runs the generator in-process with its command line into the input cluster and then relays
// its records to the output cluster as the job would; its log is the generator's output.
type fakeAzure struct {
	t       *testing.T
	mu      sync.Mutex
	in, out kafkaconn.Conn
	// partitions of each hub ("ns/hub"); a hub not in it does not exist.
	partitions map[string]int64
	groups     map[string]*fakeGroup
	// failGroup's generator exits with code 1.
	failGroup string
	steps     []string
	deletes   int
	// hold keeps the generators running (Get says so, calling onRunning) until stopped.
	hold      bool
	onRunning func()
	stops     []string
	copied    map[int32]int64 // the fake relay's position in the input, per partition
	// dyn is the AKS cluster's Kubernetes API.
	dyn *dynamicfake.FakeDynamicClient
	// complex makes the fake job the complex job: it writes the tags the input makes
	// (tagged: those written) instead of copies.
	complex bool
	tagged  map[tags.Key]bool
}

type fakeGroup struct {
	image   string
	cmd     []string
	env     map[string]string
	exit    int32
	log     string
	stopped bool
}

func (f *fakeAzure) step(s string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if n := len(f.steps); n == 0 || f.steps[n-1] != s {
		f.steps = append(f.steps, s)
	}
}

func connString(ns, rule string) string {
	return "Endpoint=sb://" + ns + ".servicebus.windows.net/;SharedAccessKeyName=" + rule + ";SharedAccessKey=" + fakeKey
}

func notFound[T any]() (r azfake.Responder[T], e azfake.ErrorResponder) {
	e.SetResponseError(http.StatusNotFound, "ResourceNotFound")
	return
}

func (f *fakeAzure) options() *arm.ClientOptions {
	router := aztest.Router{
		{Provider: "/providers/microsoft.eventhub/", Transport: ehfake.NewServerFactoryTransport(&ehfake.ServerFactory{
			NamespacesServer: ehfake.NamespacesServer{
				ListKeys: func(_ context.Context, _, ns, rule string, _ *armeventhub.NamespacesClientListKeysOptions) (r azfake.Responder[armeventhub.NamespacesClientListKeysResponse], e azfake.ErrorResponder) {
					f.step("read rules")
					r.SetResponse(http.StatusOK, armeventhub.NamespacesClientListKeysResponse{AccessKeys: armeventhub.AccessKeys{PrimaryConnectionString: to.Ptr(connString(ns, rule))}}, nil)
					return
				},
			},
			EventHubsServer: ehfake.EventHubsServer{
				Get: func(_ context.Context, _, ns, hub string, _ *armeventhub.EventHubsClientGetOptions) (r azfake.Responder[armeventhub.EventHubsClientGetResponse], e azfake.ErrorResponder) {
					f.step("read hubs")
					n, ok := f.partitions[ns+"/"+hub]
					if !ok {
						return notFound[armeventhub.EventHubsClientGetResponse]()
					}
					r.SetResponse(http.StatusOK, armeventhub.EventHubsClientGetResponse{Eventhub: armeventhub.Eventhub{Properties: &armeventhub.Properties{PartitionCount: to.Ptr(n)}}}, nil)
					return
				},
			},
		})},
		{Provider: "/providers/microsoft.managedidentity/", Transport: msifake.NewServerFactoryTransport(&msifake.ServerFactory{UserAssignedIdentitiesServer: msifake.UserAssignedIdentitiesServer{
			Get: func(_ context.Context, rg, name string, _ *armmsi.UserAssignedIdentitiesClientGetOptions) (r azfake.Responder[armmsi.UserAssignedIdentitiesClientGetResponse], e azfake.ErrorResponder) {
				f.step("read identities")
				r.SetResponse(http.StatusOK, armmsi.UserAssignedIdentitiesClientGetResponse{Identity: armmsi.Identity{
					ID:         to.Ptr("/subscriptions/sub/resourceGroups/" + rg + "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/" + name),
					Properties: &armmsi.UserAssignedIdentityProperties{PrincipalID: to.Ptr("pid")}}}, nil)
				return
			},
		}})},
		{Provider: "/providers/microsoft.containerservice/", Transport: aksfake.NewServerFactoryTransport(&aksfake.ServerFactory{ManagedClustersServer: aksfake.ManagedClustersServer{
			Get: func(_ context.Context, _, _ string, _ *armcontainerservice.ManagedClustersClientGetOptions) (r azfake.Responder[armcontainerservice.ManagedClustersClientGetResponse], e azfake.ErrorResponder) {
				f.step("read identities")
				r.SetResponse(http.StatusOK, armcontainerservice.ManagedClustersClientGetResponse{ManagedCluster: armcontainerservice.ManagedCluster{
					Properties: &armcontainerservice.ManagedClusterProperties{IdentityProfile: map[string]*armcontainerservice.UserAssignedIdentity{
						"kubeletidentity": {ClientID: to.Ptr("kubelet-client"), ObjectID: to.Ptr("kubelet-object")}}}}}, nil)
				return
			},
			ListClusterUserCredentials: func(_ context.Context, _, _ string, _ *armcontainerservice.ManagedClustersClientListClusterUserCredentialsOptions) (r azfake.Responder[armcontainerservice.ManagedClustersClientListClusterUserCredentialsResponse], e azfake.ErrorResponder) {
				f.step("kubeconfig")
				r.SetResponse(http.StatusOK, armcontainerservice.ManagedClustersClientListClusterUserCredentialsResponse{CredentialResults: armcontainerservice.CredentialResults{
					Kubeconfigs: []*armcontainerservice.CredentialResult{{Value: []byte("apiVersion: v1\nkind: Config\n")}}}}, nil)
				return
			},
		}})},
		{Provider: "/providers/microsoft.containerinstance/", Transport: acifake.NewServerFactoryTransport(&acifake.ServerFactory{
			ContainerGroupsServer: acifake.ContainerGroupsServer{
				Get: func(_ context.Context, _, name string, _ *armcontainerinstance.ContainerGroupsClientGetOptions) (r azfake.Responder[armcontainerinstance.ContainerGroupsClientGetResponse], e azfake.ErrorResponder) {
					f.mu.Lock()
					g := f.groups[name]
					f.mu.Unlock()
					if g == nil {
						return notFound[armcontainerinstance.ContainerGroupsClientGetResponse]()
					}
					state := &armcontainerinstance.ContainerState{State: to.Ptr("Terminated"), ExitCode: to.Ptr(g.exit)}
					f.mu.Lock()
					running, onRunning := f.hold && !g.stopped, f.onRunning
					f.mu.Unlock()
					if running {
						state = &armcontainerinstance.ContainerState{State: to.Ptr("Running")}
						if onRunning != nil {
							onRunning()
						}
					}
					r.SetResponse(http.StatusOK, armcontainerinstance.ContainerGroupsClientGetResponse{ContainerGroup: armcontainerinstance.ContainerGroup{
						Properties: &armcontainerinstance.ContainerGroupPropertiesProperties{Containers: []*armcontainerinstance.Container{{
							Name: to.Ptr("generator"), Properties: &armcontainerinstance.ContainerProperties{InstanceView: &armcontainerinstance.ContainerPropertiesInstanceView{CurrentState: state}},
						}}}}}, nil)
					return
				},
				BeginCreateOrUpdate: func(ctx context.Context, _, name string, cg armcontainerinstance.ContainerGroup, _ *armcontainerinstance.ContainerGroupsClientBeginCreateOrUpdateOptions) (r azfake.PollerResponder[armcontainerinstance.ContainerGroupsClientCreateOrUpdateResponse], e azfake.ErrorResponder) {
					f.step("start generators")
					f.runGenerator(ctx, name, cg)
					r.SetTerminalResponse(http.StatusOK, armcontainerinstance.ContainerGroupsClientCreateOrUpdateResponse{}, nil)
					return
				},
				Stop: func(_ context.Context, _, name string, _ *armcontainerinstance.ContainerGroupsClientStopOptions) (r azfake.Responder[armcontainerinstance.ContainerGroupsClientStopResponse], e azfake.ErrorResponder) {
					f.step("stop generators")
					f.mu.Lock()
					defer f.mu.Unlock()
					g := f.groups[name]
					if g == nil {
						return notFound[armcontainerinstance.ContainerGroupsClientStopResponse]()
					}
					g.stopped, g.exit = true, 130
					f.stops = append(f.stops, name)
					r.SetResponse(http.StatusNoContent, armcontainerinstance.ContainerGroupsClientStopResponse{}, nil)
					return
				},
				BeginDelete: func(_ context.Context, _, name string, _ *armcontainerinstance.ContainerGroupsClientBeginDeleteOptions) (r azfake.PollerResponder[armcontainerinstance.ContainerGroupsClientDeleteResponse], e azfake.ErrorResponder) {
					f.step("delete ended generators")
					f.mu.Lock()
					delete(f.groups, name)
					f.deletes++
					f.mu.Unlock()
					r.SetTerminalResponse(http.StatusOK, armcontainerinstance.ContainerGroupsClientDeleteResponse{}, nil)
					return
				},
			},
			ContainersServer: acifake.ContainersServer{
				ListLogs: func(_ context.Context, _, group, _ string, _ *armcontainerinstance.ContainersClientListLogsOptions) (r azfake.Responder[armcontainerinstance.ContainersClientListLogsResponse], e azfake.ErrorResponder) {
					f.step("generator logs")
					f.mu.Lock()
					g := f.groups[group]
					f.mu.Unlock()
					r.SetResponse(http.StatusOK, armcontainerinstance.ContainersClientListLogsResponse{Logs: armcontainerinstance.Logs{Content: to.Ptr(g.log)}}, nil)
					return
				},
			},
		})},
	}
	return aztest.Options(router)
}

// runGenerator is the container: the generator with the group's command line into the
// input cluster, then the fake relay; the exit code and output are kept for Get and ListLogs.
func (f *fakeAzure) runGenerator(ctx context.Context, name string, cg armcontainerinstance.ContainerGroup) {
	c := cg.Properties.Containers[0].Properties
	g := &fakeGroup{env: map[string]string{}, image: *c.Image}
	for _, s := range c.Command {
		g.cmd = append(g.cmd, *s)
	}
	for _, e := range c.EnvironmentVariables {
		if e.Value != nil {
			g.env[*e.Name] = "plain:" + *e.Value
		} else if e.SecureValue != nil {
			g.env[*e.Name] = *e.SecureValue
		}
	}
	defer func() {
		f.mu.Lock()
		f.groups[name] = g
		f.mu.Unlock()
	}()
	if name == f.failGroup {
		g.exit, g.log = 1, "generating 100 events/s\ngenerate: produce to \"in\": TOPIC_AUTHORIZATION_FAILED: the rule cannot send"
		return
	}
	cfg := generate.DefaultConfig()
	fs := pflag.NewFlagSet("generate", pflag.ContinueOnError)
	fs.StringVar(&cfg.Topic, "topic", "", "")
	fs.Float64Var(&cfg.Rate, "rate", 0, "")
	fs.IntVar(&cfg.Instance, "instance", 0, "")
	fs.IntVar(&cfg.Instances, "instances", 1, "")
	fs.DurationVar(&cfg.Duration, "duration", cfg.Duration, "")
	fs.Int64Var(&cfg.Count, "count", 0, "")
	fs.IntVar(&cfg.Devices, "devices", 0, "")
	fs.Int64Var(&cfg.Seed, "seed", 0, "")
	fs.BoolVar(&cfg.MixedTypes, "mixed-types", false, "")
	fs.Float64Var(&cfg.QuietDevices, "quiet-devices", 0, "")
	fs.Float64Var(&cfg.DuplicateFraction, "duplicate-fraction", 0, "")
	fs.StringVar(&cfg.DeviceIDPrefix, "device-prefix", cfg.DeviceIDPrefix, "")
	fs.DurationVar(&cfg.Ramp, "ramp", 0, "")
	asJSON := fs.Bool("json", false, "")
	if err := fs.Parse(g.cmd[2:]); err != nil {
		g.exit, g.log = 2, err.Error()
		return
	}
	cl, err := f.in.NewClient()
	if err != nil {
		f.t.Fatal(err)
	}
	defer cl.Close()
	var log bytes.Buffer
	sum, err := generate.Run(ctx, cl, cfg, &log)
	if err != nil {
		g.exit, g.log = 1, log.String()+err.Error()
		return
	}
	if *asJSON {
		enc := json.NewEncoder(&log)
		enc.SetIndent("", "  ")
		_ = enc.Encode(sum)
	}
	g.log = log.String()
	f.relay(ctx)
}

// relay copies what is new in the input to the output, as the job does: same partition and
// key, enqueuedAt (the input's timestamp) and processedAt added.
func (f *fakeAzure) relay(ctx context.Context) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.complex {
		f.complexJob(ctx)
		return
	}
	in, err := f.in.NewClient()
	if err != nil {
		f.t.Fatal(err)
	}
	defer in.Close()
	ends, err := kafkaconn.EndOffsets(ctx, kadm.NewClient(in), plan.HubIn)
	if err != nil {
		f.t.Fatal(err)
	}
	offsets := map[string]map[int32]kgo.Offset{plan.HubIn: {}}
	want := int64(0)
	for p, end := range ends {
		offsets[plan.HubIn][p] = kgo.NewOffset().At(f.copied[p])
		want += end - f.copied[p]
	}
	rd, err := f.in.NewClient(kgo.ConsumePartitions(offsets))
	if err != nil {
		f.t.Fatal(err)
	}
	defer rd.Close()
	out, err := f.out.NewClient(kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		f.t.Fatal(err)
	}
	defer out.Close()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for n := int64(0); n < want; {
		fs := rd.PollFetches(ctx)
		if ctx.Err() != nil {
			f.t.Fatalf("fake relay: %d of %d records", n, want)
		}
		for _, r := range fs.Records() {
			ts := r.Timestamp.UTC().Format("2006-01-02T15:04:05.000Z")
			v := append(bytes.TrimSuffix(bytes.Clone(r.Value), []byte("}")), fmt.Sprintf(`,"enqueuedAt":"%s","processedAt":"%s"}`, ts, ts)...)
			if err := out.ProduceSync(ctx, &kgo.Record{Topic: plan.HubOut, Partition: r.Partition, Key: r.Key, Value: v}).FirstErr(); err != nil {
				f.t.Fatal(err)
			}
			f.copied[r.Partition] = r.Offset + 1
			n++
		}
	}
}

// complexJob writes the tags the whole input so far makes, each once, as the complex job
// would (recomputed with tags.Expect, the verifier's own rules: this fake checks the Azure
// plumbing, not the job). The caller holds f.mu.
func (f *fakeAzure) complexJob(ctx context.Context) {
	in, err := f.in.NewClient()
	if err != nil {
		f.t.Fatal(err)
	}
	defer in.Close()
	ends, err := kafkaconn.EndOffsets(ctx, kadm.NewClient(in), plan.HubIn)
	if err != nil {
		f.t.Fatal(err)
	}
	offsets := map[string]map[int32]kgo.Offset{plan.HubIn: {}}
	want := int64(0)
	for p, end := range ends {
		offsets[plan.HubIn][p] = kgo.NewOffset().AtStart()
		want += end
	}
	rd, err := f.in.NewClient(kgo.ConsumePartitions(offsets))
	if err != nil {
		f.t.Fatal(err)
	}
	defer rd.Close()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var records []tags.Record
	for int64(len(records)) < want {
		fs := rd.PollFetches(ctx)
		if ctx.Err() != nil {
			f.t.Fatalf("fake complex job: %d of %d records", len(records), want)
		}
		for _, r := range fs.Records() {
			records = append(records, tags.Record{Partition: r.Partition, Offset: r.Offset, Value: r.Value, EnqueuedAt: r.Timestamp.UnixMicro()})
		}
	}
	out, err := f.out.NewClient(kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		f.t.Fatal(err)
	}
	defer out.Close()
	now := time.Now().UTC().Format("2006-01-02T15:04:05.000Z")
	for k := range tags.Expect(records).Must {
		if f.tagged[k] {
			continue
		}
		v, _ := json.Marshal(map[string]string{"deviceId": k.DeviceID, "tag": k.Tag, "triggerEventId": k.TriggerEventID, "processedAt": now})
		if err := out.ProduceSync(ctx, &kgo.Record{Topic: plan.HubOut, Key: []byte(k.DeviceID), Value: v}).FirstErr(); err != nil {
			f.t.Fatal(err)
		}
		f.tagged[k] = true
	}
}

// fakeDynamic is client-go's fake dynamic client where an apply stores the object and the
// "operator" marks a FlinkDeployment stable with its job running.
func fakeDynamic(f *fakeAzure) *dynamicfake.FakeDynamicClient {
	dyn := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), map[schema.GroupVersionResource]string{
		{Version: "v1", Resource: "namespaces"}:      "NamespaceList",
		{Version: "v1", Resource: "serviceaccounts"}: "ServiceAccountList",
		{Version: "v1", Resource: "configmaps"}:      "ConfigMapList",
		{Version: "v1", Resource: "secrets"}:         "SecretList",
		kube.FlinkDeployments:                        "FlinkDeploymentList",
	})
	dyn.PrependReactor("patch", "*", func(a k8stesting.Action) (bool, runtime.Object, error) {
		p := a.(k8stesting.PatchActionImpl)
		if p.GetPatchType() != types.ApplyPatchType {
			return false, nil, nil
		}
		f.step("apply the FlinkDeployment")
		u := &unstructured.Unstructured{}
		if err := json.Unmarshal(p.GetPatch(), &u.Object); err != nil {
			return true, nil, err
		}
		if len(p.GetPatchOptions().DryRun) > 0 {
			return true, u, nil
		}
		if p.GetResource() == kube.FlinkDeployments {
			u.Object["status"] = map[string]any{"lifecycleState": "STABLE", "jobManagerDeploymentStatus": "READY",
				"jobStatus": map[string]any{"state": "RUNNING", "jobId": "aks-job"}}
		}
		tr := dyn.Tracker()
		if _, err := tr.Get(p.GetResource(), p.GetNamespace(), p.GetName()); err != nil {
			return true, u, tr.Create(p.GetResource(), u, p.GetNamespace())
		}
		return true, u, tr.Update(p.GetResource(), u, p.GetNamespace())
	})
	return dyn
}

func kfakeConn(t *testing.T, topics map[string]int32) kafkaconn.Conn {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	conn := kafkaconn.Conn{Brokers: c.ListenAddrs()}
	cl, err := conn.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	for name, n := range topics {
		if _, err := kadm.NewClient(cl).CreateTopic(context.Background(), n, 1, nil, name); err != nil {
			t.Fatal(err)
		}
	}
	return conn
}

// newFake is a tier 5 deployment (4 partitions, parallelism 4, 3 generators) behind fakes,
// running the relay.
func newFake(t *testing.T) (*fakeAzure, *Azure) {
	t.Helper()
	return newFakeJob(t, relay.JobRelay)
}

// newFakeJob is newFake planned for job; its Kubernetes cluster (f.dyn) keeps what is applied
// from one run to the next.
func newFakeJob(t *testing.T, job relay.Job) (*fakeAzure, *Azure) {
	t.Helper()
	p, err := plan.New(plan.Config{Tier: 5, ResourceGroup: "rg", Location: "westeurope", Subscription: "sub", Job: job})
	if err != nil {
		t.Fatal(err)
	}
	n := p.Names
	f := &fakeAzure{t: t, groups: map[string]*fakeGroup{}, copied: map[int32]int64{}, complex: job == relay.JobComplex, tagged: map[tags.Key]bool{},
		partitions: map[string]int64{n.NamespaceIn + "/in": 4, n.NamespaceOut + "/out": 4, n.NamespaceOut + "/in-dead-letter": 1},
		in:         kfakeConn(t, map[string]int32{"in": 4}),
		out:        kfakeConn(t, map[string]int32{"out": 4, "in-dead-letter": 1}),
	}
	clients, err := provision.NewClients("sub", &azfake.TokenCredential{}, f.options())
	if err != nil {
		t.Fatal(err)
	}
	f.dyn = fakeDynamic(f)
	seedImages(t, f)
	a := &Azure{
		Runner:    &provision.Runner{Plan: p, Clients: clients, PollEvery: time.Millisecond},
		Kube:      func([]byte) (dynamic.Interface, error) { return f.dyn, nil },
		PollEvery: time.Millisecond,
		kafka: func(in, out kafkaconn.Conn) (kafkaconn.Conn, kafkaconn.Conn) {
			// The verifier's rules, on the fake clusters.
			if !in.EventHubs || !out.EventHubs || !strings.Contains(in.Password, n.NamespaceIn) || !strings.Contains(out.Password, n.NamespaceOut) ||
				!strings.Contains(in.Password, plan.RuleVerifierListen) || !strings.Contains(out.Password, plan.RuleVerifierListen) {
				t.Errorf("the run reads with %s and %s, want the verifier-listen rules of both namespaces", in.Describe(), out.Describe())
			}
			return f.in, f.out
		},
	}
	return f, a
}

func runConfig(t *testing.T) pipeline.Config {
	load := generate.DefaultConfig()
	load.Count, load.Rate, load.Devices, load.DuplicateFraction, load.Seed, load.Instances = 100, 5000, 12, 0, 1, 3
	checks := verify.DefaultChecks()
	checks.AllowCreateTime = true // kfake keeps the producer's timestamps
	return pipeline.Config{
		Topics: pipeline.Topics{In: plan.HubIn, Out: plan.HubOut, DeadLetter: plan.HubDeadLetter, Partitions: 4},
		Job: func(conn kafkaconn.Conn, partitions int32) relay.Spec {
			return relay.Spec{InTopic: plan.HubIn, OutTopic: plan.HubOut, Parallelism: int(partitions), Guarantee: relay.AtLeastOnce, Secured: conn.TLS}
		},
		Load: load, DrainIdle: 2 * time.Second, TrafficInterval: time.Minute, Checks: checks, RunsDir: t.TempDir(),
	}
}

// TestRunFakeAzure: two runs through pipeline.Run on the Azure target: the deployment is
// read, the hubs checked, the FlinkDeployment applied and waited for, the generators started
// on Container Instances as `--instance i --instances 3` with the send rule as a secure
// environment variable, their summaries added up, every event verified out; the second run
// first deletes the first's ended generators.
func TestRunFakeAzure(t *testing.T) {
	f, a := newFake(t)
	var progress bytes.Buffer
	cfg := runConfig(t)
	cfg.Progress = &progress
	res, err := pipeline.Run(context.Background(), a, cfg)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, progress.String())
	}
	want := []string{"read rules", "read identities", "read hubs", "kubeconfig", "apply the FlinkDeployment", "start generators", "generator logs"}
	if !slices.Equal(f.steps, want) {
		t.Errorf("steps %v, want %v", f.steps, want)
	}
	if res.Verified.InputEvents != 300 || res.Verified.Missing != 0 || len(res.Failures) != 0 || res.Generated.Events != 300 || res.Run.JobID != "aks-job" {
		t.Fatalf("result: %d input events, %d missing, failures %v, generated %d, job %q", res.Verified.InputEvents, res.Verified.Missing, res.Failures, res.Generated.Events, res.Run.JobID)
	}
	if res.Run.DeadLetter == nil || res.Run.DeadLetter.Records() != 0 {
		t.Errorf("dead letters not counted on the output namespace: %+v", res.Run.DeadLetter)
	}
	names := a.Runner.Plan.Names
	for i, g := range names.GeneratorGroups {
		grp := f.groups[g]
		cmd := strings.Join(grp.cmd, " ")
		if !strings.Contains(cmd, fmt.Sprintf("--instance %d --instances 3", i)) || !strings.Contains(cmd, "--count 100") || !strings.Contains(cmd, "--json") {
			t.Errorf("generator %s: %s", g, cmd)
		}
		if strings.Contains(cmd, fakeKey) {
			t.Errorf("generator %s has the key on its command line", g)
		}
		if got := grp.env[kafkaconn.EnvConnectionString]; got != connString(names.NamespaceIn, plan.RuleGeneratorsSend) {
			t.Errorf("generator %s env %q, want the generators-send rule as a secure value", g, got)
		}
		// The image `up` recorded in the cluster, by its content tag.
		if want := names.RegistryHost() + "/streamscale-generator:9e7e1a5c0de5f00d"; grp.image != want {
			t.Errorf("generator %s runs %s, want %s", g, grp.image, want)
		}
	}
	fd, err := f.dyn.Resource(kube.FlinkDeployments).Namespace(plan.K8sNamespace).Get(context.Background(), plan.DeploymentName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if img, _, _ := unstructured.NestedString(fd.Object, "spec", "image"); img != names.RegistryHost()+"/streamscale-job@"+upImages.Job {
		t.Errorf("the run applied image %s, not the one up recorded", img)
	}
	if strings.Contains(progress.String(), fakeKey) {
		t.Error("a key reached the progress output")
	}

	f.steps = nil
	res, err = pipeline.Run(context.Background(), a, runConfig(t))
	if err != nil {
		t.Fatalf("second run: %v", err)
	}
	if f.deletes != 3 || !slices.Contains(f.steps, "delete ended generators") {
		t.Errorf("second run deleted %d generator groups (steps %v), want 3", f.deletes, f.steps)
	}
	if res.Verified.InputEvents != 300 || res.Verified.Missing != 0 || len(res.Failures) != 0 {
		t.Errorf("second run: %d input events, %d missing, failures %v", res.Verified.InputEvents, res.Verified.Missing, res.Failures)
	}
}

// TestRunFakeAzureInterrupted: Ctrl-C while the generators run stops each container group
// (instead of leaving them sending), and the run still verifies and records what they
// printed they sent, its load error saying it was interrupted.
func TestRunFakeAzureInterrupted(t *testing.T) {
	f, a := newFake(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.hold, f.onRunning = true, cancel
	var progress bytes.Buffer
	cfg := runConfig(t)
	cfg.Progress = &progress
	res, err := pipeline.Run(ctx, a, cfg)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, progress.String())
	}
	if want := a.Runner.Plan.Names.GeneratorGroups; !slices.Equal(f.stops, want) {
		t.Errorf("stopped %v, want every generator group %v", f.stops, want)
	}
	if !errors.Is(res.LoadErr, context.Canceled) {
		t.Errorf("load error %v, want it to say the run was interrupted", res.LoadErr)
	}
	if res.Generated.Events != 300 || res.Verified.InputEvents != 300 || res.Verified.Missing != 0 {
		t.Errorf("result: generated %d, %d input events, %d missing; want the 300 sent verified", res.Generated.Events, res.Verified.InputEvents, res.Verified.Missing)
	}
	if !strings.Contains(progress.String(), "stopping the generators") {
		t.Errorf("progress does not say the generators are stopped:\n%s", progress.String())
	}
}

// TestStopGeneratorsNoSummary: a generator that printed nothing by the time it was stopped is
// named; the others' summaries are still added up.
func TestStopGeneratorsNoSummary(t *testing.T) {
	f, a := newFake(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.hold, f.onRunning = true, cancel
	a.d = &provision.Deployment{}
	f.mu.Lock()
	for _, g := range a.Runner.Plan.Names.GeneratorGroups {
		f.groups[g] = &fakeGroup{log: "generating 100 events/s"}
	}
	f.mu.Unlock()
	l := &aciLoad{r: a.Runner}
	sum, err := l.Wait(ctx)
	if sum != nil || err == nil || !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "printed no summary when stopped: generating 100 events/s") {
		t.Fatalf("Wait = %v, %v", sum, err)
	}
	if len(f.stops) != 3 {
		t.Errorf("stopped %v, want 3 groups", f.stops)
	}
}

// TestRunFakeAzureFailingGenerator: a generator that exits non-zero fails the run with its
// name, exit code and last line of output.
func TestRunFakeAzureFailingGenerator(t *testing.T) {
	f, a := newFake(t)
	f.failGroup = a.Runner.Plan.Names.GeneratorGroups[1]
	_, err := pipeline.Run(context.Background(), a, runConfig(t))
	if err == nil || !strings.Contains(err.Error(), "generator "+f.failGroup+" exited with code 1: generate: produce to \"in\": TOPIC_AUTHORIZATION_FAILED") {
		t.Fatalf("err = %v", err)
	}
	var le *pipeline.LoadError
	if !errors.As(err, &le) || le.Summary.Events != 200 {
		t.Errorf("want a LoadError with the other two generators' 200 events, got %v", err)
	}
}

// TestRunFakeAzureRefusals: missing hubs, other partitions or another parallelism stop the run
// with one line saying what to do.
func TestRunFakeAzureRefusals(t *testing.T) {
	tests := []struct {
		name   string
		change func(*fakeAzure, *Azure, *pipeline.Config)
		want   string
	}{
		{"hubs missing", func(f *fakeAzure, a *Azure, _ *pipeline.Config) {
			delete(f.partitions, a.Runner.Plan.Names.NamespaceOut+"/out")
		}, "hub out in namespace " + "%s does not exist: run `streamscale azure up` first"},
		{"other partitions", func(_ *fakeAzure, _ *Azure, c *pipeline.Config) {
			c.Topics.Partitions = 8
			base := c.Job
			c.Job = func(conn kafkaconn.Conn, _ int32) relay.Spec { s := base(conn, 4); return s }
		}, "hub in in namespace %s has 4 partitions, the run needs 8"},
		{"other parallelism", func(_ *fakeAzure, _ *Azure, c *pipeline.Config) {
			base := c.Job
			c.Job = func(conn kafkaconn.Conn, p int32) relay.Spec { s := base(conn, p); s.Parallelism = 8; return s }
		}, "--parallelism 8: the deployment runs the job with parallelism 4; run `azure up --parallelism 8` first"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, a := newFake(t)
			cfg := runConfig(t)
			tt.change(f, a, &cfg)
			_, err := pipeline.Run(context.Background(), a, cfg)
			ns := a.Runner.Plan.Names.NamespaceOut
			if strings.HasPrefix(tt.name, "other partitions") {
				ns = a.Runner.Plan.Names.NamespaceIn
			}
			want := tt.want
			if strings.Contains(want, "%s") {
				want = fmt.Sprintf(want, ns)
			}
			if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("err = %v, want one line with %q", err, want)
			}
			if slices.Contains(f.steps, "start generators") {
				t.Errorf("generators started: %v", f.steps)
			}
		})
	}
}

func TestGeneratorCommand(t *testing.T) {
	cfg := generate.DefaultConfig()
	cfg.Rate, cfg.Duration = 2000, 5*time.Minute
	got := strings.Join(plan.LoadCommand(cfg, 2, 5, true), " ")
	want := "/streamscale generate --topic in --rate 2000 --instance 2 --instances 5 --duration 5m0s --devices 1000 --device-prefix contoso://device-id- --duplicate-fraction 0.001 --json"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	// The complex job's load: mixed types and quiet devices reach the generators.
	cfg.MixedTypes, cfg.QuietDevices = true, 0.1
	got = strings.Join(plan.LoadCommand(cfg, 2, 5, true), " ")
	want = "/streamscale generate --topic in --rate 2000 --instance 2 --instances 5 --duration 5m0s --devices 1000 --device-prefix contoso://device-id- --mixed-types --quiet-devices 0.1 --duplicate-fraction 0.001 --json"
	if got != want {
		t.Errorf("complex: got  %s\nwant %s", got, want)
	}
}

// upImages are the digests of the images the fake `azure up` built and recorded.
var upImages = plan.Images{
	Generator: "sha256:9e7e1a5c0de5f00d" + strings.Repeat("0", 48),
	Job:       "sha256:10b10b10b10b10b1" + strings.Repeat("1", 48),
}

// upPlan is the plan `azure up --tier 5 --job job` deployed, with its images.
func upPlan(t *testing.T, job relay.Job) *plan.Plan {
	t.Helper()
	p, err := plan.New(plan.Config{Tier: 5, ResourceGroup: "rg", Location: "westeurope", Job: job, Images: upImages})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// seedImages puts the images ConfigMap `azure up` applies into f's cluster.
func seedImages(t *testing.T, f *fakeAzure) {
	t.Helper()
	objs, err := kube.Unstructured([]any{manifest.Build(upPlan(t, relay.JobRelay), manifest.Inputs{}).Images})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.dyn.Tracker().Create(schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}, objs[0], plan.K8sNamespace); err != nil {
		t.Fatal(err)
	}
}

// seedDeployment puts job's FlinkDeployment (as `azure up --job job` applies it) into f's
// cluster.
func seedDeployment(t *testing.T, f *fakeAzure, job relay.Job) {
	t.Helper()
	set := manifest.Build(upPlan(t, job), manifest.Inputs{})
	objs, err := kube.Unstructured([]any{set.Namespace, set.KafkaConfig, set.Secret, set.FlinkDeployment})
	if err != nil {
		t.Fatal(err)
	}
	if err := kube.Apply(context.Background(), f.dyn, objs, false, io.Discard); err != nil {
		t.Fatal(err)
	}
}

// TestRunFakeAzureOtherJobRefused: `azure run --job complex` against a deployment that runs
// the relay (and the other way round) is refused with one line before anything is applied or
// started, and the running job's FlinkDeployment is left alone.
func TestRunFakeAzureOtherJobRefused(t *testing.T) {
	for _, tc := range []struct {
		asked, runs relay.Job
		want        string
	}{
		{relay.JobComplex, relay.JobRelay, "--job complex: the deployment runs the relay job (FlinkDeployment streamscale/streamscale-relay); run `azure up --job complex` first, or pass --job relay"},
		{relay.JobRelay, relay.JobComplex, "--job relay: the deployment runs the complex job (FlinkDeployment streamscale/streamscale-complex); run `azure up --job relay` first, or pass --job complex"},
	} {
		t.Run(string(tc.asked), func(t *testing.T) {
			f, a := newFakeJob(t, tc.asked)
			seedDeployment(t, f, tc.runs)
			f.steps = nil
			cfg := runConfig(t)
			base := cfg.Job
			cfg.Job = func(conn kafkaconn.Conn, p int32) relay.Spec { s := base(conn, p); s.Job = tc.asked; return s }
			_, err := pipeline.Run(context.Background(), a, cfg)
			if err == nil || !strings.HasSuffix(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("err = %v, want one line ending %q", err, tc.want)
			}
			if slices.Contains(f.steps, "apply the FlinkDeployment") || slices.Contains(f.steps, "start generators") {
				t.Errorf("steps %v: something was applied or started", f.steps)
			}
			if ok, _ := kube.FlinkDeploymentExists(context.Background(), f.dyn, plan.K8sNamespace, plan.DeploymentNameFor(tc.runs)); !ok {
				t.Errorf("the running %s job's FlinkDeployment is gone", tc.runs)
			}
		})
	}
	// A spec that asks for another job than the plan is refused too.
	_, a := newFakeJob(t, relay.JobRelay)
	cfg := runConfig(t)
	base := cfg.Job
	cfg.Job = func(conn kafkaconn.Conn, p int32) relay.Spec { s := base(conn, p); s.Job = relay.JobComplex; return s }
	if _, err := pipeline.Run(context.Background(), a, cfg); err == nil || !strings.Contains(err.Error(), "--job complex: the deployment is planned for the relay job") {
		t.Errorf("err = %v", err)
	}
}

// TestUpSwitchesJobKind_FakeDynamic: deploy.Job (azure up's Kubernetes step) for the complex
// job deletes the relay's FlinkDeployment first, saying so in one line, then applies and waits
// for the complex job's; back to the relay deletes the complex job's. The kept deployment's
// name never changes kind, so no savepoint crosses from one job to the other.
func TestUpSwitchesJobKind_FakeDynamic(t *testing.T) {
	f, _ := newFake(t)
	seedDeployment(t, f, relay.JobRelay)
	ctx := context.Background()
	for _, tc := range []struct {
		job        relay.Job
		gone, kept string
		line       string
	}{
		{relay.JobComplex, plan.DeploymentName, plan.ComplexDeploymentName,
			"  deleted  FlinkDeployment streamscale/streamscale-relay: the complex job replaces the relay job (one job writes out)\n"},
		{relay.JobRelay, plan.ComplexDeploymentName, plan.DeploymentName,
			"  deleted  FlinkDeployment streamscale/streamscale-complex: the relay job replaces the complex job (one job writes out)\n"},
	} {
		p := upPlan(t, tc.job)
		var out bytes.Buffer
		st, err := deploy.Job(ctx, f.dyn, &provision.Deployment{Plan: p}, time.Minute, time.Millisecond, &out)
		if err != nil || st.JobStatus.JobID != "aks-job" {
			t.Fatalf("%s: status %+v, err %v", tc.job, st, err)
		}
		if !strings.HasPrefix(out.String(), tc.line) || strings.Count(out.String(), "deleted") != 1 {
			t.Errorf("%s: output does not start with %q:\n%s", tc.job, tc.line, out.String())
		}
		if ok, _ := kube.FlinkDeploymentExists(ctx, f.dyn, plan.K8sNamespace, tc.gone); ok {
			t.Errorf("%s: %s is still there", tc.job, tc.gone)
		}
		fd, err := f.dyn.Resource(kube.FlinkDeployments).Namespace(plan.K8sNamespace).Get(ctx, tc.kept, metav1.GetOptions{})
		if err != nil {
			t.Fatalf("%s: %v", tc.job, err)
		}
		if class, _, _ := unstructured.NestedString(fd.Object, "spec", "job", "entryClass"); class != (relay.Spec{Job: tc.job}).MainClass() {
			t.Errorf("%s: %s runs %s", tc.job, tc.kept, class)
		}
	}
}

func TestSummarize(t *testing.T) {
	js := func(s generate.Summary) string {
		b, _ := json.MarshalIndent(s, "", "  ")
		return "progress\n" + string(b) + "\n"
	}
	res := []provision.GeneratorResult{
		{Group: "g0", Log: js(generate.Summary{Events: 10, Records: 10, Acked: 10, Bytes: 1000, AchievedRate: 5, Elapsed: 2})},
		{Group: "g1", Log: js(generate.Summary{Events: 20, Records: 20, Acked: 20, Bytes: 1000, AchievedRate: 6, Elapsed: 3})},
		{Group: "g2", Log: "no summary here"},
	}
	s, err := Summarize(res)
	if s == nil || s.Events != 30 || s.AchievedRate != 11 || s.Elapsed != 3 || s.MeanRecordBytes != 2000.0/30 {
		t.Errorf("summary %+v", s)
	}
	if err == nil || !strings.Contains(err.Error(), "generator g2 printed no summary: no summary here") {
		t.Errorf("err = %v", err)
	}
	if _, err := Summarize(nil); err == nil {
		t.Error("no generators: no error")
	}
}

// TestRunFakeAzureComplex: a complex run on the Azure target: the complex job's
// FlinkDeployment is applied (the relay's is not), the generators send mixed types, the run
// record says complex, and the verifier rebuilds the devices' state from namespace #1's input
// and reconciles the tags the (fake) complex job wrote to namespace #2.
func TestRunFakeAzureComplex(t *testing.T) {
	f, a := newFakeJob(t, relay.JobComplex)
	cfg := runConfig(t)
	cfg.Load.MixedTypes = true
	base := cfg.Job
	cfg.Job = func(conn kafkaconn.Conn, p int32) relay.Spec { s := base(conn, p); s.Job = relay.JobComplex; return s }
	var progress bytes.Buffer
	cfg.Progress = &progress
	res, err := pipeline.Run(context.Background(), a, cfg)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, progress.String())
	}
	if res.Run.Job != string(relay.JobComplex) || res.Run.JobID != "aks-job" {
		t.Errorf("run record job %q (id %q), want complex", res.Run.Job, res.Run.JobID)
	}
	if res.Verified.InputEvents != 300 || res.Verified.Tags == nil || len(res.Failures) != 0 {
		t.Fatalf("result: %d input events, tags %+v, failures %v\n%s", res.Verified.InputEvents, res.Verified.Tags, res.Failures, progress.String())
	}
	if n := res.Verified.Tags.ByKind[tags.First]; n != 12 {
		t.Errorf("%d %s tags, want one per device (12)", n, tags.First)
	}
	if ok, _ := kube.FlinkDeploymentExists(context.Background(), f.dyn, plan.K8sNamespace, plan.ComplexDeploymentName); !ok {
		t.Error("the complex job's FlinkDeployment was not applied")
	}
	if ok, _ := kube.FlinkDeploymentExists(context.Background(), f.dyn, plan.K8sNamespace, plan.DeploymentName); ok {
		t.Error("the relay's FlinkDeployment was applied")
	}
	for _, g := range a.Runner.Plan.Names.GeneratorGroups {
		if cmd := strings.Join(f.groups[g].cmd, " "); !strings.Contains(cmd, "--mixed-types") {
			t.Errorf("generator %s: %s", g, cmd)
		}
	}
}
