package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/awslabs/aws-lambda-go-api-proxy/core"
)

// RequestInfo is what the access log knows about a request. It is created by
// Middleware and filled in as the request goes through (the auth middleware
// sets ActorID and Route). It never holds personal data.
type RequestInfo struct {
	RequestID string
	ActorID   string
	Route     string
}

type infoKey struct{}

// Info returns the request's RequestInfo, or an empty one outside Middleware.
func Info(ctx context.Context) *RequestInfo {
	if ri, ok := ctx.Value(infoKey{}).(*RequestInfo); ok {
		return ri
	}
	return &RequestInfo{}
}

// RequestID returns the request id: API Gateway's on Lambda and behind the
// local gateway emulator.
func RequestID(ctx context.Context) string { return Info(ctx).RequestID }

// Logger returns slog's default logger with the request id and actor id.
func Logger(ctx context.Context) *slog.Logger {
	ri := Info(ctx)
	l := slog.Default()
	if ri.RequestID != "" {
		l = l.With(slog.String("requestId", ri.RequestID))
	}
	if ri.ActorID != "" {
		l = l.With(slog.String("actorId", ri.ActorID))
	}
	return l
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

// APIContentSecurityPolicy is the Content-Security-Policy of every response
// that is not a page of the front end.
const APIContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// Middleware wraps next with request identification, security headers,
// panic recovery and one structured access-log line per request. The log
// line carries method, route pattern, status, duration and ids; never the
// path's values, query strings or bodies, which can hold personal data.
func Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := &RequestInfo{RequestID: requestIDOf(r)}
		ctx := context.WithValue(r.Context(), infoKey{}, ri)
		r = r.WithContext(ctx)
		sw := &statusWriter{ResponseWriter: w}
		h := sw.Header()
		h.Set("X-Request-Id", ri.RequestID)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		// API answers are data, never documents: nothing may run or be
		// framed. The front end's handler replaces this with the app's
		// own policy (scripts by hash, no inline script).
		h.Set("Content-Security-Policy", APIContentSecurityPolicy)
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		defer func() {
			if p := recover(); p != nil {
				Logger(ctx).Error("panic", slog.String("panic", fmt.Sprint(p)), slog.String("stack", string(debug.Stack())))
				if sw.status == 0 {
					WriteProblem(sw, r, Problem{Type: TypeInternal, Status: http.StatusInternalServerError, Title: "Something went wrong"})
				}
			}
			route := ri.Route
			if route == "" {
				route = r.Pattern
			}
			Logger(ctx).Info("request",
				slog.String("method", r.Method),
				slog.String("route", route),
				slog.Int("status", sw.status),
				slog.Int("bytes", sw.bytes),
				slog.Duration("duration", time.Since(start)))
		}()
		next.ServeHTTP(sw, r)
	})
}

func requestIDOf(r *http.Request) string {
	if gw, ok := core.GetAPIGatewayV2ContextFromContext(r.Context()); ok && gw.RequestID != "" {
		return gw.RequestID
	}
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
