package httpapi

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// CompressMin is the smallest body Compress compresses: below it gzip's
// header and trailer outweigh the saving.
const CompressMin = 1024

var gzipPool = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression)
	return w
}}

// Compress gzips responses for clients that accept it: text, JSON,
// JavaScript and SVG bodies of at least CompressMin bytes that carry no
// Content-Encoding already (the front end serves its files precompressed).
// API Gateway's HTTP API does not compress, so the function does; on
// Lambda the adapter sends the compressed body base64-encoded, and API
// Gateway hands the browser the bytes. The response is buffered, as it is
// on Lambda anyway.
func Compress(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead || !AcceptsGzip(r) {
			next.ServeHTTP(w, r)
			return
		}
		cw := &compressWriter{w: w, status: http.StatusOK}
		next.ServeHTTP(cw, r)
		cw.finish()
	})
}

// AcceptsGzip reports whether the request's Accept-Encoding allows gzip
// (and does not refuse it with q=0).
func AcceptsGzip(r *http.Request) bool {
	for part := range strings.SplitSeq(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		if q, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if v, err := strconv.ParseFloat(q, 64); err == nil && v == 0 {
				return false
			}
		}
		return true
	}
	return false
}

// Compressible reports whether a body of content type ctype shrinks when
// gzipped (text, JSON, JavaScript, SVG; not fonts or images).
func Compressible(ctype string) bool {
	ctype = strings.ToLower(ctype)
	return strings.HasPrefix(ctype, "text/") || strings.Contains(ctype, "json") ||
		strings.Contains(ctype, "javascript") || strings.HasPrefix(ctype, "image/svg")
}

// Gzip compresses b.
func Gzip(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzipPool.Get().(*gzip.Writer) //nolint:errcheck // the pool only holds *gzip.Writer
	zw.Reset(&buf)
	_, _ = zw.Write(b) // writes to a bytes.Buffer cannot fail
	_ = zw.Close()
	gzipPool.Put(zw)
	return buf.Bytes()
}

type compressWriter struct {
	w           http.ResponseWriter
	status      int
	wroteHeader bool
	buf         bytes.Buffer
}

func (c *compressWriter) Header() http.Header { return c.w.Header() }

func (c *compressWriter) WriteHeader(code int) {
	if !c.wroteHeader {
		c.status, c.wroteHeader = code, true
	}
}

func (c *compressWriter) Write(b []byte) (int, error) {
	c.wroteHeader = true
	return c.buf.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (c *compressWriter) Unwrap() http.ResponseWriter { return c.w }

func (c *compressWriter) finish() {
	h := c.w.Header()
	body := c.buf.Bytes()
	if h.Get("Content-Encoding") == "" && c.status != http.StatusNoContent && c.status != http.StatusNotModified &&
		len(body) >= CompressMin && Compressible(h.Get("Content-Type")) && h.Get("Content-Range") == "" {
		h.Add("Vary", "Accept-Encoding")
		h.Set("Content-Encoding", "gzip")
		h.Del("Content-Length")
		if etag := h.Get("ETag"); strings.HasSuffix(etag, `"`) {
			h.Set("ETag", strings.TrimSuffix(etag, `"`)+`-gz"`)
		}
		body = Gzip(body)
		h.Set("Content-Length", strconv.Itoa(len(body)))
	}
	c.w.WriteHeader(c.status)
	_, _ = c.w.Write(body)
}
