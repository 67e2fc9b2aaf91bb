package openapi

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Every rule names a JSON member of its type, so renaming a field cannot
// leave a rule (and the document) behind.
func TestRulesNameRealMembers(t *testing.T) {
	for _, typ := range ruleTypes() {
		names := map[string]bool{}
		s := newSchemas(enums())
		props := map[string]any{}
		var req []string
		s.fields(typ, typ, props, &req)
		for name := range props {
			names[name] = true
		}
		for member := range rules[typ] {
			if !names[member] {
				t.Errorf("%s has no JSON member %q (rules.go)", typ, member)
			}
		}
	}
}

// The text patterns compile as regular expressions and mean what they
// say: tab and line breaks are text, control and bidirectional characters
// are not; "required" text is more than white space.
func TestTextPatterns(t *testing.T) {
	cases := []struct {
		pattern, s string
		match      bool
	}{
		{textPattern, "Ada\tLovelace\n", true},
		{textPattern, "a\u202eb", false},
		{textPattern, "a\x00", false},
		{textPattern, "a\u0085", false},
		{nonBlank(forbidden), "   ", false},
		{nonBlank(forbidden), " x ", true},
		{nonBlank(lineForbidden), "x\ny", false},
		{blankOrText(lineForbidden), "", true},
		{blankOrText(lineForbidden), "  ", false},
		{datePattern, "1899-12-31", false},
		{datePattern, "2200-01-01", true},
	}
	for _, c := range cases {
		re := regexp.MustCompile(c.pattern)
		if got := re.MatchString(c.s); got != c.match {
			t.Errorf("%q against %q: %v, want %v", strings.ToValidUTF8(c.s, "?"), c.pattern, got, c.match)
		}
	}
}

// Issue 12, finding 7: every operation documents the problem answers it
// can give: with an identity 401, 403 and 503; with a body 400, 413, 415
// and 422; under an id 404; each as problem+json.
func TestEveryOperationDocumentsItsProblems(t *testing.T) {
	doc := Document()
	for path, item := range doc["paths"].(map[string]any) {
		for method, o := range item.(map[string]any) {
			op := o.(map[string]any)
			responses := op["responses"].(map[string]any)
			want := []string{}
			if sec, _ := op["security"].([]any); len(sec) > 0 {
				want = append(want, "401", "403", "503")
			}
			if _, body := op["requestBody"]; body {
				want = append(want, "400", "413", "415", "422")
			}
			if strings.Contains(path, "{id}") && !strings.HasPrefix(path, "/reply/") {
				want = append(want, "404")
			}
			for _, code := range want {
				r, ok := responses[code].(map[string]any)
				if !ok {
					t.Errorf("%s %s does not document %s", method, path, code)
					continue
				}
				content, _ := r["content"].(map[string]any)
				if _, ok := content["application/problem+json"]; !ok {
					t.Errorf("%s %s: %s is not documented as problem+json", method, path, code)
				}
			}
		}
	}
}

// The rules reach the served document: required members, a rule in words
// (x-rule) where JSON Schema cannot say it, and null allowed only for
// members the server treats as absent.
func TestRulesAreInTheDocument(t *testing.T) {
	schemas := Document()["components"].(map[string]any)["schemas"].(map[string]any)
	ref := schemas["Referral"].(map[string]any)
	req := ref["required"].([]string)
	if !slices.Contains(req, "agencyReference") || !slices.Contains(req, "person") || slices.Contains(req, "victims") {
		t.Errorf("Referral required: %v", req)
	}
	person := ref["properties"].(map[string]any)["person"].(map[string]any)["properties"].(map[string]any)
	dob := person["dateOfBirth"].(map[string]any)
	if dob["x-rule"] != "not in the future" {
		t.Errorf("Person.dateOfBirth x-rule: %v", dob["x-rule"])
	}
	if _, nullable := dob["anyOf"]; nullable {
		t.Error("a required member must not be nullable")
	}
	if _, nullable := person["ethnicity"].(map[string]any)["anyOf"]; !nullable {
		t.Error("an optional member may be null (the decoder takes null for absent)")
	}
}
