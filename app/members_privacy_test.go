package app

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// A workspace admin (not the instance's administrator) adding a member by
// email learns nothing about accounts of other tenants: an email with an
// account elsewhere and an email with none get the same answers, and the
// account's own name is never echoed. Accounts the admin already sees (in
// a workspace they share) are added by email alone, as before.
func TestAddingMembersRevealsNoOtherTenantsAccounts(t *testing.T) {
	a := newTestApp(t)
	ada, _ := setupAdmin(t, a) // the instance administrator
	ctx := context.Background()
	newWS := func(name string) int64 {
		return int64(ada.mustStatus(201, "POST", "/api/workspaces", map[string]string{"name": name}).json(t)["workspace"].(map[string]any)["id"].(float64))
	}
	members := func(ws int64) string { return fmt.Sprintf("/api/workspaces/%d/members", ws) }
	clientC, clientC2, otherTenant := newWS("Client C"), newWS("Client C2"), newWS("Other tenant")
	carol, _ := newUser(t, a, "carol@agency.example", false)
	for _, ws := range []int64{clientC, clientC2} {
		ada.mustStatus(201, "POST", members(ws), map[string]string{"email": "carol@agency.example", "role": "admin"})
	}
	newUser(t, a, "dan@agency.example", false)
	ada.mustStatus(201, "POST", members(clientC), map[string]string{"email": "dan@agency.example", "role": "recruiter"})
	// Bob has an account, in another tenant's workspace only.
	bobPass := "bob's own password 1"
	ada.mustStatus(201, "POST", members(otherTenant), map[string]string{"email": "bob@rival.example", "role": "viewer",
		"name": "Bob Hidden-Name", "password": bobPass})

	// Email alone: the same refusal, account or not.
	probe := map[string]string{"role": "viewer"}
	probe["email"] = "bob@rival.example"
	withAccount := carol.mustStatus(422, "POST", members(clientC2), probe)
	probe["email"] = "nobody@rival.example"
	without := carol.mustStatus(422, "POST", members(clientC2), probe)
	if string(withAccount.Body) != string(without.Body) || withAccount.errCode(t) != "user_not_found" {
		t.Fatalf("answers differ by whether the account exists:\n%s\n%s", withAccount.Body, without.Body)
	}

	// With a name and an initial password: added either way, answered alike,
	// with the name given, never the account's own.
	add := func(email string) map[string]any {
		m := carol.mustStatus(201, "POST", members(clientC2), map[string]string{"email": email, "role": "viewer",
			"name": "Name Given", "password": "initial password 9"})
		if strings.Contains(string(m.Body), "Hidden-Name") {
			t.Fatalf("the account's own name was echoed: %s", m.Body)
		}
		return m.json(t)["member"].(map[string]any)
	}
	mb, mn := add("bob@rival.example"), add("nobody@rival.example")
	for _, k := range []string{"name", "role"} {
		if mb[k] != mn[k] {
			t.Errorf("%s: %v for an existing account, %v for a new one", k, mb[k], mn[k])
		}
	}
	// Bob's account keeps its password; the given one does not open it.
	login(t, a, "bob@rival.example", bobPass)
	(&client{t: t, a: a}).mustStatus(401, "POST", "/api/auth/login", map[string]string{"email": "bob@rival.example", "password": "initial password 9"})
	if u, err := a.Store().UserByEmail(ctx, "bob@rival.example"); err != nil || u.Name != "Bob Hidden-Name" {
		t.Fatalf("bob's account changed: %+v %v", u, err)
	}

	// Dan shares Client C with Carol: added to C2 by email alone, by name.
	d := carol.mustStatus(201, "POST", members(clientC2), map[string]string{"email": "dan@agency.example", "role": "recruiter"}).json(t)["member"].(map[string]any)
	if d["name"] != "dan" {
		t.Fatalf("a colleague Carol already sees: %v", d)
	}
	if code := carol.mustStatus(409, "POST", members(clientC2), map[string]string{"email": "dan@agency.example", "role": "viewer"}).errCode(t); code != "already_member" {
		t.Fatalf("code %s", code)
	}
}
