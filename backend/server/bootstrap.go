package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"time"
)

// A page served by `dockpulse serve` gets its credential in two steps, so
// that neither the address it was opened with nor a server that merely
// took over the port can give the lasting token away:
//
//   - The printed address carries a single-use code (?code=…), not the
//     token. The page trades it once, POST /api/session, for the token,
//     which it keeps in sessionStorage and never shows in an address. A
//     used code is worthless: the history, the disk cache or a saved
//     session that keeps the address keeps nothing that works. Each trade
//     makes a fresh code (Config.OnNewCode), so another tab can be opened.
//   - Before it sends the token anywhere, the page asks the server to prove
//     it knows it: GET /api/challenge?nonce=N, with N 32 random bytes from
//     the page, answers HMAC-SHA256(token, challengeLabel + N). A process
//     that took the port while Dockpulse was down cannot answer, and the
//     page then keeps its token to itself.
//
// Both routes need no token (Host and Origin are checked as everywhere),
// so they share one rate limit, and their refusals go to the refusal log.

// challengeLabel separates the challenge's MACs from any other use of the
// token as a key.
const challengeLabel = "dockpulse challenge v1\n"

// nonceLen is the length of a challenge nonce: 32 bytes, base64url without
// padding.
const nonceLen = 43

// maxSessionBody caps the body of POST /api/session: {"code":"…"} with a
// 43-byte code is 54 bytes.
const maxSessionBody = 256

// maxUsedCodes bounds the codes remembered as used (to tell "already used"
// from "unknown"); older ones are forgotten and then count as unknown.
const maxUsedCodes = 64

// ChallengeMAC is the server's answer to a challenge nonce: base64url
// (without padding) of HMAC-SHA256(token, challengeLabel + nonce).
func ChallengeMAC(token, nonce string) string {
	m := hmac.New(sha256.New, []byte(token))
	m.Write([]byte(challengeLabel + nonce))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// validNonce reports whether n is exactly 32 bytes in canonical base64url
// without padding.
func validNonce(n string) bool {
	if len(n) != nonceLen {
		return false
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(n)
	return err == nil && len(b) == 32
}

// sessionCodes hands out the single-use codes of one launch.
type sessionCodes struct {
	mu      sync.Mutex
	current string
	used    []string // the last maxUsedCodes codes traded, oldest first
}

func newSessionCodes() (*sessionCodes, error) {
	c, err := NewToken()
	if err != nil {
		return nil, err
	}
	return &sessionCodes{current: c}, nil
}

// code is the code not yet used.
func (s *sessionCodes) code() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.current
}

// trade uses code: on success it returns the next code (the old one is
// spent); otherwise a rejection that says whether the code was used before.
func (s *sessionCodes) trade(code string) (next string, rej *rejection) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if subtle.ConstantTimeCompare([]byte(code), []byte(s.current)) != 1 {
		for _, u := range s.used {
			if subtle.ConstantTimeCompare([]byte(code), []byte(u)) == 1 {
				return "", &rejection{http.StatusGone, "this link was already used"}
			}
		}
		return "", &rejection{http.StatusForbidden, "unknown code"}
	}
	fresh, err := NewToken()
	if err != nil {
		return "", &rejection{http.StatusInternalServerError, err.Error()}
	}
	s.used = append(s.used, s.current)
	if len(s.used) > maxUsedCodes {
		s.used = s.used[1:]
	}
	s.current = fresh
	return fresh, nil
}

// lockedLimiter is a rateLimiter shared by requests.
type lockedLimiter struct {
	mu sync.Mutex
	l  *rateLimiter
}

func (l *lockedLimiter) allow() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.l.allow()
}

// unauthenticated guards a route that needs no token: Host and Origin as
// always, a browser's request only from the page itself, then the shared
// rate limit. Refusals are logged by the refusal log.
func (s *Server) unauthenticated(h func(w http.ResponseWriter, r *http.Request) *rejection) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rej := s.guard.checkPlace(r)
		if rej == nil && !fromPageOrProgram(r) {
			rej = &rejection{http.StatusForbidden, "cross-site request refused"}
		}
		if rej == nil && !s.open.allow() {
			w.Header().Set("Retry-After", retryAfter)
			rej = &rejection{http.StatusTooManyRequests, "too many requests, retry shortly"}
		}
		if rej == nil {
			rej = h(w, r)
		}
		if rej != nil {
			s.refusals.refused(r, rej)
			writeError(w, rej.status, rej.msg)
		}
	})
}

// fromPageOrProgram tells a browser's request made by another site apart
// from the page's own and from a program's. A cross-site GET in no-cors mode
// carries no Origin, so checkPlace lets it through; without this, any web
// page the user has open could spend the shared rate limit and keep the real
// page from proving the server. Browsers send Sec-Fetch-Site to loopback
// (a potentially trustworthy origin); programs send none.
func fromPageOrProgram(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
		return true
	}
	return false
}

// serveChallenge answers GET /api/challenge?nonce=N with the MAC of N.
func (s *Server) serveChallenge(w http.ResponseWriter, r *http.Request) *rejection {
	q := r.URL.Query()
	nonces := q["nonce"]
	if len(q) != 1 || len(nonces) != 1 || !validNonce(nonces[0]) {
		return &rejection{http.StatusBadRequest, "want exactly one query parameter, nonce: 32 bytes in base64url without padding"}
	}
	writeJSON(w, map[string]string{"mac": ChallengeMAC(s.cfg.Token, nonces[0])})
	return nil
}

// serveSession answers POST /api/session {"code": C} with the token, once
// per code.
func (s *Server) serveSession(w http.ResponseWriter, r *http.Request) *rejection {
	var req struct {
		Code string `json:"code"`
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, maxSessionBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil || req.Code == "" || dec.More() {
		return &rejection{http.StatusBadRequest, `want a JSON body {"code": "…"}`}
	}
	next, rej := s.codes.trade(req.Code)
	if rej != nil {
		return rej
	}
	writeJSON(w, map[string]string{"token": s.cfg.Token})
	if s.cfg.OnNewCode != nil {
		s.cfg.OnNewCode(next)
	}
	return nil
}

// writeJSON answers 200 with a small JSON body.
func writeJSON(w http.ResponseWriter, v map[string]string) {
	body, _ := json.Marshal(v) // a map of strings always encodes
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(body) // the client may be gone; nothing to do
}

// openLimiter is the shared bucket of the routes that need no token.
func openLimiter() *lockedLimiter { return &lockedLimiter{l: newRateLimiter(time.Now)} }
