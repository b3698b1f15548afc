// Package aztest holds what the Azure packages' tests share to run the Azure SDK's own fake
// servers (each arm module's fake package) behind one set of client options: a router that
// hands each request to its module's fake by the resource provider in its path.
package aztest

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// Route sends the requests whose path holds Provider to Transport.
type Route struct {
	// Provider is a lower-case path fragment such as "/providers/microsoft.storage/"; ""
	// matches every path (a catch-all, last).
	Provider string
	// Transport is the module's fake, e.g. armstorage/fake's NewServerFactoryTransport.
	Transport policy.Transporter
}

// Router is an ordered list of routes: a request goes to the first that matches its
// lower-cased path, so a route nested in another's path goes first.
type Router []Route

// Do implements policy.Transporter.
func (rt Router) Do(req *http.Request) (*http.Response, error) {
	path := strings.ToLower(req.URL.Path)
	for _, r := range rt {
		if r.Provider == "" || strings.Contains(path, r.Provider) {
			return r.Transport.Do(req)
		}
	}
	return nil, fmt.Errorf("no fake for %s %s", req.Method, req.URL.Path)
}

// Options are ARM client options on transport with retries that wait next to nothing, so a
// fake's throttled or failed answer is retried at once.
func Options(transport policy.Transporter) *arm.ClientOptions {
	return &arm.ClientOptions{ClientOptions: policy.ClientOptions{
		Transport: transport,
		Retry:     policy.RetryOptions{MaxRetries: 3, RetryDelay: 1, MaxRetryDelay: 1},
	}}
}
