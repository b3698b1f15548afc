package preflight

import (
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/authorization/armauthorization/v2"
)

var testScopes = policy.TokenRequestOptions{Scopes: []string{"https://management.core.windows.net//.default"}}

func perm(actions []string, notActions ...string) *armauthorization.Permission {
	p := &armauthorization.Permission{}
	for _, a := range actions {
		p.Actions = append(p.Actions, ptr(a))
	}
	for _, a := range notActions {
		p.NotActions = append(p.NotActions, ptr(a))
	}
	return p
}

// TestAllows: Azure RBAC's actions less notActions per role, the union over roles, '*' as
// any run of characters, case-insensitive.
func TestAllows(t *testing.T) {
	const write = RoleAssignmentWrite
	for _, tc := range []struct {
		name   string
		perms  []*armauthorization.Permission
		action string
		want   bool
	}{
		{"owner", ownerPerms, write, true},
		{"contributor", contributorPerms, write, false},
		{"contributor reads role assignments", contributorPerms, "Microsoft.Authorization/roleAssignments/read", true},
		{"user access administrator", uaaPerms, write, true},
		{"RBAC administrator", rbacAdmin, write, true},
		{"reader", readerPerms, write, false},
		{"no roles", nil, write, false},
		{"contributor plus user access administrator", append(append([]*armauthorization.Permission{}, contributorPerms...), uaaPerms...), write, true},
		{"case differs", []*armauthorization.Permission{perm([]string{"microsoft.authorization/ROLEASSIGNMENTS/Write"})}, write, true},
		{"wildcard in the middle", []*armauthorization.Permission{perm([]string{"Microsoft.Authorization/*/write"})}, write, true},
		{"wildcard spans segments", []*armauthorization.Permission{perm([]string{"Microsoft.Auth*"})}, write, true},
		{"wildcard suffix of another action", []*armauthorization.Permission{perm([]string{"Microsoft.Authorization/roleAssignments/*"})}, write, true},
		{"read wildcard", []*armauthorization.Permission{perm([]string{"*/read"})}, write, false},
		{"another provider's wildcard", []*armauthorization.Permission{perm([]string{"Microsoft.Storage/*"})}, write, false},
		{"prefix only", []*armauthorization.Permission{perm([]string{"Microsoft.Authorization/roleAssignments"})}, write, false},
		{"dot is literal", []*armauthorization.Permission{perm([]string{"Microsoft_Authorization/roleAssignments/write"})}, write, false},
		{"notActions exact", []*armauthorization.Permission{perm([]string{"*"}, "Microsoft.Authorization/roleAssignments/write")}, write, false},
		{"notActions wildcard", []*armauthorization.Permission{perm([]string{"Microsoft.Authorization/*"}, "*/write")}, write, false},
		{"notActions of one role do not deny another's", []*armauthorization.Permission{perm([]string{"*"}, "Microsoft.Authorization/*"), perm([]string{write})}, write, true},
		{"nil entries", []*armauthorization.Permission{nil, {Actions: []*string{nil}}}, write, false},
	} {
		if got := Allows(tc.perms, tc.action); got != tc.want {
			t.Errorf("%s: Allows = %v, want %v", tc.name, got, tc.want)
		}
	}
}
