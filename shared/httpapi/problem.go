// Package httpapi is the HTTP edge shared by every HTTP function: RFC 9457
// problem+json responses, strict JSON decoding, JSON responses, and the
// request middleware (request id, structured access log, panic recovery).
//
// Handlers are plain net/http. On Lambda they run behind
// aws-lambda-go-api-proxy's httpadapter; locally the dev server's gateway
// emulator drives the same adapter, so there is one code path.
package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"syscall"

	"github.com/mappa-coordinator/mappa/shared/validation"
)

// Problem is an RFC 9457 problem details body.
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
	// Errors lists field problems for 400/422 answers, each by JSON pointer.
	Errors validation.Errors `json:"errors,omitempty"`
	// ErrorCount is the number of field problems found; errors lists at
	// most the first MaxErrors of them.
	ErrorCount int `json:"errorCount,omitempty"`
	// RequestID lets support find the log lines of this request.
	RequestID string `json:"requestId,omitempty"`
}

// Problem type URIs. They are relative references resolved against the API
// and documented in the OpenAPI document.
const (
	TypeValidation   = "/problems/validation"
	TypeMalformed    = "/problems/malformed-json"
	TypeTooLarge     = "/problems/too-large"
	TypeUnauthorized = "/problems/unauthenticated"
	TypeForbidden    = "/problems/forbidden"
	TypeNotFound     = "/problems/not-found"
	TypeConflict     = "/problems/conflict"
	TypeUnsupported  = "/problems/unsupported-media-type"
	TypeInternal     = "/problems/internal"
	TypeUnavailable  = "/problems/unavailable"
	TypeMethod       = "/problems/method-not-allowed"
)

// WriteProblem writes p as application/problem+json with p.Status.
func WriteProblem(w http.ResponseWriter, r *http.Request, p Problem) {
	if p.RequestID == "" && r != nil {
		p.RequestID = RequestID(r.Context())
	}
	if p.Type == "" {
		p.Type = "about:blank"
	}
	if p.Title == "" {
		p.Title = http.StatusText(p.Status)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// Invalid writes a 422 listing the field problems: the first MaxErrors of
// them, with errorCount the total.
func Invalid(w http.ResponseWriter, r *http.Request, errs validation.Errors) {
	list, n := capErrors(errs)
	detail := "Correct each field listed in errors and send the request again."
	if n > len(list) {
		detail = fmt.Sprintf("%d fields have problems; the first %d are listed. Correct them and send the request again.", n, len(list))
	}
	WriteProblem(w, r, Problem{
		Type:       TypeValidation,
		Title:      "The request has invalid fields",
		Status:     http.StatusUnprocessableEntity,
		Detail:     detail,
		Errors:     list,
		ErrorCount: n,
	})
}

// Unauthorized writes a 401 with a WWW-Authenticate challenge.
func Unauthorized(w http.ResponseWriter, r *http.Request, detail string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="mappa"`)
	WriteProblem(w, r, Problem{Type: TypeUnauthorized, Title: "Sign in required", Status: http.StatusUnauthorized, Detail: detail})
}

// Forbidden writes a 403.
func Forbidden(w http.ResponseWriter, r *http.Request, detail string) {
	WriteProblem(w, r, Problem{Type: TypeForbidden, Title: "Not allowed", Status: http.StatusForbidden, Detail: detail})
}

// NotFound writes a 404. Use it too where a caller may not know whether a
// thing exists (another agency's referral), so existence does not leak.
func NotFound(w http.ResponseWriter, r *http.Request) {
	WriteProblem(w, r, Problem{Type: TypeNotFound, Title: "Not found", Status: http.StatusNotFound})
}

// Conflict writes a 409 with detail.
func Conflict(w http.ResponseWriter, r *http.Request, detail string) {
	WriteProblem(w, r, Problem{Type: TypeConflict, Title: "Conflict", Status: http.StatusConflict, Detail: detail})
}

// RetryAfterSeconds is what a 503 asks the client to wait.
const RetryAfterSeconds = "5"

// Internal logs err (ids only, never request bodies) and writes a 500 that
// says nothing about the cause, or, if a dependency (DynamoDB, SES) could
// not be reached or throttled the request (Unavailable), a 503 with
// Retry-After: the request may be sent again unchanged.
func Internal(w http.ResponseWriter, r *http.Request, err error) {
	if Unavailable(err) {
		Logger(r.Context()).Warn("dependency unavailable", slog.String("error", err.Error()))
		ServiceUnavailable(w, r)
		return
	}
	Logger(r.Context()).Error("request failed", slog.String("error", err.Error()))
	WriteProblem(w, r, Problem{Type: TypeInternal, Title: "Something went wrong", Status: http.StatusInternalServerError,
		Detail: "The request was not completed. Try again; if it keeps failing, contact support with the request id."})
}

// Errors that domain and store packages return, mapped to HTTP once by Error.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
)

// Error maps well-known errors to their problem responses and anything else
// to a 500.
func Error(w http.ResponseWriter, r *http.Request, err error) {
	var verrs validation.Errors
	switch {
	case errors.As(err, &verrs):
		Invalid(w, r, verrs)
	case errors.Is(err, ErrNotFound):
		NotFound(w, r)
	case errors.Is(err, ErrConflict):
		Conflict(w, r, err.Error())
	default:
		Internal(w, r, err)
	}
}

// JSON writes v as application/json with status.
func JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// ServiceUnavailable writes a 503 with Retry-After.
func ServiceUnavailable(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Retry-After", RetryAfterSeconds)
	WriteProblem(w, r, Problem{Type: TypeUnavailable, Title: "Service unavailable", Status: http.StatusServiceUnavailable,
		Detail: "A service this request needs is not answering. Nothing was changed; send the same request again after the Retry-After interval."})
}

// unavailableCodes are the error codes (smithy.APIError's ErrorCode) with
// which AWS services say "not now" rather than "not this".
var unavailableCodes = map[string]bool{
	"ThrottlingException": true, "ProvisionedThroughputExceededException": true, "RequestLimitExceeded": true,
	"InternalServerError": true, "ServiceUnavailable": true, "ServiceUnavailableException": true,
	"TooManyRequestsException": true, "LimitExceededException": true, "TransactionInProgressException": true,
	"InternalFailure": true, "RequestTimeout": true, "RequestTimeoutException": true,
}

// Unavailable reports whether err means a dependency could not be reached
// or refused for load: a network error (connection refused or reset, DNS,
// timeout), a deadline, or an AWS throttling or internal-error code. It
// looks through wrapping (the AWS SDK's operation and retry errors wrap the
// cause) and needs no AWS import.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	var coded interface{ ErrorCode() string }
	if errors.As(err, &coded) && unavailableCodes[coded.ErrorCode()] {
		return true
	}
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET)
}
