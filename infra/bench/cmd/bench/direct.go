package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/core"

	"github.com/mappa-coordinator/mappa/shared/auth"
)

// caller is who a direct call is from: the claims API Gateway's JWT
// authorizer would pass the function after checking the token.
type caller = *events.APIGatewayV2HTTPRequestContextAuthorizerDescription

// staffCaller is a member of staff with roles (a Cognito access token).
func staffCaller(sub string, roles ...auth.Role) caller {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	return &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{
		Claims: map[string]string{"sub": sub, "username": sub, "token_use": "access", "client_id": "dev-staff-app",
			"cognito:groups": "[" + strings.Join(names, " ") + "]", "scope": auth.ScopeStaff},
		Scopes: []string{auth.ScopeStaff},
	}}
}

// agencyCaller is an agency's machine client (client credentials).
func agencyCaller(client string) caller {
	return &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{
		Claims: map[string]string{"sub": client, "client_id": client, "token_use": "access",
			"scope": auth.ScopeReferralsWrite + " " + auth.ScopeReferralsRead},
		Scopes: []string{auth.ScopeReferralsWrite, auth.ScopeReferralsRead},
	}}
}

// serveDirect calls a function's net/http handler in-process, as the
// Lambda adapter would after API Gateway: the request is built from a
// payload-2.0 event first (not timed); the handler's ServeHTTP is timed.
func serveDirect(ctx context.Context, h http.Handler, who caller, method, path string, body []byte, hdr map[string]string) (time.Duration, []byte, error) {
	rawPath, rawQuery, _ := strings.Cut(path, "?")
	headers := map[string]string{"host": "bench.local"}
	if body != nil {
		headers["content-type"] = "application/json"
	}
	for k, v := range hdr {
		headers[strings.ToLower(k)] = v
	}
	ev := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: "$default", RawPath: rawPath, RawQueryString: rawQuery, Headers: headers, Body: string(body),
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			Stage: "$default", RequestID: fmt.Sprintf("bench-%d", time.Now().UnixNano()), Authorizer: who, DomainName: "bench.local",
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method, Path: rawPath, Protocol: "HTTP/1.1", SourceIP: "127.0.0.1"},
		},
	}
	req, err := (&core.RequestAccessorV2{}).EventToRequestWithContext(ctx, ev)
	if err != nil {
		return 0, nil, err
	}
	rec := httptest.NewRecorder()
	start := time.Now()
	h.ServeHTTP(rec, req)
	took := time.Since(start)
	out, _ := io.ReadAll(rec.Result().Body)
	if rec.Code >= 300 {
		return 0, nil, fmt.Errorf("%s %s: %d %s", method, path, rec.Code, bytes.TrimSpace(out))
	}
	return took, out, nil
}

func jsonMap(b []byte) map[string]any {
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}
