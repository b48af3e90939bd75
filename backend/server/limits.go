package server

import (
	"net/http"
	"time"
)

// maxHeavy caps the polling API's JSON answers in progress at once. Each
// holds an encoded copy of what it sends (a snapshot can be megabytes) until
// the client has read it, so without a cap a thousand parallel requests hold
// a thousand copies; past it a request is answered 503 with Retry-After at
// once, and the client polls again, as the UI's polling source does.
const maxHeavy = 8

// retryAfter is the Retry-After of a request refused for the cap, in seconds.
const retryAfter = "1"

// heavySlot takes one of the maxHeavy slots for a JSON answer. When every
// slot is taken it answers 503 itself and returns false; otherwise the
// caller answers, within writeDeadline, and then calls release.
func (s *Server) heavySlot(w http.ResponseWriter) (release func(), ok bool) {
	select {
	case s.heavy <- struct{}{}:
		return func() { <-s.heavy }, true
	default:
		w.Header().Set("Retry-After", retryAfter)
		writeError(w, http.StatusServiceUnavailable, "busy: too many answers in progress, retry shortly")
		return nil, false
	}
}

// writeDeadline gives the answer about to be written WriteTimeout from now
// to reach the client, so a client that never reads holds its slot, and the
// copy of what it was sent, no longer than that; past it the connection is
// closed.
func (s *Server) writeDeadline(w http.ResponseWriter) {
	// An error means a writer without deadlines (a test's recorder): it
	// cannot be held up by a client.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(s.cfg.WriteTimeout))
}
