package images

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/google/go-containerregistry/pkg/authn"
)

// acrUser is the user name an Azure Container Registry takes with a refresh token.
const acrUser = "00000000-0000-0000-0000-000000000000"

// armScope is the Microsoft Entra scope whose access token a registry exchanges.
const armScope = "https://management.azure.com/.default"

// ACRAuth signs in to an Azure Container Registry with an Entra credential (no admin user):
// it exchanges an access token for the registry's refresh token at
// <scheme>://<host>/oauth2/exchange, as `az acr login` does. scheme is "https" (tests use
// "http"); client may be nil.
func ACRAuth(ctx context.Context, client *http.Client, scheme, host string, cred azcore.TokenCredential) (authn.Authenticator, error) {
	if client == nil {
		client = http.DefaultClient
	}
	tok, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{armScope}})
	if err != nil {
		return nil, fmt.Errorf("registry %s: access token: %w", host, err)
	}
	form := url.Values{"grant_type": {"access_token"}, "service": {host}, "access_token": {tok.Token}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, scheme+"://"+host+"/oauth2/exchange", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("registry %s: token exchange: %w", host, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("registry %s: token exchange: %w", host, err)
	}
	if resp.StatusCode != http.StatusOK {
		// The body may echo the request; say only the status.
		return nil, fmt.Errorf("registry %s: token exchange: HTTP %d (does your identity have AcrPush on it?)", host, resp.StatusCode)
	}
	var r struct {
		RefreshToken string `json:"refresh_token"`
	}
	if err := json.Unmarshal(body, &r); err != nil || r.RefreshToken == "" {
		return nil, fmt.Errorf("registry %s: token exchange: no refresh token in the answer", host)
	}
	return authn.FromConfig(authn.AuthConfig{Username: acrUser, Password: r.RefreshToken}), nil
}
