// Package gateway emulates an API Gateway HTTP API (payload format 2.0) in
// front of the functions' real net/http handlers, for the dev server and
// integration tests.
//
// Routes come from template.yaml (template.Routes), so a route exists
// locally exactly when it exists on AWS. For each request the gateway:
//
//   - picks the route as API Gateway does: the method must match (or be
//     ANY), and the most specific path wins, segment by segment: a literal
//     segment beats {param}, which beats the greedy {proxy+}; no route is a
//     404 problem;
//   - on a route with an authorizer, verifies the bearer JWT as the HTTP API
//     JWT authorizer does (signature by the issuer's JWKS, iss, exp/nbf,
//     aud or client_id in the audience list) and requires one of the route's
//     AuthorizationScopes: failures are 401 or 403 problem+json answers and
//     the function is never called;
//   - builds the events.APIGatewayV2HTTPRequest API Gateway would send
//     (route key, raw path and query, cookies, lower-cased headers, path
//     parameters, base64 body for binary content, request context with
//     request id, time, source IP and the JWT claims flattened to strings)
//     and runs the function's handler through
//     httpadapter.NewV2(handler).ProxyWithContext, the same adapter the
//     Lambda uses;
//   - writes the events.APIGatewayV2HTTPResponse back.
package gateway

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/mappa-coordinator/mappa/infra/template"
	"github.com/mappa-coordinator/mappa/shared/httpapi"
)

// MaxBody is API Gateway's payload limit for HTTP APIs (10 MB).
const MaxBody = 10 << 20

// Route is one HttpApi event of a function.
type Route struct {
	Function   string   // logical id of the function (WebFunction, ...)
	Method     string   // GET, POST, ... or ANY
	Path       string   // /v1/referrals/{id}, /{proxy+}
	Authorizer string   // "NONE" or the authorizer's name
	Scopes     []string // AuthorizationScopes: the token needs one of them
}

// Key is the API Gateway route key, "METHOD /path".
func (r Route) Key() string { return r.Method + " " + r.Path }

type segKind int

const (
	segLiteral segKind = iota
	segParam
	segGreedy
)

type segment struct {
	kind segKind
	text string // literal text or parameter name
}

type route struct {
	Route
	segs    []segment
	adapter *httpadapter.HandlerAdapterV2
}

// Gateway is an http.Handler that serves the routes.
type Gateway struct {
	routes   []route
	verifier Verifier
	now      func() time.Time
}

// Option configures a Gateway.
type Option func(*Gateway)

// New builds a gateway for every HttpApi route in tmpl. handlers maps
// function logical ids to their handlers; a route whose function has no
// handler is an error, so local serving cannot silently drop a route.
// verifier checks tokens on routes with an authorizer.
func New(tmpl *template.Template, handlers map[string]http.Handler, verifier Verifier, opts ...Option) (*Gateway, error) {
	if _, err := tmpl.FunctionsErr(); err != nil {
		return nil, fmt.Errorf("gateway: %w", err)
	}
	trs := tmpl.Routes()
	routes := make([]Route, len(trs))
	for i, r := range trs {
		routes[i] = Route{Function: r.Function, Method: r.Method, Path: r.Path, Authorizer: r.Authorizer, Scopes: r.Scopes}
	}
	return NewFromRoutes(routes, handlers, verifier, opts...)
}

// NewFromRoutes is New for an explicit route list (unit tests).
func NewFromRoutes(routes []Route, handlers map[string]http.Handler, verifier Verifier, opts ...Option) (*Gateway, error) {
	g := &Gateway{verifier: verifier, now: time.Now}
	for _, o := range opts {
		o(g)
	}
	seen := map[string]bool{}
	adapters := map[string]*httpadapter.HandlerAdapterV2{}
	for _, r := range routes {
		r.Method = strings.ToUpper(r.Method)
		if r.Method == "" {
			r.Method = "ANY"
		}
		if seen[r.Key()] {
			return nil, fmt.Errorf("gateway: route %q declared twice", r.Key())
		}
		seen[r.Key()] = true
		h, ok := handlers[r.Function]
		if !ok || h == nil {
			return nil, fmt.Errorf("gateway: no handler for %s (route %q)", r.Function, r.Key())
		}
		if r.Authorizer == "" {
			return nil, fmt.Errorf("gateway: route %q has no authorizer (use NONE for a public route)", r.Key())
		}
		if r.Authorizer != "NONE" && verifier == nil {
			return nil, fmt.Errorf("gateway: route %q needs a token verifier", r.Key())
		}
		segs, err := parsePath(r.Path)
		if err != nil {
			return nil, fmt.Errorf("gateway: route %q: %w", r.Key(), err)
		}
		if adapters[r.Function] == nil {
			adapters[r.Function] = httpadapter.NewV2(h)
		}
		g.routes = append(g.routes, route{Route: r, segs: segs, adapter: adapters[r.Function]})
	}
	return g, nil
}

// Routes lists the routes served, sorted by route key.
func (g *Gateway) Routes() []Route {
	out := make([]Route, len(g.routes))
	for i, r := range g.routes {
		out[i] = r.Route
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key() < out[j].Key() })
	return out
}

