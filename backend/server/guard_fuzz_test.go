package server

import (
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// FuzzGuard throws arbitrary Host, Origin, Authorization and query values at
// the guard, in both modes. It must never panic, and whatever it lets
// through must have the exact token in one of its two places, a loopback
// Host, and no Origin or an allowed one.
func FuzzGuard(f *testing.F) {
	const tok = "Zq3s9hXw1nB2vC4xD5yE6zF7aG8bH9iJ0kL1mN2oP3q"
	for _, s := range [][4]string{
		{"127.0.0.1:5000", "", "", "token=" + tok},
		{"localhost:5000", "wails://wails", "Bearer " + tok, ""},
		{"[::1]:5000", "http://127.0.0.1:5000", "", "token=" + tok},
		{"evil.example:5000", "http://evil.example:5000", "", "token=" + tok},
		{"127.0.0.1:5000", "null", "Bearer " + tok, ""},
		{"127.0.0.1.evil.example", "", "", "token=" + tok},
		{"[::ffff:127.0.0.1]:80", "", "", "token=" + tok},
		{"127.1", "", "bearer " + tok, ""},
		{"0x7f.1:80", "HTTP://LOCALHOST:34115", "Bearer  " + tok + " ", "token=&token=" + tok},
		{"localhost.", "wails://wails/", "Basic " + tok, "token=" + tok + "%00"},
		{"", "", "", ""},
	} {
		f.Add(s[0], s[1], s[2], s[3])
	}
	desktop := newGuard(tok, WebviewOrigins, false, false)
	serve := newGuard(tok, WebviewOrigins, true, false)
	f.Fuzz(func(t *testing.T, host, origin, authz, query string) {
		r := httptest.NewRequest(http.MethodGet, "/ws", nil)
		r.URL.RawQuery = query
		r.Host = host
		if origin != "" {
			r.Header.Set("Origin", origin)
		}
		if authz != "" {
			r.Header.Set("Authorization", authz)
		}
		for _, g := range []*guard{desktop, serve} {
			rej := g.check(r)
			if rej != nil {
				if rej.status != http.StatusForbidden && rej.status != http.StatusUnauthorized {
					t.Fatalf("refusal status %d", rej.status)
				}
				fields := g.refusalFields(r, rej)
				for _, fl := range fields {
					if strings.Contains(fl.String, tok) {
						t.Fatalf("refusal field %s holds the token: %q", fl.Key, fl.String)
					}
				}
				continue
			}
			q, _ := url.ParseQuery(query)
			bearer, _ := strings.CutPrefix(authz, "Bearer ")
			if q.Get("token") != tok && !(q.Get("token") == "" && strings.TrimSpace(bearer) == tok) {
				t.Fatalf("allowed without the token: query %q, authorization %q", query, authz)
			}
			if !loopbackOracle(host) {
				t.Fatalf("allowed Host %q", host)
			}
			if origin != "" && !g.origins[strings.ToLower(origin)] && !(g.sameOrigin && strings.EqualFold(origin, "http://"+host) || g.sameOrigin && strings.EqualFold(origin, "https://"+host)) {
				t.Fatalf("allowed Origin %q for Host %q (same-origin mode %v)", origin, host, g.sameOrigin)
			}
		}
	})
}

// FuzzIsLoopbackAddr checks the listen-address test that keeps Dockpulse
// off the network: it must never call an address loopback that could be
// reached from elsewhere.
func FuzzIsLoopbackAddr(f *testing.F) {
	for _, s := range []string{"127.0.0.1:0", "localhost:80", "[::1]:1", ":8080", "0.0.0.0:80", "[::]:80", "127.0.0.1", "[::ffff:127.0.0.1]:80", "localhost.:80", "::1:80", "[fe80::1%lo]:80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, addr string) {
		if !IsLoopbackAddr(addr) {
			return
		}
		if _, port, err := net.SplitHostPort(addr); err != nil || port == "" || !loopbackOracle(addr) {
			t.Fatalf("%q called loopback", addr)
		}
	})
}

// loopbackOracle is the fuzz tests' own statement of a loopback Host,
// written apart from the code under test: localhost, a loopback IPv4
// address, or a loopback IPv6 address in brackets, each with an optional
// numeric port, and nothing else.
func loopbackOracle(host string) bool {
	m := loopbackForm.FindStringSubmatch(host)
	switch {
	case m == nil:
		return false
	case m[1] != "":
		return true
	case m[2] != "":
		ip := net.ParseIP(m[2])
		return ip != nil && ip.To4() != nil && ip.IsLoopback()
	default:
		ip := net.ParseIP(m[3])
		return ip != nil && ip.IsLoopback()
	}
}

var loopbackForm = regexp.MustCompile(`^(?:((?i)localhost)|([0-9.]+)|\[([0-9A-Fa-f:.]+)\])(?::[0-9]+)?$`)
