// Package lazyre is a regular expression compiled on first use rather than
// when its package is initialised: a package-level pattern costs nothing at
// a Lambda cold start until a request needs it. Large counted repetitions
// (`{0,199}`) compile to big programs, so this matters more than it looks.
package lazyre

import (
	"regexp"
	"sync"
)

// Regexp is a *regexp.Regexp compiled on first use. Its methods are safe
// for concurrent use.
type Regexp struct {
	re func() *regexp.Regexp
}

// New returns expr, to be compiled (regexp.MustCompile) on first use.
func New(expr string) *Regexp {
	return &Regexp{re: sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })}
}

// Regexp returns the compiled expression.
func (r *Regexp) Regexp() *regexp.Regexp { return r.re() }

// MatchString is regexp.Regexp.MatchString.
func (r *Regexp) MatchString(s string) bool { return r.re().MatchString(s) }

// FindStringSubmatch is regexp.Regexp.FindStringSubmatch.
func (r *Regexp) FindStringSubmatch(s string) []string { return r.re().FindStringSubmatch(s) }

// ReplaceAllString is regexp.Regexp.ReplaceAllString.
func (r *Regexp) ReplaceAllString(src, repl string) string { return r.re().ReplaceAllString(src, repl) }
