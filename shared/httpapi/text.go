package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"github.com/mappa-coordinator/mappa/shared/validation"
)

// MaxErrors is the most field problems a 422 lists; errorCount gives the
// total. A hostile body of a quarter of a megabyte could otherwise earn a
// response of many megabytes (over Lambda's 6 MB response limit).
const MaxErrors = 50

// ForbiddenRune reports whether r may not appear in any string of a
// request: C0 controls other than tab, line feed and carriage return, DEL,
// C1 controls, and the Unicode bidirectional embedding, override and
// isolate controls (and the implicit direction marks), which can make a
// name display as something other than what it is ("Trojan Source").
func ForbiddenRune(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return false
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069,
		r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	}
	return false
}

// HasForbiddenRune reports whether s holds a rune ForbiddenRune refuses.
func HasForbiddenRune(s string) bool { return strings.IndexFunc(s, ForbiddenRune) >= 0 }

// errDuplicate is returned by duplicateKey for a member named twice.
var errDuplicate = errors.New("duplicate member")

// duplicateKey walks body token by token and returns the JSON pointer of
// the first object member that appears twice in the same object
// (encoding/json silently keeps the last). ok is false if there is none.
func duplicateKey(body []byte) (ptr string, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	p, err := walkValue(dec, "")
	if errors.Is(err, errDuplicate) {
		return p, true
	}
	return "", false
}

// walkValue reads one value; on a duplicate member it returns its pointer
// and errDuplicate.
func walkValue(dec *json.Decoder, ptr string) (string, error) {
	tok, err := dec.Token()
	if err != nil {
		return "", err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return "", nil
	}
	switch d {
	case '{':
		seen := map[string]bool{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return "", err
			}
			k, _ := kt.(string)
			child := ptr + validation.Pointer(k)
			if seen[k] {
				return child, errDuplicate
			}
			seen[k] = true
			if p, err := walkValue(dec, child); err != nil {
				return p, err
			}
		}
	case '[':
		for i := 0; dec.More(); i++ {
			if p, err := walkValue(dec, ptr+validation.Pointer(i)); err != nil {
				return p, err
			}
		}
	}
	if _, err := dec.Token(); err != nil && !errors.Is(err, io.EOF) { // closing delimiter
		return "", err
	}
	return "", nil
}

// capErrors returns at most MaxErrors problems and the total count.
func capErrors(errs validation.Errors) (validation.Errors, int) {
	if len(errs) > MaxErrors {
		return errs[:MaxErrors], len(errs)
	}
	return errs, len(errs)
}
