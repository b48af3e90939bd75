package server

import (
	"io/fs"
	"net/http"
	"path"
	"unicode/utf8"
)

// everyResponse wraps every route: each answer says nosniff, so a browser
// never runs a JSON body or an asset as something its content type is not,
// and a path that is not valid UTF-8 (an overlong encoding, a stray byte)
// is refused with 400 before any route sees it; the static UI's file system
// would otherwise call it an internal error.
func everyResponse(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
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
