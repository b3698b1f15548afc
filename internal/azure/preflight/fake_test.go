package preflight

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/authorization/armauthorization/v2"
	authfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/authorization/armauthorization/v2/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v9"
	computefake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v9/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerregistry/armcontainerregistry"
	acrfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerregistry/armcontainerregistry/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/eventhub/armeventhub"
	ehfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/eventhub/armeventhub/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources"
	rgfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armsubscriptions"
	subfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armsubscriptions/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/storage/armstorage"
	stfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/storage/armstorage/fake"

	"github.com/streamscale/streamscale/internal/azure/aztest"
)

const (
	fakeSub    = "00000000-0000-0000-0000-000000000001"
	fakeOID    = "44444444-4444-4444-4444-444444444444"
	fakeTenant = "55555555-5555-5555-5555-555555555555"
)

// Built-in roles' permissions as Azure lists them (the actions that matter here).
var (
	ownerPerms       = []*armauthorization.Permission{{Actions: []*string{ptr("*")}}}
	contributorPerms = []*armauthorization.Permission{{Actions: []*string{ptr("*")}, NotActions: []*string{
		ptr("Microsoft.Authorization/*/Delete"), ptr("Microsoft.Authorization/*/Write"), ptr("Microsoft.Authorization/elevateAccess/Action")}}}
	uaaPerms    = []*armauthorization.Permission{{Actions: []*string{ptr("*/read"), ptr("Microsoft.Authorization/*"), ptr("Microsoft.Support/*")}}}
	rbacAdmin   = []*armauthorization.Permission{{Actions: []*string{ptr("Microsoft.Authorization/roleAssignments/write"), ptr("Microsoft.Authorization/roleAssignments/delete"), ptr("*/read")}}}
	readerPerms = []*armauthorization.Permission{{Actions: []*string{ptr("*/read")}}}
)

// roleID is a built-in role's definition ID in the subscription.
func roleID(guid string) string {
	return "/subscriptions/" + fakeSub + "/providers/Microsoft.Authorization/roleDefinitions/" + guid
}

// Built-in roles' IDs.
const (
	roleOwner       = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
	roleContributor = "b24988ac-6180-42a0-ab88-20f7382dd24c"
	roleUAA         = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"
	roleRBACAdmin   = "f58310d9-a9f6-439a-9e8d-f62e7b41a168"
	roleReader      = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
)

// assignment is a role assigned to the caller at the subscription or above.
type assignment struct {
	role      string // role definition ID
	condition string
}

// world is an in-memory subscription behind the Azure SDK's fake servers: what Azure
// would answer to each of the checks' reads. newWorld is a subscription where every check
// passes for tier 10 on AKS in westeurope.
type world struct {
	mu        sync.Mutex
	subState  string            // "" answers 404
	providers map[string]string // namespace → registration state; missing: NotRegistered
	// groupExists says whether the resource group exists: if not, its permissions and
	// resources answer 404 ResourceGroupNotFound.
	groupExists bool
	// listForbidden answers the listing of the group's resources 403.
	listForbidden bool
	inGroup       []string // "type/name" of the resources in it
	groupPerms    []*armauthorization.Permission
	assignments   []assignment
	roles         map[string][]*armauthorization.Permission
	skus          []*armcompute.ResourceSKU
	usage         []*armcompute.Usage
	taken         map[string]bool // globally taken names
	// stall makes the reads of these providers' registrations wait for their deadline.
	stall map[string]bool
	// calls counts the requests per client operation, to show what was (not) asked.
	calls map[string]int
}

func vmSKU(name, family string, vcpus string, locs ...string) *armcompute.ResourceSKU {
	l := make([]*string, len(locs))
	for i := range locs {
		l[i] = &locs[i]
	}
	return &armcompute.ResourceSKU{Name: ptr(name), ResourceType: ptr("virtualMachines"), Family: ptr(family), Locations: l,
		Capabilities: []*armcompute.ResourceSKUCapabilities{{Name: ptr("MemoryGB"), Value: ptr("16")}, {Name: ptr("vCPUs"), Value: ptr(vcpus)}}}
}

func usage(name, label string, current int32, limit int64) *armcompute.Usage {
	return &armcompute.Usage{Name: &armcompute.UsageName{Value: ptr(name), LocalizedValue: ptr(label)}, CurrentValue: ptr(current), Limit: ptr(limit), Unit: ptr("Count")}
}

