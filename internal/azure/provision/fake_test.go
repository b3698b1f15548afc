package provision

import (
	"context"
	"net/http"
	"strings"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/authorization/armauthorization/v2"
	authfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/authorization/armauthorization/v2/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerinstance/armcontainerinstance/v2"
	acifake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerinstance/armcontainerinstance/v2/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerregistry/armcontainerregistry"
	acrfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerregistry/armcontainerregistry/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6"
	aksfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/eventhub/armeventhub"
	ehfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/eventhub/armeventhub/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/monitor/armmonitor"
	monitorfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/monitor/armmonitor/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/msi/armmsi"
	msifake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/msi/armmsi/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources"
	rgfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/storage/armstorage"
	stfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/storage/armstorage/fake"

	"github.com/streamscale/streamscale/internal/azure/aztest"
)

// fakeAzure is an in-memory subscription behind the Azure SDK's own fake servers (each
// module's fake package): it keeps which resources exist, logs every create in order, and
// can fail or throttle (HTTP 429) the create of a chosen resource.
type fakeAzure struct {
	mu       sync.Mutex
	exists   map[string]bool
	creates  []string
	deletes  []string
	failOn   string         // the create of this key fails once, with HTTP 400
	throttle map[string]int // a PUT to a path ending so answers HTTP 429 this many times first
	polls    int            // non-terminal responses each long-running create gives first
	// aciReads counts the reads of each container group: a generator runs for its first two
	// and has terminated (exit code aciExit) from the third on.
	aciReads map[string]int
	aciExit  int32
	// dcr is the data collection rule created last.
	dcr armmonitor.DataCollectionRuleResource
	// cluster is the AKS cluster created last; fics the federated credentials by
	// identity/name; roles the role assignments by scope/name.
	cluster armcontainerservice.ManagedCluster
	fics    map[string]armmsi.FederatedIdentityCredential
	roles   map[string]armauthorization.RoleAssignmentCreateParameters
	// oldCluster makes the cluster's reads say OIDC issuer and workload identity are off,
	// as on a cluster made before streamscale turned them on.
	oldCluster bool
}

func newFakeAzure() *fakeAzure {
	return &fakeAzure{exists: map[string]bool{}, throttle: map[string]int{}, aciReads: map[string]int{},
		fics: map[string]armmsi.FederatedIdentityCredential{}, roles: map[string]armauthorization.RoleAssignmentCreateParameters{}}
}

func (f *fakeAzure) has(key string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.exists[key]
}

// createOK decides a create: an injected failure or throttle, or success (recorded).
func (f *fakeAzure) createOK(key string) (status int, code string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failOn == key {
		f.failOn = ""
		return http.StatusBadRequest, "InjectedFailure"
	}
	f.exists[key] = true
	f.creates = append(f.creates, key)
	return 0, ""
}

func fget[T any](f *fakeAzure, key string, v T) (r azfake.Responder[T], e azfake.ErrorResponder) {
	if !f.has(key) {
		e.SetResponseError(http.StatusNotFound, "ResourceNotFound")
		return
	}
	r.SetResponse(http.StatusOK, v, nil)
	return
}

func fcreate[T any](f *fakeAzure, key string, v T) (r azfake.Responder[T], e azfake.ErrorResponder) {
	if status, code := f.createOK(key); status != 0 {
		e.SetResponseError(status, code)
		return
	}
	r.SetResponse(http.StatusOK, v, nil)
	return
}

// flro answers a long-running create with f.polls non-terminal responses of status running
// (one the operation documents as accepted), then v.
func flro[T any](f *fakeAzure, key string, running int, v T) (r azfake.PollerResponder[T], e azfake.ErrorResponder) {
	if status, code := f.createOK(key); status != 0 {
		e.SetResponseError(status, code)
		return
	}
	for i := 0; i < f.polls; i++ {
		r.AddNonTerminalResponse(running, nil)
	}
	r.SetTerminalResponse(http.StatusOK, v, nil)
	return
}

