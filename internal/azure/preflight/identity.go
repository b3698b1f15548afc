package preflight

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armsubscriptions"
)

// principal is who the token names: what its claims say, never the token itself.
type principal struct {
	// ObjectID is the oid claim: the user's, service principal's or managed identity's
	// object ID, which role assignments name.
	ObjectID string
	// Name is the user's sign-in name, or the application ID of a service principal or
	// managed identity.
	Name   string
	Tenant string
}

func (p principal) String() string {
	s := p.Name
	if s == "" {
		s = "an identity the token does not name"
	}
	if p.ObjectID != "" {
		s += ", object id " + p.ObjectID
	}
	if p.Tenant != "" {
		s += ", tenant " + p.Tenant
	}
	return s
}

// principalOf reads the claims of a JWT access token. The token's signature is not checked
// (Azure does that); the claims only name the signed-in identity in the report.
func principalOf(token string) (principal, bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return principal{}, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return principal{}, false
	}
	var claims struct {
		OID               string `json:"oid"`
		TID               string `json:"tid"`
		UPN               string `json:"upn"`
		AppID             string `json:"appid"`
		IDType            string `json:"idtyp"`
		UniqueName        string `json:"unique_name"`
		PreferredUsername string `json:"preferred_username"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		return principal{}, false
	}
	p := principal{ObjectID: claims.OID, Tenant: claims.TID}
	switch {
	case claims.UPN != "":
		p.Name = claims.UPN
	case claims.PreferredUsername != "":
		p.Name = claims.PreferredUsername
	case claims.UniqueName != "" && claims.IDType != "app":
		p.Name = claims.UniqueName
	case claims.AppID != "":
		p.Name = "application " + claims.AppID
	}
	return p, true
}

// identity asks the credential for a Resource Manager token (the scope the ARM clients ask
// for: the audience and "/.default") and names who it is for.
func (r *run) identity(ctx context.Context) (principal, Check) {
	const name = "identity"
	audience := cloud.AzurePublic.Services[cloud.ResourceManager].Audience
	if r.Options != nil {
		if svc, ok := r.Options.Cloud.Services[cloud.ResourceManager]; ok && svc.Audience != "" {
			audience = svc.Audience
		}
	}
	cctx, cancel := r.call(ctx)
	defer cancel()
	tok, err := r.Credential.GetToken(cctx, policy.TokenRequestOptions{Scopes: []string{audience + "/.default"}})
	if err != nil {
		return principal{}, fail(name, "no token for Azure Resource Manager: "+firstLine(err.Error()),
			"sign in with `az login` (or set AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET for a service principal)")
	}
	p, ok := principalOf(tok.Token)
	if !ok {
		return principal{}, pass(name, "signed in (the token is not a JWT, so who it is for is not shown)")
	}
	return p, pass(name, "signed in as "+p.String())
}

// subscription resolves the plan's subscription and names it.
func (r *run) subscription(ctx context.Context) []Check {
	const name = "subscription"
	id := r.Plan.Config.Subscription
	cctx, cancel := r.call(ctx)
	defer cancel()
	s, err := r.clients.Subscriptions.Get(cctx, id, nil)
	if err != nil {
		return []Check{fail(name, id+": "+r.brief(err),
			"pick a subscription this identity can see: `az account list -o table`, then --subscription or AZURE_SUBSCRIPTION_ID")}
	}
	display := id
	if s.DisplayName != nil {
		display = fmt.Sprintf("%q (%s)", *s.DisplayName, id)
	}
	state := "unknown"
	if s.State != nil {
		state = string(*s.State)
	}
	if state != string(armsubscriptions.SubscriptionStateEnabled) {
		return []Check{fail(name, display+" is "+state+", not Enabled: Azure refuses to create resources in it",
			"re-enable it (Azure portal → Subscriptions → "+id+"), or pick another with --subscription")}
	}
	return []Check{pass(name, display+", Enabled")}
}