func newWorld() *world {
	return &world{
		subState: "Enabled",
		providers: map[string]string{
			"Microsoft.EventHub": "Registered", "Microsoft.Storage": "Registered", "Microsoft.ContainerRegistry": "Registered",
			"Microsoft.ManagedIdentity": "Registered", "Microsoft.ContainerService": "Registered", "Microsoft.Monitor": "Registered",
			"Microsoft.Insights": "Registered", "Microsoft.ContainerInstance": "Registered", "Microsoft.HDInsight": "Registered",
		},
		groupExists: true,
		groupPerms:  ownerPerms,
		roles: map[string][]*armauthorization.Permission{
			roleID(roleOwner):       ownerPerms,
			roleID(roleContributor): contributorPerms,
			roleID(roleUAA):         uaaPerms,
			roleID(roleRBACAdmin):   rbacAdmin,
			roleID(roleReader):      readerPerms,
		},
		skus: []*armcompute.ResourceSKU{
			vmSKU("Standard_D2s_v3", "standardDSv3Family", "2", "westeurope"),
			vmSKU("Standard_D4s_v3", "standardDSv3Family", "4", "westeurope"),
			vmSKU("Standard_D3_v2", "standardDv2Family", "4", "westeurope"),
			vmSKU("Standard_A2_v2", "standardAv2Family", "2", "westeurope"),
		},
		usage: []*armcompute.Usage{
			usage("cores", "Total Regional vCPUs", 4, 100),
			usage("standardDSv3Family", "Standard DSv3 Family vCPUs", 0, 100),
			usage("standardDv2Family", "Standard Dv2 Family vCPUs", 0, 100),
			usage("standardAv2Family", "Standard Av2 Family vCPUs", 0, 100),
		},
		taken: map[string]bool{},
		stall: map[string]bool{},
		calls: map[string]int{},
	}
}

func (w *world) count(op string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.calls[op]++
}

func (w *world) called(op string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.calls[op]
}

// nameCheck answers a name availability check the way the providers do.
func (w *world) nameCheck(name string) (free bool, reason, msg *string) {
	if w.taken[name] {
		return false, ptr("AlreadyExists"), ptr("The name " + name + " is already taken.")
	}
	return true, nil, nil
}