const (
	kubeletClient  = "11111111-1111-1111-1111-111111111111"
	fakeOIDCIssuer = "https://westeurope.oic.prod-aks.azure.com/tenant/cluster/"
	kubeletObject  = "22222222-2222-2222-2222-222222222222"
	fakeSharedKey  = "c2VjcmV0LWtleS1mb3ItdGVzdHM="
)

// fakePrincipal and fakeClient are an identity's principal and client IDs: each identity
// has its own, so a role assigned to the wrong one is seen.
func fakePrincipal(identity string) string { return "principal-of-" + identity }
func fakeClient(identity string) string    { return "client-of-" + identity }

// readCluster is what a read of the AKS cluster answers: the kubelet identity, and what
// Azure reports of the OIDC issuer and workload identity (the issuer URL only when on).
func (f *fakeAzure) readCluster() armcontainerservice.ManagedCluster {
	f.mu.Lock()
	defer f.mu.Unlock()
	props := &armcontainerservice.ManagedClusterProperties{IdentityProfile: map[string]*armcontainerservice.UserAssignedIdentity{
		"kubeletidentity": {ClientID: to.Ptr(kubeletClient), ObjectID: to.Ptr(kubeletObject)}}}
	if c := f.cluster.Properties; c != nil && !f.oldCluster {
		if c.OidcIssuerProfile != nil && c.OidcIssuerProfile.Enabled != nil && *c.OidcIssuerProfile.Enabled {
			props.OidcIssuerProfile = &armcontainerservice.ManagedClusterOIDCIssuerProfile{Enabled: to.Ptr(true), IssuerURL: to.Ptr(fakeOIDCIssuer)}
		}
		props.SecurityProfile = c.SecurityProfile
	}
	return armcontainerservice.ManagedCluster{Properties: props}
}

func connString(ns, rule string) string {
	return "Endpoint=sb://" + ns + ".servicebus.windows.net/;SharedAccessKeyName=" + rule + ";SharedAccessKey=" + fakeSharedKey
}

// transport routes each request to its module's fake server by the resource provider in
// its path.
type transport struct {
	f      *fakeAzure
	routes []route
}

type route struct {
	provider string // lower-case "/providers/microsoft.x/" or "" for resource groups
	t        policy.Transporter
}

func (t *transport) Do(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPut && t.f.throttled(req.URL.Path) {
		// What Azure Resource Manager answers over a subscription's request limit; the SDK's
		// retry policy must wait Retry-After and send it again.
		return &http.Response{StatusCode: http.StatusTooManyRequests, Status: "429 Too Many Requests",
			Header: http.Header{"Retry-After": {"0"}}, Body: http.NoBody, Request: req}, nil
	}
	rt := make(aztest.Router, len(t.routes))
	for i, r := range t.routes {
		rt[i] = aztest.Route{Provider: r.provider, Transport: r.t}
	}
	return rt.Do(req)
}

// throttled says whether a PUT to path is answered 429 this time.
func (f *fakeAzure) throttled(path string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for suffix, n := range f.throttle {
		if n > 0 && strings.HasSuffix(path, suffix) {
			f.throttle[suffix]--
			return true
		}
	}
	return false
}

