// Package app is the composition root of every function together: the
// local dev server (infra/localapp) and the route tests build all the
// functions through it. Each function's handler is built by its own package
// (shared/app/webfn, intakefn, classifyfn, mailerfn, rotafn), which its
// functions/<name>/main.go imports directly, so a function links and
// initialises only the code it uses; what runs locally is still what runs
// on AWS.
package app

import (
	"context"
	"net/http"

	"github.com/mappa-coordinator/mappa/shared/app/classifyfn"
	"github.com/mappa-coordinator/mappa/shared/app/intakefn"
	"github.com/mappa-coordinator/mappa/shared/app/mailerfn"
	"github.com/mappa-coordinator/mappa/shared/app/retentionfn"
	"github.com/mappa-coordinator/mappa/shared/app/rotafn"
	"github.com/mappa-coordinator/mappa/shared/app/webfn"
	"github.com/mappa-coordinator/mappa/shared/auth"
	"github.com/mappa-coordinator/mappa/shared/classify"
	"github.com/mappa-coordinator/mappa/shared/mailer"
	"github.com/mappa-coordinator/mappa/shared/retentionstream"
	"github.com/mappa-coordinator/mappa/shared/rotastream"
	"github.com/mappa-coordinator/mappa/shared/wiring"
)

// WebRouter builds the WebFunction's router (webfn.Router).
func WebRouter(ctx context.Context, deps wiring.Deps) (*auth.Router, error) {
	return webfn.Router(ctx, deps)
}

// Web builds the WebFunction's handler.
func Web(ctx context.Context, deps wiring.Deps) (http.Handler, error) { return webfn.New(ctx, deps) }

// IntakeRouter builds the IntakeFunction's router (intakefn.Router).
func IntakeRouter(ctx context.Context, deps wiring.Deps) (*auth.Router, error) {
	return intakefn.Router(ctx, deps)
}

// Intake builds the IntakeFunction's handler.
func Intake(ctx context.Context, deps wiring.Deps) (http.Handler, error) {
	return intakefn.New(ctx, deps)
}

// Classify builds the ClassifyFunction's handler (referrals stream).
func Classify(ctx context.Context, deps wiring.Deps) (*classify.Handler, error) {
	return classifyfn.New(ctx, deps)
}

// Mailer builds the MailerFunction's handler (outbox stream and sweep).
func Mailer(ctx context.Context, deps wiring.Deps) (mailer.Handler, error) {
	return mailerfn.New(ctx, deps)
}

// Rota builds the RotaFunction's handler (meetings and cases streams).
func Rota(ctx context.Context, deps wiring.Deps) (*rotastream.Handler, error) {
	return rotafn.New(ctx, deps)
}

// Retention builds the RetentionFunction's handler (cases, referrals and
// meetings streams: expiry audited, records follow the case's expiry).
func Retention(ctx context.Context, deps wiring.Deps) (*retentionstream.Handler, error) {
	return retentionfn.New(ctx, deps)
}
