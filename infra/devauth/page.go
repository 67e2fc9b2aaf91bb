package devauth

import (
	"html/template"
	"net/http"
	"strings"
)

// roleNames are the roles as people say them.
var roleNames = map[string]string{
	"business-support-officer": "Business support officer",
	"social-worker":            "Social worker",
	"team-manager":             "Team manager",
	"service-manager":          "Service manager",
	"head-of-service":          "Head of service",
	"assistant-director":       "Assistant director",
	"administrator":            "Administrator",
}

// RoleName returns the display name of a role group.
func RoleName(group string) string {
	if n, ok := roleNames[group]; ok {
		return n
	}
	return group
}

var page = template.Must(template.New("page").Funcs(template.FuncMap{
	"roles": func(groups []string) string {
		names := make([]string, len(groups))
		for i, g := range groups {
			names[i] = RoleName(g)
		}
		return strings.Join(names, ", ")
	},
}).Parse(`<!DOCTYPE html>
<html lang="en" class="govuk-template">
<head>
  <meta charset="utf-8">
  <title>{{if .Error}}Error: {{end}}{{.Title}} – MAPPA Coordinator (development)</title>
  <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
  <meta name="theme-color" content="#1d70b8">
  <meta name="robots" content="noindex, nofollow">
  <link rel="icon" sizes="48x48" href="/assets/images/favicon.ico">
  <link rel="icon" sizes="any" href="/assets/images/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/assets/govuk-frontend.min.css">
</head>
<body class="govuk-template__body">
  <a href="#main-content" class="govuk-skip-link">Skip to main content</a>
  {{- /* The header as in frontend/static/index.html (GOV.UK Frontend v6:
       generic header and service navigation), without the menu. */}}
  <header class="govuk-template__header">
    <div class="govuk-generic-header">
      <div class="govuk-generic-header__container govuk-width-container">
        <div class="govuk-generic-header__logo">
          <a href="/" class="govuk-generic-header__homepage-link">Children's Services</a>
        </div>
      </div>
    </div>
    <section aria-label="Service information" class="govuk-service-navigation">
      <div class="govuk-width-container">
        <div class="govuk-service-navigation__container">
          <span class="govuk-service-navigation__service-name">
            <a href="/" class="govuk-service-navigation__link">MAPPA Coordinator</a>
          </span>
        </div>
      </div>
    </section>
  </header>
  <div class="govuk-width-container">
    <div class="govuk-phase-banner">
      <p class="govuk-phase-banner__content">
        <strong class="govuk-tag govuk-phase-banner__content__tag">Development</strong>
        <span class="govuk-phase-banner__text">Development sign-in: not for real data</span>
      </p>
    </div>
    <main class="govuk-main-wrapper" id="main-content">
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
{{- if .Fatal}}
          <h1 class="govuk-heading-l">{{.Title}}</h1>
          <p class="govuk-body">{{.Fatal}}</p>
          <p class="govuk-body"><a class="govuk-link" href="/">Go to the app</a></p>
{{- else}}
{{- if .Error}}
          <div class="govuk-error-summary" data-module="govuk-error-summary">
            <div role="alert">
              <h2 class="govuk-error-summary__title">There is a problem</h2>
              <div class="govuk-error-summary__body">
                <ul class="govuk-list govuk-error-summary__list">
                  <li><a href="#user">{{.Error}}</a></li>
                </ul>
              </div>
            </div>
          </div>
{{- end}}
          <div class="govuk-warning-text">
            <span class="govuk-warning-text__icon" aria-hidden="true">!</span>
            <strong class="govuk-warning-text__text">
              <span class="govuk-visually-hidden">Warning</span>
              Development sign-in: not for real data. Every user below is fictional.
            </strong>
          </div>
          <form method="post" action="{{.Action}}" novalidate>
            <input type="hidden" name="response_type" value="code">
            <input type="hidden" name="client_id" value="{{.Req.ClientID}}">
            <input type="hidden" name="redirect_uri" value="{{.Req.RedirectURI}}">
            <input type="hidden" name="state" value="{{.Req.State}}">
            <input type="hidden" name="code_challenge" value="{{.Req.Challenge}}">
            <input type="hidden" name="code_challenge_method" value="{{.Req.Method}}">
            <input type="hidden" name="nonce" value="{{.Req.Nonce}}">
            <input type="hidden" name="scope" value="{{.Req.Scope}}">
            <div class="govuk-form-group{{if .Error}} govuk-form-group--error{{end}}">
              <fieldset class="govuk-fieldset"{{if .Error}} aria-describedby="user-error"{{end}}>
                <legend class="govuk-fieldset__legend govuk-fieldset__legend--l">
                  <h1 class="govuk-fieldset__heading">{{.Title}}</h1>
                </legend>
                <div class="govuk-hint">Choose a demo member of staff. You will see the app as they would.</div>
{{- if .Error}}
                <p id="user-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> {{.Error}}</p>
{{- end}}
                <div class="govuk-radios" data-module="govuk-radios">
{{- range $i, $u := .Users}}
                  <div class="govuk-radios__item">
                    <input class="govuk-radios__input" id="{{if eq $i 0}}user{{else}}user-{{$u.ID}}{{end}}" name="user" type="radio" value="{{$u.ID}}" aria-describedby="user-{{$u.ID}}-hint">
                    <label class="govuk-label govuk-radios__label" for="{{if eq $i 0}}user{{else}}user-{{$u.ID}}{{end}}">{{$u.Name}}</label>
                    <div id="user-{{$u.ID}}-hint" class="govuk-hint govuk-radios__hint">{{roles $u.Roles}}</div>
                  </div>
{{- end}}
                </div>
              </fieldset>
            </div>
            <button type="submit" class="govuk-button" data-module="govuk-button">Sign in</button>
          </form>
{{- end}}
        </div>
      </div>
    </main>
  </div>
  <footer class="govuk-footer">
    <div class="govuk-width-container">
      <div class="govuk-footer__meta">
        <div class="govuk-footer__meta-item govuk-footer__meta-item--grow">
          <p class="govuk-body-s">Development token issuer. Tokens from here work only on this machine.</p>
        </div>
      </div>
    </div>
  </footer>
</body>
</html>
`))

type pageData struct {
	Title  string
	Action string
	Req    authorizeRequest
	Users  []User
	Error  string
	Fatal  string
}

func (is *Issuer) renderSignIn(w http.ResponseWriter, status int, ar authorizeRequest, errMsg string) {
	is.render(w, status, pageData{Title: "Sign in to MAPPA Coordinator", Action: Path + "/oauth2/authorize",
		Req: ar, Users: is.opts.Users, Error: errMsg})
}

func (is *Issuer) renderError(w http.ResponseWriter, status int, msg string) {
	is.render(w, status, pageData{Title: "Sign-in request not valid", Fatal: msg})
}

func (is *Issuer) render(w http.ResponseWriter, status int, d pageData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; form-action 'self' "+is.opts.AppOrigin)
	w.WriteHeader(status)
	_ = page.Execute(w, d)
}
