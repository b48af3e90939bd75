package server

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"go.uber.org/zap"
)

// NewToken returns a fresh random token of 256 bits, URL-safe.
func NewToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// guard decides who may talk to the server. A request must pass, in order:
// the Host check (defeats DNS rebinding: a foreign site's name resolving to
// 127.0.0.1 still carries its own name in Host), the Origin check (defeats
// pages the user happens to open: their Origin is not on the list), and the
// token (defeats other local processes and users).
type guard struct {
	token      string
	origins    map[string]bool // exact scheme://host[:port], lower case
	sameOrigin bool            // allow an Origin equal to the request's own host (serve mode)
	anyHost    bool            // the user bound a non-loopback address on purpose
}

func newGuard(token string, origins []string, sameOrigin, anyHost bool) *guard {
	g := &guard{token: token, origins: map[string]bool{}, sameOrigin: sameOrigin, anyHost: anyHost}
	for _, o := range origins {
		g.origins[strings.ToLower(strings.TrimRight(o, "/"))] = true
	}
	return g
}

// rejection is a refused request: an HTTP status and a message for the client.
type rejection struct {
	status int
	msg    string
}

func (r *rejection) Error() string { return r.msg }

// check returns nil when the request may proceed.
func (g *guard) check(r *http.Request) *rejection {
	if rej := g.checkPlace(r); rej != nil {
		return rej
	}
	if !g.tokenOK(r) {
		return &rejection{http.StatusUnauthorized, "missing or wrong token"}
	}
	return nil
}

// checkPlace is check without the token: the Host and the Origin, for the
// routes that hand out or prove the token.
func (g *guard) checkPlace(r *http.Request) *rejection {
	if !g.anyHost && !loopbackHost(r.Host) {
		return &rejection{http.StatusForbidden, "host not allowed: Dockpulse answers only on loopback"}
	}
	if origin := r.Header.Get("Origin"); origin != "" && !g.originAllowed(origin, r.Host) {
		return &rejection{http.StatusForbidden, "origin not allowed"}
	}
	return nil
}

func (g *guard) originAllowed(origin, host string) bool {
	o := strings.ToLower(origin)
	if g.origins[o] {
		return true
	}
	if !g.sameOrigin {
		return false
	}
	u, err := url.Parse(o)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Path != "" {
		return false
	}
	return u.Host == strings.ToLower(host)
}

// tokenOK accepts the token as the `token` query parameter or as
// `Authorization: Bearer TOKEN`, compared in constant time.
func (g *guard) tokenOK(r *http.Request) bool {
	got := r.URL.Query().Get("token")
	if h := r.Header.Get("Authorization"); got == "" && h != "" {
		if rest, ok := strings.CutPrefix(h, "Bearer "); ok {
			got = strings.TrimSpace(rest)
		}
	}
	if got == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(g.token)) == 1
}

// maxLoggedValue caps each client-chosen value a refusal log line repeats,
// so that a client cannot fill the log with a megabyte Host header.
const maxLoggedValue = 200

// redact makes a client-chosen value safe to log: the token, should the
// client have put it there (in the path, the Host, the Origin), is replaced,
// and the value is cut to maxLoggedValue bytes.
func (g *guard) redact(s string) string {
	if g.token != "" {
		s = strings.ReplaceAll(s, g.token, "[token]")
	}
	if len(s) > maxLoggedValue {
		s = s[:maxLoggedValue] + "…"
	}
	return s
}

// refusalFields are the log fields of a refused request: the route (or the
// path when no route matched), the peer, the Origin and Host, and the
// reason. The query is never logged (it may hold a token, right or wrong),
// and the token is redacted from everything else.
func (g *guard) refusalFields(r *http.Request, rej *rejection) []zap.Field {
	route := r.Pattern
	if route == "" {
		route = r.URL.Path
	}
	return []zap.Field{
		zap.String("route", g.redact(route)),
		zap.String("path", g.redact(r.URL.Path)),
		zap.String("remote", r.RemoteAddr),
		zap.String("origin", g.redact(r.Header.Get("Origin"))),
		zap.String("host", g.redact(r.Host)),
		zap.String("reason", rej.msg),
	}
}

// loopbackHost reports whether a Host header names this machine's loopback:
// "localhost", a loopback IPv4 address or a bracketed loopback IPv6
// address, with or without a port. Anything that is not exactly one of
// these forms ("[localhost", "localhost]", an unbracketed IPv6 address, a
// port that is not a number) is refused rather than read generously.
func loopbackHost(hostport string) bool {
	host, _, bracketed, ok := splitHost(hostport)
	return ok && loopbackName(host, bracketed)
}

// IsLoopbackAddr reports whether a listen address is loopback only.
// An empty host ("", ":8080") means all interfaces and is not.
func IsLoopbackAddr(addr string) bool {
	host, port, bracketed, ok := splitHost(addr)
	return ok && port != "" && loopbackName(host, bracketed)
}

// splitHost splits "host", "host:port", "[ipv6]" or "[ipv6]:port" into its
// host (brackets removed) and port; ok is false for any other shape. Unlike
// net.SplitHostPort it takes a missing port, and it refuses a stray bracket
// or a non-numeric port instead of passing them on.
func splitHost(s string) (host, port string, bracketed, ok bool) {
	rest := s
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", "", false, false
		}
		host, rest, bracketed = s[1:end], s[end+1:], true
	} else if i := strings.LastIndexByte(s, ':'); i >= 0 {
		host, rest = s[:i], s[i:]
	} else {
		host, rest = s, ""
	}
	if rest != "" {
		port, ok = strings.CutPrefix(rest, ":")
		if !ok || !allDigits(port) {
			return "", "", false, false
		}
	}
	if strings.ContainsAny(host, "[]") {
		return "", "", false, false
	}
	return host, port, bracketed, true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// loopbackName reports whether a host, split by splitHost, is loopback. An
// IPv6 address counts only in brackets, a name or IPv4 address only without.
func loopbackName(host string, bracketed bool) bool {
	isV6 := strings.Contains(host, ":")
	if bracketed != isV6 {
		return false
	}
	if !bracketed && strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
