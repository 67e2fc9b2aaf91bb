package lazyre

import "testing"

func TestLazyMatchesLikeRegexp(t *testing.T) {
	re := New(`^[A-Z][0-9]{2}$`)
	if !re.MatchString("A12") || re.MatchString("A1") {
		t.Fatal("MatchString")
	}
	if got := re.FindStringSubmatch("B34"); len(got) != 1 || got[0] != "B34" {
		t.Fatalf("FindStringSubmatch = %q", got)
	}
	if got := New(`[^a-z]`).ReplaceAllString("a-b c", ""); got != "abc" {
		t.Fatalf("ReplaceAllString = %q", got)
	}
	if re.Regexp().String() != `^[A-Z][0-9]{2}$` {
		t.Fatal("Regexp")
	}
}

func TestBadExpressionPanicsOnFirstUse(t *testing.T) {
	re := New(`(`) // compiling is deferred: no panic here
	defer func() {
		if recover() == nil {
			t.Fatal("want a panic on first use")
		}
	}()
	re.MatchString("x")
}
