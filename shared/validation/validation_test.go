package validation

import "testing"

func TestPointerEscapes(t *testing.T) {
	if got := Pointer("offences", 0, "statute"); got != "/offences/0/statute" {
		t.Errorf("got %q", got)
	}
	if got := Pointer("a/b", "c~d"); got != "/a~1b/c~0d" {
		t.Errorf("got %q", got)
	}
}

func TestErrorsCollectAndMerge(t *testing.T) {
	var e Errors
	if !e.OK() || e.Err() != nil {
		t.Fatal("empty errors should be OK")
	}
	e.Required("/person/dateOfBirth", true)
	var inner Errors
	inner.At("must be a valid postcode", "postcode")
	e.Merge("/address", inner)
	if e.OK() || len(e) != 2 || e[1].Pointer != "/address/postcode" {
		t.Fatalf("got %+v", e)
	}
	if msg := e.Err().Error(); msg != "invalid fields: /person/dateOfBirth, /address/postcode" {
		t.Errorf("error text %q", msg)
	}
}
