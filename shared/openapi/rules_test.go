package openapi

import (
	"regexp"
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