// options wires the fakes; the retry delays are short so a throttled call retries at once.
func (f *fakeAzure) options() *arm.ClientOptions {
	rgServer := rgfake.NewServerFactoryTransport(&rgfake.ServerFactory{
		Server: rgfake.Server{
			GetByID: func(_ context.Context, id, _ string, _ *armresources.ClientGetByIDOptions) (azfake.Responder[armresources.ClientGetByIDResponse], azfake.ErrorResponder) {
				return fget(f, "workspace:"+id[strings.LastIndex(id, "/")+1:], armresources.ClientGetByIDResponse{})
			},
			BeginCreateOrUpdateByID: func(_ context.Context, id, _ string, _ armresources.GenericResource, _ *armresources.ClientBeginCreateOrUpdateByIDOptions) (azfake.PollerResponder[armresources.ClientCreateOrUpdateByIDResponse], azfake.ErrorResponder) {
				return flro(f, "workspace:"+id[strings.LastIndex(id, "/")+1:], http.StatusCreated, armresources.ClientCreateOrUpdateByIDResponse{})
			},
		},
		ResourceGroupsServer: rgfake.ResourceGroupsServer{
			Get: func(_ context.Context, name string, _ *armresources.ResourceGroupsClientGetOptions) (azfake.Responder[armresources.ResourceGroupsClientGetResponse], azfake.ErrorResponder) {
				return fget(f, "group:"+name, armresources.ResourceGroupsClientGetResponse{})
			},
			CreateOrUpdate: func(_ context.Context, name string, _ armresources.ResourceGroup, _ *armresources.ResourceGroupsClientCreateOrUpdateOptions) (azfake.Responder[armresources.ResourceGroupsClientCreateOrUpdateResponse], azfake.ErrorResponder) {
				return fcreate(f, "group:"+name, armresources.ResourceGroupsClientCreateOrUpdateResponse{})
			},
			BeginDelete: func(_ context.Context, name string, _ *armresources.ResourceGroupsClientBeginDeleteOptions) (azfake.PollerResponder[armresources.ResourceGroupsClientDeleteResponse], azfake.ErrorResponder) {
				var r azfake.PollerResponder[armresources.ResourceGroupsClientDeleteResponse]
				f.mu.Lock()
				for k := range f.exists {
					delete(f.exists, k)
				}
				f.deletes = append(f.deletes, "group:"+name)
				f.mu.Unlock()
				r.AddNonTerminalResponse(http.StatusAccepted, nil)
				r.SetTerminalResponse(http.StatusOK, armresources.ResourceGroupsClientDeleteResponse{}, nil)
				return r, azfake.ErrorResponder{}
			},
		}})
	t := &transport{f: f, routes: []route{
		// Before the cluster's provider: an association's path is under the cluster's.
		{"/providers/microsoft.insights/", monitorfake.NewServerFactoryTransport(&monitorfake.ServerFactory{
			DataCollectionEndpointsServer: monitorfake.DataCollectionEndpointsServer{
				Get: func(_ context.Context, _, name string, _ *armmonitor.DataCollectionEndpointsClientGetOptions) (azfake.Responder[armmonitor.DataCollectionEndpointsClientGetResponse], azfake.ErrorResponder) {
					return fget(f, "dce:"+name, armmonitor.DataCollectionEndpointsClientGetResponse{})
				},
				Create: func(_ context.Context, _, name string, _ armmonitor.DataCollectionEndpointResource, _ *armmonitor.DataCollectionEndpointsClientCreateOptions) (azfake.Responder[armmonitor.DataCollectionEndpointsClientCreateResponse], azfake.ErrorResponder) {
					return fcreate(f, "dce:"+name, armmonitor.DataCollectionEndpointsClientCreateResponse{})
				},
			},
			DataCollectionRulesServer: monitorfake.DataCollectionRulesServer{
				Get: func(_ context.Context, _, name string, _ *armmonitor.DataCollectionRulesClientGetOptions) (azfake.Responder[armmonitor.DataCollectionRulesClientGetResponse], azfake.ErrorResponder) {
					return fget(f, "dcr:"+name, armmonitor.DataCollectionRulesClientGetResponse{})
				},
				Create: func(_ context.Context, _, name string, body armmonitor.DataCollectionRuleResource, _ *armmonitor.DataCollectionRulesClientCreateOptions) (azfake.Responder[armmonitor.DataCollectionRulesClientCreateResponse], azfake.ErrorResponder) {
					f.mu.Lock()
					f.dcr = body
					f.mu.Unlock()
					return fcreate(f, "dcr:"+name, armmonitor.DataCollectionRulesClientCreateResponse{})
				},
			},
			DataCollectionRuleAssociationsServer: monitorfake.DataCollectionRuleAssociationsServer{
				Get: func(_ context.Context, uri, name string, _ *armmonitor.DataCollectionRuleAssociationsClientGetOptions) (azfake.Responder[armmonitor.DataCollectionRuleAssociationsClientGetResponse], azfake.ErrorResponder) {
					return fget(f, "dcra:"+uri[strings.LastIndex(uri, "/")+1:]+"/"+name, armmonitor.DataCollectionRuleAssociationsClientGetResponse{})
				},
				Create: func(_ context.Context, uri, name string, _ armmonitor.DataCollectionRuleAssociationProxyOnlyResource, _ *armmonitor.DataCollectionRuleAssociationsClientCreateOptions) (azfake.Responder[armmonitor.DataCollectionRuleAssociationsClientCreateResponse], azfake.ErrorResponder) {
					return fcreate(f, "dcra:"+uri[strings.LastIndex(uri, "/")+1:]+"/"+name, armmonitor.DataCollectionRuleAssociationsClientCreateResponse{})
				},
			},
		})},
		{"/providers/microsoft.monitor/", rgServer},
		{"/providers/microsoft.authorization/", authfake.NewServerFactoryTransport(&authfake.ServerFactory{RoleAssignmentsServer: authfake.RoleAssignmentsServer{
			Get: func(_ context.Context, scope, name string, _ *armauthorization.RoleAssignmentsClientGetOptions) (azfake.Responder[armauthorization.RoleAssignmentsClientGetResponse], azfake.ErrorResponder) {
				return fget(f, "role:"+scope+"/"+name, armauthorization.RoleAssignmentsClientGetResponse{})
			},
			Create: func(_ context.Context, scope, name string, body armauthorization.RoleAssignmentCreateParameters, _ *armauthorization.RoleAssignmentsClientCreateOptions) (azfake.Responder[armauthorization.RoleAssignmentsClientCreateResponse], azfake.ErrorResponder) {
				f.mu.Lock()
				f.roles[scope+"/"+name] = body
				f.mu.Unlock()
				return fcreate(f, "role:"+scope+"/"+name, armauthorization.RoleAssignmentsClientCreateResponse{})
			},
		}})},
		{"/providers/microsoft.eventhub/", ehfake.NewServerFactoryTransport(&ehfake.ServerFactory{
			NamespacesServer: ehfake.NamespacesServer{
				Get: func(_ context.Context, _, ns string, _ *armeventhub.NamespacesClientGetOptions) (azfake.Responder[armeventhub.NamespacesClientGetResponse], azfake.ErrorResponder) {
					return fget(f, "namespace:"+ns, armeventhub.NamespacesClientGetResponse{})
				},
				BeginCreateOrUpdate: func(_ context.Context, _, ns string, _ armeventhub.EHNamespace, _ *armeventhub.NamespacesClientBeginCreateOrUpdateOptions) (azfake.PollerResponder[armeventhub.NamespacesClientCreateOrUpdateResponse], azfake.ErrorResponder) {
					return flro(f, "namespace:"+ns, http.StatusCreated, armeventhub.NamespacesClientCreateOrUpdateResponse{})
				},
				GetAuthorizationRule: func(_ context.Context, _, ns, rule string, _ *armeventhub.NamespacesClientGetAuthorizationRuleOptions) (azfake.Responder[armeventhub.NamespacesClientGetAuthorizationRuleResponse], azfake.ErrorResponder) {
					return fget(f, "rule:"+ns+"/"+rule, armeventhub.NamespacesClientGetAuthorizationRuleResponse{})
				},
				CreateOrUpdateAuthorizationRule: func(_ context.Context, _, ns, rule string, _ armeventhub.AuthorizationRule, _ *armeventhub.NamespacesClientCreateOrUpdateAuthorizationRuleOptions) (azfake.Responder[armeventhub.NamespacesClientCreateOrUpdateAuthorizationRuleResponse], azfake.ErrorResponder) {
					return fcreate(f, "rule:"+ns+"/"+rule, armeventhub.NamespacesClientCreateOrUpdateAuthorizationRuleResponse{})
				},
				ListKeys: func(_ context.Context, _, ns, rule string, _ *armeventhub.NamespacesClientListKeysOptions) (azfake.Responder[armeventhub.NamespacesClientListKeysResponse], azfake.ErrorResponder) {
					return fget(f, "rule:"+ns+"/"+rule, armeventhub.NamespacesClientListKeysResponse{AccessKeys: armeventhub.AccessKeys{
						PrimaryConnectionString: to.Ptr(connString(ns, rule))}})
				},
			},
			EventHubsServer: ehfake.EventHubsServer{
				Get: func(_ context.Context, _, ns, hub string, _ *armeventhub.EventHubsClientGetOptions) (azfake.Responder[armeventhub.EventHubsClientGetResponse], azfake.ErrorResponder) {
					return fget(f, "hub:"+ns+"/"+hub, armeventhub.EventHubsClientGetResponse{})
				},
				CreateOrUpdate: func(_ context.Context, _, ns, hub string, _ armeventhub.Eventhub, _ *armeventhub.EventHubsClientCreateOrUpdateOptions) (azfake.Responder[armeventhub.EventHubsClientCreateOrUpdateResponse], azfake.ErrorResponder) {
					return fcreate(f, "hub:"+ns+"/"+hub, armeventhub.EventHubsClientCreateOrUpdateResponse{})
				},
			},
		})},
		{"/providers/microsoft.storage/", stfake.NewServerFactoryTransport(&stfake.ServerFactory{
			AccountsServer: stfake.AccountsServer{
				GetProperties: func(_ context.Context, _, name string, _ *armstorage.AccountsClientGetPropertiesOptions) (azfake.Responder[armstorage.AccountsClientGetPropertiesResponse], azfake.ErrorResponder) {
					return fget(f, "storage:"+name, armstorage.AccountsClientGetPropertiesResponse{})
				},
				BeginCreate: func(_ context.Context, _, name string, _ armstorage.AccountCreateParameters, _ *armstorage.AccountsClientBeginCreateOptions) (azfake.PollerResponder[armstorage.AccountsClientCreateResponse], azfake.ErrorResponder) {
					return flro(f, "storage:"+name, http.StatusAccepted, armstorage.AccountsClientCreateResponse{})
				},
			},
			BlobContainersServer: stfake.BlobContainersServer{
				Get: func(_ context.Context, _, account, name string, _ *armstorage.BlobContainersClientGetOptions) (azfake.Responder[armstorage.BlobContainersClientGetResponse], azfake.ErrorResponder) {
					return fget(f, "container:"+account+"/"+name, armstorage.BlobContainersClientGetResponse{})
				},
				Create: func(_ context.Context, _, account, name string, _ armstorage.BlobContainer, _ *armstorage.BlobContainersClientCreateOptions) (azfake.Responder[armstorage.BlobContainersClientCreateResponse], azfake.ErrorResponder) {
					return fcreate(f, "container:"+account+"/"+name, armstorage.BlobContainersClientCreateResponse{})
				},
			},
		})},
		{"/providers/microsoft.containerregistry/", acrfake.NewServerFactoryTransport(&acrfake.ServerFactory{RegistriesServer: acrfake.RegistriesServer{
			Get: func(_ context.Context, _, name string, _ *armcontainerregistry.RegistriesClientGetOptions) (azfake.Responder[armcontainerregistry.RegistriesClientGetResponse], azfake.ErrorResponder) {
				return fget(f, "registry:"+name, armcontainerregistry.RegistriesClientGetResponse{})
			},
			BeginCreate: func(_ context.Context, _, name string, _ armcontainerregistry.Registry, _ *armcontainerregistry.RegistriesClientBeginCreateOptions) (azfake.PollerResponder[armcontainerregistry.RegistriesClientCreateResponse], azfake.ErrorResponder) {
				return flro(f, "registry:"+name, http.StatusCreated, armcontainerregistry.RegistriesClientCreateResponse{})
			},
		}})},
		{"/providers/microsoft.managedidentity/", msifake.NewServerFactoryTransport(&msifake.ServerFactory{UserAssignedIdentitiesServer: msifake.UserAssignedIdentitiesServer{
			Get: func(_ context.Context, rg, name string, _ *armmsi.UserAssignedIdentitiesClientGetOptions) (azfake.Responder[armmsi.UserAssignedIdentitiesClientGetResponse], azfake.ErrorResponder) {
				return fget(f, "identity:"+name, armmsi.UserAssignedIdentitiesClientGetResponse{Identity: armmsi.Identity{
					ID:         to.Ptr("/subscriptions/sub/resourceGroups/" + rg + "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/" + name),
					Properties: &armmsi.UserAssignedIdentityProperties{PrincipalID: to.Ptr(fakePrincipal(name)), ClientID: to.Ptr(fakeClient(name))},
				}})
			},
			CreateOrUpdate: func(_ context.Context, _, name string, _ armmsi.Identity, _ *armmsi.UserAssignedIdentitiesClientCreateOrUpdateOptions) (azfake.Responder[armmsi.UserAssignedIdentitiesClientCreateOrUpdateResponse], azfake.ErrorResponder) {
				return fcreate(f, "identity:"+name, armmsi.UserAssignedIdentitiesClientCreateOrUpdateResponse{})
			},
		},
			FederatedIdentityCredentialsServer: msifake.FederatedIdentityCredentialsServer{
				Get: func(_ context.Context, _, identity, name string, _ *armmsi.FederatedIdentityCredentialsClientGetOptions) (azfake.Responder[armmsi.FederatedIdentityCredentialsClientGetResponse], azfake.ErrorResponder) {
					f.mu.Lock()
					got := f.fics[identity+"/"+name]
					f.mu.Unlock()
					return fget(f, "fic:"+identity+"/"+name, armmsi.FederatedIdentityCredentialsClientGetResponse{FederatedIdentityCredential: got})
				},
				CreateOrUpdate: func(_ context.Context, _, identity, name string, body armmsi.FederatedIdentityCredential, _ *armmsi.FederatedIdentityCredentialsClientCreateOrUpdateOptions) (azfake.Responder[armmsi.FederatedIdentityCredentialsClientCreateOrUpdateResponse], azfake.ErrorResponder) {
					f.mu.Lock()
					f.fics[identity+"/"+name] = body
					f.mu.Unlock()
					return fcreate(f, "fic:"+identity+"/"+name, armmsi.FederatedIdentityCredentialsClientCreateOrUpdateResponse{})
				},
			},
		})},
		{"/providers/microsoft.containerservice/", aksfake.NewServerFactoryTransport(&aksfake.ServerFactory{ManagedClustersServer: aksfake.ManagedClustersServer{
			Get: func(_ context.Context, _, name string, _ *armcontainerservice.ManagedClustersClientGetOptions) (azfake.Responder[armcontainerservice.ManagedClustersClientGetResponse], azfake.ErrorResponder) {
				return fget(f, "aks:"+name, armcontainerservice.ManagedClustersClientGetResponse{ManagedCluster: f.readCluster()})
			},
			BeginCreateOrUpdate: func(_ context.Context, _, name string, body armcontainerservice.ManagedCluster, _ *armcontainerservice.ManagedClustersClientBeginCreateOrUpdateOptions) (azfake.PollerResponder[armcontainerservice.ManagedClustersClientCreateOrUpdateResponse], azfake.ErrorResponder) {
				f.mu.Lock()
				f.cluster = body
				f.mu.Unlock()
				return flro(f, "aks:"+name, http.StatusCreated, armcontainerservice.ManagedClustersClientCreateOrUpdateResponse{})
			},
			ListClusterUserCredentials: func(_ context.Context, _, name string, _ *armcontainerservice.ManagedClustersClientListClusterUserCredentialsOptions) (azfake.Responder[armcontainerservice.ManagedClustersClientListClusterUserCredentialsResponse], azfake.ErrorResponder) {
				return fget(f, "aks:"+name, armcontainerservice.ManagedClustersClientListClusterUserCredentialsResponse{CredentialResults: armcontainerservice.CredentialResults{
					Kubeconfigs: []*armcontainerservice.CredentialResult{{Name: to.Ptr("clusterUser"), Value: []byte("apiVersion: v1\nkind: Config\n")}}}})
			},
		}})},
		{"/providers/microsoft.containerinstance/", acifake.NewServerFactoryTransport(&acifake.ServerFactory{ContainerGroupsServer: acifake.ContainerGroupsServer{
			Get: func(_ context.Context, _, name string, _ *armcontainerinstance.ContainerGroupsClientGetOptions) (azfake.Responder[armcontainerinstance.ContainerGroupsClientGetResponse], azfake.ErrorResponder) {
				f.mu.Lock()
				f.aciReads[name]++
				state := &armcontainerinstance.ContainerState{State: to.Ptr("Running")}
				if f.aciReads[name] > 2 {
					state = &armcontainerinstance.ContainerState{State: to.Ptr("Terminated"), ExitCode: to.Ptr(f.aciExit)}
				}
				f.mu.Unlock()
				return fget(f, "aci:"+name, armcontainerinstance.ContainerGroupsClientGetResponse{ContainerGroup: armcontainerinstance.ContainerGroup{
					Properties: &armcontainerinstance.ContainerGroupPropertiesProperties{Containers: []*armcontainerinstance.Container{{
						Name:       to.Ptr("generator"),
						Properties: &armcontainerinstance.ContainerProperties{InstanceView: &armcontainerinstance.ContainerPropertiesInstanceView{CurrentState: state}},
					}}}}})
			},
			BeginCreateOrUpdate: func(_ context.Context, _, name string, _ armcontainerinstance.ContainerGroup, _ *armcontainerinstance.ContainerGroupsClientBeginCreateOrUpdateOptions) (azfake.PollerResponder[armcontainerinstance.ContainerGroupsClientCreateOrUpdateResponse], azfake.ErrorResponder) {
				return flro(f, "aci:"+name, http.StatusCreated, armcontainerinstance.ContainerGroupsClientCreateOrUpdateResponse{})
			},
			BeginDelete: func(_ context.Context, _, name string, _ *armcontainerinstance.ContainerGroupsClientBeginDeleteOptions) (r azfake.PollerResponder[armcontainerinstance.ContainerGroupsClientDeleteResponse], e azfake.ErrorResponder) {
				f.mu.Lock()
				defer f.mu.Unlock()
				if !f.exists["aci:"+name] {
					e.SetResponseError(http.StatusNotFound, "ResourceNotFound")
					return
				}
				delete(f.exists, "aci:"+name)
				f.aciReads[name] = 0
				f.deletes = append(f.deletes, "aci:"+name)
				r.AddNonTerminalResponse(http.StatusAccepted, nil)
				r.SetTerminalResponse(http.StatusOK, armcontainerinstance.ContainerGroupsClientDeleteResponse{}, nil)
				return
			},
		},
			ContainersServer: acifake.ContainersServer{
				ListLogs: func(_ context.Context, _, group, container string, _ *armcontainerinstance.ContainersClientListLogsOptions) (azfake.Responder[armcontainerinstance.ContainersClientListLogsResponse], azfake.ErrorResponder) {
					return fget(f, "aci:"+group, armcontainerinstance.ContainersClientListLogsResponse{Logs: armcontainerinstance.Logs{
						Content: to.Ptr("generator " + group + "/" + container + ": sent 600000 events\n")}})
				},
			},
		})},
		{"", rgServer},
	}}
	return aztest.Options(t)
}
