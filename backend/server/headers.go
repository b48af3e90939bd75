package server

import (
	"io"
	"io/fs"
	"net/http"
	"path"
	"unicode/utf8"
)

// uiPolicy is the UI's Content-Security-Policy. The built page is one
// module script and one stylesheet from its own origin (style attributes
// set through the DOM, as React and uPlot do, are not affected); its icon
// is a data: URL; it talks to its own origin only ('self' covers ws: to
// the same host and port in CSP Level 3, which Chromium follows). Its one
// worker is the logs search's, a module script from its own origin (a
// regular expression runs there, where it cannot freeze the page); it
// registers no service worker (see workerKiller), embeds nothing, submits
// no form and is never framed.
const uiPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; " +
	"frame-ancestors 'none'; form-action 'none'"

// workerKiller is the answer to every service worker script request. Dockpulse
// never registers a worker, so a registration on this origin is one an
// earlier holder of the port left behind: whatever script it names, the
// browser's next update check (at each navigation in its scope) gets this
// one, which takes over from the old worker at once, removes the
// registration and reloads the pages it controlled, so they load from the
// network and not through a worker.
const workerKiller = `// Dockpulse registers no service worker: this replaces one an earlier
// server on this port left, and removes itself.
self.addEventListener('install', () => self.skipWaiting())
self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    await self.clients.claim()
    await self.registration.unregister()
    for (const page of await self.clients.matchAll({ type: 'window' })) {
      const url = new URL(page.url) // as first opened: a code there is spent
      url.searchParams.delete('code')
      url.searchParams.delete('token')
      page.navigate(url.href).catch(() => {})
    }
  })())
})
`

// serveWorkerKiller answers a request for a worker script. Clear-Site-Data
// "cache" drops this origin's HTTP cache (an earlier holder's pages and
// scripts, cached under this origin); "storage" drops its service worker
// registrations, local storage, IndexedDB and Cache API (the UI keeps
// nothing there). Chromium does not clear sessionStorage for it today, but
// the standard says it should: a page that then loses its token asks for
// a fresh address, and the worker reloads pages without the spent code.
func serveWorkerKiller(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Clear-Site-Data", `"cache", "storage"`)
	// A worker registered for a scope wider than its script's folder (which
	// its server allowed) fails an update that does not allow it again.
	w.Header().Set("Service-Worker-Allowed", "/")
	_, _ = io.WriteString(w, workerKiller) // the client may be gone; nothing to do
}

// everyResponse wraps every route: each answer says nosniff, so a browser
// never runs a JSON body or an asset as something its content type is not,
// and no-store, so neither the UI nor the API's answers are kept on disk;
// a request for a service worker script gets the worker that removes
// itself, whatever its path; and a path that is not valid UTF-8 (an
// overlong encoding, a stray byte) is refused with 400 before any route
// sees it, where the static UI's file system would call it an internal
// error.
func everyResponse(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Cache-Control", "no-store")
		if r.Header.Get("Service-Worker") == "script" {
			serveWorkerKiller(w)
			return
		}
		if !utf8.ValidString(r.URL.Path) {
			writeError(w, http.StatusBadRequest, "path is not valid UTF-8")
			return
		}
		h.ServeHTTP(w, r)
	})
}

// noDirListing serves files only: a directory without an index.html does not
// exist, so http.FileServer never lists one (the UI's assets, say).
type noDirListing struct{ fs.FS }

func (n noDirListing) Open(name string) (fs.File, error) {
	f, err := n.FS.Open(name)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err == nil && fi.IsDir() {
		var idx fs.FileInfo
		if idx, err = fs.Stat(n.FS, path.Join(name, "index.html")); err == nil && idx.IsDir() {
			err = fs.ErrNotExist
		}
	}
	if err != nil {
		_ = f.Close() // read-only: nothing to lose
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return f, nil
}
