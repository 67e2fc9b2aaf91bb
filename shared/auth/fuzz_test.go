package auth

import "testing"

// FuzzIdentityFromClaims: whatever the groups, scope and client claims say,
// identityFrom never panics, never grants a role that is not a known role,
// and never makes an agency of a client that is not registered.
func FuzzIdentityFromClaims(f *testing.F) {
	f.Add("staff-1", "web", "access", "openid staff/api", "[business-support-officer social-worker]")
	f.Add("c", "c", "access", "referrals/write", "")
	f.Add("", "", "id", "", `["administrator","x"]`)
	f.Add("client-police", "client-police", "access", "referrals/read", "[administrator]")
	agencies := Agencies{"client-police": "police"}
	f.Fuzz(func(t *testing.T, sub, client, use, scope, groups string) {
		claims := map[string]string{"sub": sub, "client_id": client, "token_use": use, "scope": scope, "cognito:groups": groups}
		id, ok := identityFrom(claims, nil, agencies)
		if !ok {
			return
		}
		for _, r := range id.Roles {
			if !id.Has(r) || !contains(Roles, r) {
				t.Fatalf("unknown role %q granted", r)
			}
		}
		if id.Kind == KindAgency && agencies[id.Subject] == "" {
			t.Fatalf("unregistered client %q became an agency", id.Subject)
		}
		if id.Kind == KindAgency && len(id.Roles) > 0 {
			t.Fatal("an agency holds staff roles")
		}
		_ = ParseAgencies(groups)
	})
}

func contains(rs []Role, r Role) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}
