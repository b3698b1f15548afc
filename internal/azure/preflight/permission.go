package preflight

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/authorization/armauthorization/v2"

	"github.com/streamscale/streamscale/internal/azure/provision"
)

// RoleAssignmentWrite is the action `azure up` needs to give its managed identities their
// roles.
const RoleAssignmentWrite = "Microsoft.Authorization/roleAssignments/write"

// actionPattern matches an Azure RBAC action pattern: case-insensitive, '*' standing for any
// run of characters (including '/'), everything else literal.
func actionPattern(p string) *regexp.Regexp {
	parts := strings.Split(p, "*")
	for i, s := range parts {
		parts[i] = regexp.QuoteMeta(s)
	}
	return regexp.MustCompile(`(?i)^` + strings.Join(parts, ".*") + `$`)
}

func anyMatches(patterns []*string, action string) bool {
	for _, p := range patterns {
		if p != nil && actionPattern(*p).MatchString(action) {
			return true
		}
	}
	return false
}

// Allows says whether a set of permissions (one per role the caller holds at a scope, as
// the permissions API lists them) grants action: Azure RBAC takes each role's actions less
// its notActions, and grants the union of the roles.
func Allows(perms []*armauthorization.Permission, action string) bool {
	for _, p := range perms {
		if p != nil && anyMatches(p.Actions, action) && !anyMatches(p.NotActions, action) {
			return true
		}
	}
	return false
}

// roleAssignments checks that the signed-in identity may create role assignments in the
// resource group; when the group does not exist yet, at the subscription, whose roles the
// group will inherit.
func (r *run) roleAssignments(ctx context.Context, who principal) Check {
	const name = "role assignments"
	rg, sub := r.Plan.Config.ResourceGroup, r.Plan.Config.Subscription
	fix := fmt.Sprintf("ask an Owner of the subscription for Owner or User Access Administrator on resource group %s or subscription %s "+
		"(`az role assignment create --assignee <you> --role \"User Access Administrator\" --scope /subscriptions/%s`): "+
		"azure up gives its managed identities their roles (AcrPull, Storage Blob Data roles)", rg, sub, sub)
	perms, err := r.groupPermissions(ctx, rg)
	scope := "resource group " + rg
	conditional := false
	if provision.IsNotFound(err) {
		scope = "subscription " + sub + " (resource group " + rg + " does not exist yet)"
		perms, conditional, err = r.subscriptionPermissions(ctx, who)
	}
	switch {
	case err != nil:
		return fail(name, "cannot read the permissions at "+scope+": "+r.brief(err), fix)
	case !Allows(perms, RoleAssignmentWrite):
		return fail(name, "no "+RoleAssignmentWrite+" at "+scope, fix)
	case conditional:
		return pass(name, RoleAssignmentWrite+" at "+scope+", under a condition: it must let you assign the roles azure up assigns")
	}
	return pass(name, RoleAssignmentWrite+" at "+scope)
}

// groupPermissions lists the caller's permissions in resource group rg (an HTTP 404 when rg
// does not exist).
func (r *run) groupPermissions(ctx context.Context, rg string) ([]*armauthorization.Permission, error) {
	cctx, cancel := r.call(ctx)
	defer cancel()
	var perms []*armauthorization.Permission
	pager := r.clients.Permissions.NewListForResourceGroupPager(rg, nil)
	for pager.More() {
		page, err := pager.NextPage(cctx)
		if err != nil {
			return nil, err
		}
		perms = append(perms, page.Value...)
	}
	return perms, nil
}

// subscriptionPermissions are the permissions of the roles assigned to the caller (or a
// group it is in) at the subscription or above; conditional says whether a role granting
// RoleAssignmentWrite is assigned under a condition. The permissions API has no subscription
// scope, so this reads the assignments and their role definitions.
func (r *run) subscriptionPermissions(ctx context.Context, who principal) (perms []*armauthorization.Permission, conditional bool, err error) {
	if who.ObjectID == "" {
		return nil, false, fmt.Errorf("the token names no object id to look the role assignments up by")
	}
	cctx, cancel := r.call(ctx)
	defer cancel()
	filter := "atScope() and assignedTo('" + who.ObjectID + "')"
	pager := r.clients.RoleAssignments.NewListForSubscriptionPager(&armauthorization.RoleAssignmentsClientListForSubscriptionOptions{Filter: &filter})
	for pager.More() {
		page, err := pager.NextPage(cctx)
		if err != nil {
			return nil, false, err
		}
		for _, a := range page.Value {
			if a == nil || a.Properties == nil || a.Properties.RoleDefinitionID == nil {
				continue
			}
			dctx, dcancel := r.call(ctx)
			def, err := r.clients.RoleDefinitions.GetByID(dctx, *a.Properties.RoleDefinitionID, nil)
			dcancel()
			if err != nil {
				return nil, false, fmt.Errorf("role definition %s: %w", *a.Properties.RoleDefinitionID, err)
			}
			if def.Properties == nil {
				continue
			}
			if a.Properties.Condition != nil && *a.Properties.Condition != "" && Allows(def.Properties.Permissions, RoleAssignmentWrite) {
				conditional = true
				continue
			}
			perms = append(perms, def.Properties.Permissions...)
		}
	}
	if conditional && !Allows(perms, RoleAssignmentWrite) {
		// Only a conditional role grants it: report it as granted, with the condition named.
		return append(perms, &armauthorization.Permission{Actions: []*string{ptr(RoleAssignmentWrite)}}), true, nil
	}
	return perms, false, nil
}

func ptr[T any](v T) *T { return &v }