func parsePath(p string) ([]segment, error) {
	if !strings.HasPrefix(p, "/") {
		return nil, errors.New("path must start with /")
	}
	if p == "/" {
		return nil, nil
	}
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	segs := make([]segment, len(parts))
	for i, s := range parts {
		switch {
		case strings.HasPrefix(s, "{") && strings.HasSuffix(s, "+}"):
			if i != len(parts)-1 {
				return nil, errors.New("a greedy {name+} must be the last segment")
			}
			segs[i] = segment{segGreedy, s[1 : len(s)-2]}
		case strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}"):
			segs[i] = segment{segParam, s[1 : len(s)-1]}
		default:
			segs[i] = segment{segLiteral, s}
		}
	}
	return segs, nil
}

// match reports whether path (split, still escaped) fits the route, with
// its path parameters (unescaped) and a specificity score (higher is more
// specific).
func (r route) match(parts []string) (map[string]string, []int, bool) {
	params := map[string]string{}
	score := make([]int, 0, len(r.segs)+1)
	for i, s := range r.segs {
		if s.kind == segGreedy {
			if i >= len(parts) {
				return nil, nil, false
			}
			rest := strings.Join(parts[i:], "/")
			if rest == "" {
				return nil, nil, false
			}
			params[s.text] = unescape(rest)
			score = append(score, 0)
			return params, score, true
		}
		if i >= len(parts) {
			return nil, nil, false
		}
		switch s.kind {
		case segLiteral:
			if unescape(parts[i]) != s.text {
				return nil, nil, false
			}
			score = append(score, 2)
		case segParam:
			if parts[i] == "" {
				return nil, nil, false
			}
			params[s.text] = unescape(parts[i])
			score = append(score, 1)
		}
	}
	if len(parts) != len(r.segs) {
		return nil, nil, false
	}
	score = append(score, 3) // exact length beats a greedy tail
	return params, score, true
}

func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// find picks the most specific route for method and escaped path.
func (g *Gateway) find(method, escapedPath string) (*route, map[string]string) {
	var parts []string
	if escapedPath != "/" && escapedPath != "" {
		parts = strings.Split(strings.TrimPrefix(escapedPath, "/"), "/")
	}
	var best *route
	var bestParams map[string]string
	var bestScore []int
	for i := range g.routes {
		r := &g.routes[i]
		if r.Method != method && r.Method != "ANY" {
			continue
		}
		params, score, ok := r.match(parts)
		if !ok {
			continue
		}
		if r.Method != "ANY" {
			score = append(score, 1) // a route for the method beats ANY
		}
		if best == nil || slices.Compare(score, bestScore) > 0 {
			best, bestParams, bestScore = r, params, score
		}
	}
	return best, bestParams
}

// Match returns the route API Gateway would pick for method and the
// (escaped) path, with the path parameters.
func (g *Gateway) Match(method, escapedPath string) (Route, map[string]string, bool) {
	r, params := g.find(method, escapedPath)
	if r == nil {
		return Route{}, nil, false
	}
	return r.Route, params, true
}

// ServeHTTP implements http.Handler.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := newRequestID()
	w.Header().Set("Apigw-Requestid", reqID)
	escaped := r.URL.EscapedPath()
	rt, params := g.find(r.Method, escaped)
	if rt == nil {
		g.problem(w, r, reqID, httpapi.Problem{Type: httpapi.TypeNotFound, Title: "Not found", Status: http.StatusNotFound,
			Detail: "No route matches " + r.Method + " on this path."})
		return
	}
	var auth *events.APIGatewayV2HTTPRequestContextAuthorizerDescription
	if rt.Authorizer != "NONE" {
		claims, err := g.verifier.Verify(bearer(r.Header.Get("Authorization")))
		if err != nil {
			desc := "the token is not valid"
			switch {
			case errors.Is(err, ErrNoToken):
				desc = "no token"
			case errors.Is(err, ErrExpired):
				desc = "the token has expired"
			case errors.Is(err, ErrWrongAudience), errors.Is(err, ErrWrongIssuer), errors.Is(err, ErrWrongTokenUse):
				desc = "the token is not for this API"
			}
			w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer error="invalid_token", error_description=%q`, desc))
			g.problem(w, r, reqID, httpapi.Problem{Type: httpapi.TypeUnauthorized, Title: "Sign in required", Status: http.StatusUnauthorized,
				Detail: "Send a valid bearer token: " + desc + "."})
			return
		}
		scopes := scopesOf(claims)
		if len(rt.Scopes) > 0 && !slices.ContainsFunc(rt.Scopes, func(s string) bool { return slices.Contains(scopes, s) }) {
			w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer error="insufficient_scope", scope=%q`, strings.Join(rt.Scopes, " ")))
			g.problem(w, r, reqID, httpapi.Problem{Type: httpapi.TypeForbidden, Title: "Not allowed", Status: http.StatusForbidden,
				Detail: "The token lacks the scope this route needs."})
			return
		}
		auth = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: flattenClaims(claims), Scopes: scopes},
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		g.problem(w, r, reqID, httpapi.Problem{Type: httpapi.TypeTooLarge, Title: "Request too large", Status: http.StatusRequestEntityTooLarge})
		return
	}
	event := g.event(r, rt, params, body, reqID, auth)
	ctx := lambdacontext.NewContext(r.Context(), &lambdacontext.LambdaContext{
		AwsRequestID:       newRequestID(),
		InvokedFunctionArn: "arn:aws:lambda:eu-west-2:000000000000:function:" + rt.Function,
	})
	resp, err := rt.adapter.ProxyWithContext(ctx, event)
	if err != nil {
		slog.Error("gateway: function failed", slog.String("function", rt.Function), slog.String("requestId", reqID), slog.String("error", err.Error()))
		g.problem(w, r, reqID, httpapi.Problem{Type: httpapi.TypeInternal, Title: "Internal Server Error", Status: http.StatusInternalServerError})
		return
	}
	writeResponse(w, resp)
}

