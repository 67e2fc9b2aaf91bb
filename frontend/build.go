package frontend

// Fingerprinting, preloading and compression of the app's own files, done
// on the first request (never at start-up) from whatever is embedded: an
// engineer adding a module does nothing special.
//
//   - The app's files under /app/ are also served under /app/v/<version>/,
//     where <version> is a hash of every file under /app/. Those URLs are
//     cached for a year as immutable. index.html (never stored) points at
//     them, and because the modules import each other by relative paths
//     ('./api.mjs', '../html.mjs'), every module the app loads comes from
//     the same version. A new deployment changes the version and so every
//     URL; a browser never revalidates a module.
//   - index.html gets a <link rel="modulepreload"> for every module main.mjs
//     imports statically (found by reading the import statements), so the
//     browser fetches them in one round trip rather than a chain; the fonts
//     the GOV.UK stylesheet uses are preloaded too. Page modules that
//     main.mjs loads with import() are fetched only by the pages that need
//     them.
//   - index.html carries the app's configuration (/app-config.json's body)
//     in <meta name="app-config">, which saves the app a request before it
//     can start. It is data, not script: the CSP is unchanged.
//   - Text files are gzipped once, when first asked for, and served to
//     browsers that accept gzip.

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"html"
	"maps"
	"net/http"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/mappa-coordinator/mappa/shared/httpapi"
)

// VersionPrefix is where the app's fingerprinted files are served:
// /app/v/<version>/<path under /app/>.
const VersionPrefix = "/app/v/"

const immutable = "public, max-age=31536000, immutable"

// appVersion is a hash of the paths and contents of every file under /app/.
func appVersion(files map[string]file) string {
	h := sha256.New()
	for _, p := range slices.Sorted(maps.Keys(files)) {
		if strings.HasPrefix(p, "/app/") {
			h.Write([]byte(p))
			h.Write([]byte{0})
			h.Write(files[p].body)
			h.Write([]byte{0})
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// importPattern finds the specifiers of static imports and re-exports
// ("import x from '...'", "import '...'", "export { x } from '...'"), not
// dynamic import() calls.
var importPattern = regexp.MustCompile(`(?m)^\s*(?:import|export)\s+(?:[^'";()]*?\s+from\s+)?['"]([^'"]+)['"]`)

// staticImports lists, in load order, the modules entry imports statically
// (directly or through other modules), excluding entry: URLs under /app/
// (unversioned) and absolute ones such as /assets/...
func staticImports(files map[string]file, entry string) []string {
	var out []string
	seen := map[string]bool{entry: true}
	var walk func(p string)
	walk = func(p string) {
		f, ok := files[p]
		if !ok {
			return
		}
		for _, m := range importPattern.FindAllSubmatch(f.body, -1) {
			spec := string(m[1])
			var dep string
			switch {
			case strings.HasPrefix(spec, "./") || strings.HasPrefix(spec, "../"):
				dep = path.Join(path.Dir(p), spec)
			case strings.HasPrefix(spec, "/"):
				dep = spec
			default:
				continue // a bare specifier: not ours to preload
			}
			if seen[dep] {
				continue
			}
			seen[dep] = true
			out = append(out, dep)
			walk(dep)
		}
	}
	walk(entry)
	return out
}

// versioned returns the URL of an /app/ file under version v; other URLs
// are returned as they are.
func versioned(v, p string) string {
	if rest, ok := strings.CutPrefix(p, "/app/"); ok {
		return VersionPrefix + v + "/" + rest
	}
	return p
}

// buildIndex rewrites index.html: /app/ URLs versioned, preloads for the
// entry module's static imports, and the app configuration.
func buildIndex(files map[string]file, version string, appConfig []byte) file {
	idx := files["/index.html"]
	s := strings.ReplaceAll(string(idx.body), `"/app/`, `"`+VersionPrefix+version+"/")
	var head strings.Builder
	head.WriteString(`  <meta name="app-config" content="` + html.EscapeString(string(appConfig)) + `">` + "\n")
	for _, dep := range staticImports(files, "/app/main.mjs") {
		if strings.HasSuffix(dep, ".mjs") || strings.HasSuffix(dep, ".js") {
			head.WriteString(`  <link rel="modulepreload" href="` + versioned(version, dep) + `">` + "\n")
		}
	}
	s = strings.Replace(s, "</head>", head.String()+"</head>", 1)
	return newFile([]byte(s), idx.ctype)
}

// newFile is a served file: its body, type, ETag and (for text) a gzipped
// copy made on first use.
func newFile(body []byte, ctype string) file {
	sum := sha256.Sum256(body)
	f := file{body: body, ctype: ctype, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
	if httpapi.Compressible(ctype) && len(body) >= httpapi.CompressMin {
		f.gz = sync.OnceValue(func() []byte { return gzipBest(body) })
	}
	return f
}

// pick chooses the variant of f to send: the gzipped one if the browser
// accepts it. Compressible files always vary on Accept-Encoding.
func pick(w http.ResponseWriter, r *http.Request, f file) file {
	if f.gz == nil {
		return f
	}
	w.Header().Add("Vary", "Accept-Encoding")
	if !httpapi.AcceptsGzip(r) {
		return f
	}
	w.Header().Set("Content-Encoding", "gzip")
	return file{body: f.gz(), ctype: f.ctype, etag: strings.TrimSuffix(f.etag, `"`) + `-gz"`}
}

// gzipBest compresses a file once, as small as gzip can make it.
func gzipBest(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // a valid level: no error
	_, _ = zw.Write(b)                                       // writes to a bytes.Buffer cannot fail
	_ = zw.Close()
	return buf.Bytes()
}