// options are client options whose transport is the SDK's fake servers, routed by provider.
func (w *world) options() *arm.ClientOptions {
	rg := rgfake.NewServerFactoryTransport(&rgfake.ServerFactory{
		ProvidersServer: rgfake.ProvidersServer{
			Get: func(ctx context.Context, ns string, _ *armresources.ProvidersClientGetOptions) (r azfake.Responder[armresources.ProvidersClientGetResponse], e azfake.ErrorResponder) {
				w.count("providers.Get")
				if w.stall[ns] {
					<-ctx.Done()
					e.SetError(ctx.Err())
					return
				}
				state, ok := w.providers[ns]
				if !ok {
					state = "NotRegistered"
				}
				r.SetResponse(http.StatusOK, armresources.ProvidersClientGetResponse{Provider: armresources.Provider{Namespace: ptr(ns), RegistrationState: ptr(state)}}, nil)
				return
			},
		},
		Server: rgfake.Server{
			NewListByResourceGroupPager: func(group string, _ *armresources.ClientListByResourceGroupOptions) (r azfake.PagerResponder[armresources.ClientListByResourceGroupResponse]) {
				w.count("resources.ListByResourceGroup")
				if !w.groupExists {
					r.AddResponseError(http.StatusNotFound, "ResourceGroupNotFound")
					return
				}
				if w.listForbidden {
					r.AddResponseError(http.StatusForbidden, "AuthorizationFailed")
					return
				}
				var page armresources.ClientListByResourceGroupResponse
				for _, tn := range w.inGroup {
					i := strings.LastIndex(tn, "/")
					page.Value = append(page.Value, &armresources.GenericResourceExpanded{Type: ptr(tn[:i]), Name: ptr(tn[i+1:])})
				}
				r.AddPage(http.StatusOK, page, nil)
				return
			},
		},
	})
	router := aztest.Router{
		{Provider: "/providers/microsoft.compute/", Transport: computefake.NewServerFactoryTransport(&computefake.ServerFactory{
			ResourceSKUsServer: computefake.ResourceSKUsServer{
				NewListPager: func(o *armcompute.ResourceSKUsClientListOptions) (r azfake.PagerResponder[armcompute.ResourceSKUsClientListResponse]) {
					w.count("skus.List")
					var page armcompute.ResourceSKUsClientListResponse
					// The region's filter is the one Azure documents: "location eq 'westeurope'".
					if o != nil && o.Filter != nil && strings.HasPrefix(*o.Filter, "location eq '") {
						loc := strings.TrimSuffix(strings.TrimPrefix(*o.Filter, "location eq '"), "'")
						for _, s := range w.skus {
							if inLocation(s.Locations, loc) {
								page.Value = append(page.Value, s)
							}
						}
					}
					r.AddPage(http.StatusOK, page, nil)
					return
				},
			},
			UsageServer: computefake.UsageServer{
				NewListPager: func(loc string, _ *armcompute.UsageClientListOptions) (r azfake.PagerResponder[armcompute.UsageClientListResponse]) {
					w.count("usage.List")
					if loc != "westeurope" {
						r.AddPage(http.StatusOK, armcompute.UsageClientListResponse{}, nil)
						return
					}
					// Two pages, as a real region's long list comes.
					half := len(w.usage) / 2
					r.AddPage(http.StatusOK, armcompute.UsageClientListResponse{ListUsagesResult: armcompute.ListUsagesResult{Value: w.usage[:half]}}, nil)
					r.AddPage(http.StatusOK, armcompute.UsageClientListResponse{ListUsagesResult: armcompute.ListUsagesResult{Value: w.usage[half:]}}, nil)
					return
				},
			},
		})},
		{Provider: "/providers/microsoft.authorization/", Transport: authfake.NewServerFactoryTransport(&authfake.ServerFactory{
			PermissionsServer: authfake.PermissionsServer{
				NewListForResourceGroupPager: func(group string, _ *armauthorization.PermissionsClientListForResourceGroupOptions) (r azfake.PagerResponder[armauthorization.PermissionsClientListForResourceGroupResponse]) {
					w.count("permissions.ListForResourceGroup")
					if !w.groupExists {
						r.AddResponseError(http.StatusNotFound, "ResourceGroupNotFound")
						return
					}
					r.AddPage(http.StatusOK, armauthorization.PermissionsClientListForResourceGroupResponse{PermissionGetResult: armauthorization.PermissionGetResult{Value: w.groupPerms}}, nil)
					return
				},
			},
			RoleAssignmentsServer: authfake.RoleAssignmentsServer{
				NewListForSubscriptionPager: func(o *armauthorization.RoleAssignmentsClientListForSubscriptionOptions) (r azfake.PagerResponder[armauthorization.RoleAssignmentsClientListForSubscriptionResponse]) {
					w.count("roleAssignments.ListForSubscription")
					var page armauthorization.RoleAssignmentsClientListForSubscriptionResponse
					// Only the caller's own (and inherited) assignments, as the filter asks.
					if o != nil && o.Filter != nil && *o.Filter == "atScope() and assignedTo('"+fakeOID+"')" {
						for _, a := range w.assignments {
							p := &armauthorization.RoleAssignmentProperties{RoleDefinitionID: ptr(a.role), PrincipalID: ptr(fakeOID)}
							if a.condition != "" {
								p.Condition = ptr(a.condition)
							}
							page.Value = append(page.Value, &armauthorization.RoleAssignment{Properties: p})
						}
					}
					r.AddPage(http.StatusOK, page, nil)
					return
				},
			},
			RoleDefinitionsServer: authfake.RoleDefinitionsServer{
				GetByID: func(_ context.Context, id string, _ *armauthorization.RoleDefinitionsClientGetByIDOptions) (r azfake.Responder[armauthorization.RoleDefinitionsClientGetByIDResponse], e azfake.ErrorResponder) {
					w.count("roleDefinitions.GetByID")
					// The fake's path pattern drops the ID's leading '/'.
					perms, ok := w.roles["/"+strings.TrimPrefix(id, "/")]
					if !ok {
						e.SetResponseError(http.StatusNotFound, "RoleDefinitionDoesNotExist")
						return
					}
					r.SetResponse(http.StatusOK, armauthorization.RoleDefinitionsClientGetByIDResponse{RoleDefinition: armauthorization.RoleDefinition{
						Properties: &armauthorization.RoleDefinitionProperties{Permissions: perms}}}, nil)
					return
				},
			},
		})},
		{Provider: "/providers/microsoft.storage/", Transport: stfake.NewServerFactoryTransport(&stfake.ServerFactory{AccountsServer: stfake.AccountsServer{
			CheckNameAvailability: func(_ context.Context, p armstorage.AccountCheckNameAvailabilityParameters, _ *armstorage.AccountsClientCheckNameAvailabilityOptions) (r azfake.Responder[armstorage.AccountsClientCheckNameAvailabilityResponse], e azfake.ErrorResponder) {
				w.count("storage.CheckNameAvailability")
				if p.Type == nil || *p.Type != "Microsoft.Storage/storageAccounts" {
					e.SetResponseError(http.StatusBadRequest, "InvalidResourceType")
					return
				}
				free, reason, msg := w.nameCheck(*p.Name)
				res := armstorage.CheckNameAvailabilityResult{NameAvailable: &free, Message: msg}
				if reason != nil {
					res.Reason = ptr(armstorage.Reason(*reason))
				}
				r.SetResponse(http.StatusOK, armstorage.AccountsClientCheckNameAvailabilityResponse{CheckNameAvailabilityResult: res}, nil)
				return
			},
		}})},
		{Provider: "/providers/microsoft.containerregistry/", Transport: acrfake.NewServerFactoryTransport(&acrfake.ServerFactory{RegistriesServer: acrfake.RegistriesServer{
			CheckNameAvailability: func(_ context.Context, p armcontainerregistry.RegistryNameCheckRequest, _ *armcontainerregistry.RegistriesClientCheckNameAvailabilityOptions) (r azfake.Responder[armcontainerregistry.RegistriesClientCheckNameAvailabilityResponse], e azfake.ErrorResponder) {
				w.count("registries.CheckNameAvailability")
				if p.Type == nil || *p.Type != "Microsoft.ContainerRegistry/registries" {
					e.SetResponseError(http.StatusBadRequest, "InvalidResourceType")
					return
				}
				free, reason, msg := w.nameCheck(*p.Name)
				r.SetResponse(http.StatusOK, armcontainerregistry.RegistriesClientCheckNameAvailabilityResponse{RegistryNameStatus: armcontainerregistry.RegistryNameStatus{
					NameAvailable: &free, Reason: reason, Message: msg}}, nil)
				return
			},
		}})},
		{Provider: "/providers/microsoft.eventhub/", Transport: ehfake.NewServerFactoryTransport(&ehfake.ServerFactory{NamespacesServer: ehfake.NamespacesServer{
			CheckNameAvailability: func(_ context.Context, p armeventhub.CheckNameAvailabilityParameter, _ *armeventhub.NamespacesClientCheckNameAvailabilityOptions) (r azfake.Responder[armeventhub.NamespacesClientCheckNameAvailabilityResponse], e azfake.ErrorResponder) {
				w.count("namespaces.CheckNameAvailability")
				free, reason, msg := w.nameCheck(*p.Name)
				res := armeventhub.CheckNameAvailabilityResult{NameAvailable: &free, Message: msg}
				if reason != nil {
					res.Reason = ptr(armeventhub.UnavailableReason("NameInUse"))
				}
				r.SetResponse(http.StatusOK, armeventhub.NamespacesClientCheckNameAvailabilityResponse{CheckNameAvailabilityResult: res}, nil)
				return
			},
		}})},
		// A provider's registration (".../providers/Microsoft.X") and a group's resources.
		{Provider: "/resourcegroups/", Transport: rg},
		{Provider: "/providers/", Transport: rg},
		{Provider: "", Transport: subfake.NewServerFactoryTransport(&subfake.ServerFactory{Server: subfake.Server{
			Get: func(_ context.Context, id string, _ *armsubscriptions.ClientGetOptions) (r azfake.Responder[armsubscriptions.ClientGetResponse], e azfake.ErrorResponder) {
				w.count("subscriptions.Get")
				if w.subState == "" || id != fakeSub {
					e.SetResponseError(http.StatusNotFound, "SubscriptionNotFound")
					return
				}
				r.SetResponse(http.StatusOK, armsubscriptions.ClientGetResponse{Subscription: armsubscriptions.Subscription{
					SubscriptionID: ptr(id), DisplayName: ptr("Streaming Tests"), State: ptr(armsubscriptions.SubscriptionState(w.subState))}}, nil)
				return
			},
		}})},
	}
	return aztest.Options(router)
}

// jwtCredential hands out an unsigned JWT with the claims a user's Azure CLI token carries,
// or fails.
type jwtCredential struct {
	claims map[string]string
	err    error
	// scopes are the first token request's.
	mu     sync.Mutex
	scopes []string
}

func (c *jwtCredential) GetToken(_ context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	c.mu.Lock()
	if c.scopes == nil {
		c.scopes = o.Scopes
	}
	c.mu.Unlock()
	if c.err != nil {
		return azcore.AccessToken{}, c.err
	}
	payload, _ := json.Marshal(c.claims)
	tok := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." +
		base64.RawURLEncoding.EncodeToString(payload) + "." + base64.RawURLEncoding.EncodeToString([]byte(secretSignature))
	return azcore.AccessToken{Token: tok, ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// secretSignature stands for the token's secret part: it must never reach the report.
const secretSignature = "signature-never-printed"

func userCredential() *jwtCredential {
	return &jwtCredential{claims: map[string]string{"upn": "alice@contoso.example", "oid": fakeOID, "tid": fakeTenant, "idtyp": "user"}}
}