func (g *Gateway) problem(w http.ResponseWriter, r *http.Request, reqID string, p httpapi.Problem) {
	p.RequestID = reqID
	httpapi.WriteProblem(w, r, p)
}

// event builds the payload-2.0 event for r.
func (g *Gateway) event(r *http.Request, rt *route, params map[string]string, body []byte, reqID string,
	auth *events.APIGatewayV2HTTPRequestContextAuthorizerDescription) events.APIGatewayV2HTTPRequest {
	now := g.now()
	headers := map[string]string{}
	var cookies []string
	for name, vals := range r.Header {
		lname := strings.ToLower(name)
		if lname == "cookie" {
			for _, v := range vals {
				for c := range strings.SplitSeq(v, ";") {
					if c = strings.TrimSpace(c); c != "" {
						cookies = append(cookies, c)
					}
				}
			}
			continue
		}
		headers[lname] = strings.Join(vals, ",")
	}
	if r.Host != "" {
		headers["host"] = r.Host
	}
	var query map[string]string
	if r.URL.RawQuery != "" {
		query = map[string]string{}
		for k, vs := range r.URL.Query() {
			query[k] = strings.Join(vs, ",")
		}
	}
	if len(params) == 0 {
		params = nil
	}
	sourceIP := r.RemoteAddr
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		sourceIP = host
	}
	ev := events.APIGatewayV2HTTPRequest{
		Version:               "2.0",
		RouteKey:              rt.Key(),
		RawPath:               r.URL.EscapedPath(),
		RawQueryString:        r.URL.RawQuery,
		Cookies:               cookies,
		Headers:               headers,
		QueryStringParameters: query,
		PathParameters:        params,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey:     rt.Key(),
			AccountID:    "000000000000",
			Stage:        "$default",
			RequestID:    reqID,
			Authorizer:   auth,
			APIID:        "local",
			DomainName:   r.Host,
			DomainPrefix: strings.Split(r.Host, ".")[0],
			Time:         now.UTC().Format("02/Jan/2006:15:04:05 -0700"),
			TimeEpoch:    now.UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method:    r.Method,
				Path:      r.URL.Path,
				Protocol:  r.Proto,
				SourceIP:  sourceIP,
				UserAgent: r.UserAgent(),
			},
		},
	}
	if len(body) > 0 {
		if isText(r.Header.Get("Content-Type")) && utf8.Valid(body) {
			ev.Body = string(body)
		} else {
			ev.Body = base64.StdEncoding.EncodeToString(body)
			ev.IsBase64Encoded = true
		}
	}
	return ev
}

// isText reports whether a body of this content type reaches the function
// as text rather than base64.
func isText(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	switch {
	case strings.HasPrefix(mt, "text/"),
		mt == "application/json", strings.HasSuffix(mt, "+json"),
		mt == "application/xml", strings.HasSuffix(mt, "+xml"),
		mt == "application/javascript", mt == "application/x-www-form-urlencoded":
		return true
	}
	return false
}

func writeResponse(w http.ResponseWriter, resp events.APIGatewayV2HTTPResponse) {
	h := w.Header()
	for k, v := range resp.Headers {
		h.Set(k, v)
	}
	for k, vs := range resp.MultiValueHeaders {
		h.Del(k)
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	for _, c := range resp.Cookies {
		h.Add("Set-Cookie", c)
	}
	body := []byte(resp.Body)
	if resp.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(resp.Body)
		if err != nil {
			h.Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = io.WriteString(w, `{"type":"about:blank","title":"Bad Gateway","status":502}`)
			return
		}
		body = b
	}
	status := resp.StatusCode
	if status == 0 {
		status = http.StatusOK
	}
	if h.Get("Content-Type") == "" && len(body) > 0 {
		h.Set("Content-Type", "application/json")
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// newRequestID returns an id shaped like API Gateway's ("JKJaXmPLvHcESHA=").
func newRequestID() string {
	var b [10]byte
	_, _ = rand.Read(b[:])
	return base64.StdEncoding.EncodeToString(b[:])
}
