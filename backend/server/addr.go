package server

import (
	"net"
	"strings"
)

// pinLoopback returns the address to listen on for addr: the name
// "localhost" becomes 127.0.0.1, so it is never resolved. IsLoopbackAddr
// takes the name on trust, and an /etc/hosts (or resolver) that maps it
// elsewhere would otherwise have net.Listen expose the server there. Any
// other address is returned as it is.
func pinLoopback(addr string) string {
	host, port, bracketed, ok := splitHost(addr)
	if !ok || bracketed || !strings.EqualFold(host, "localhost") {
		return addr
	}
	return net.JoinHostPort("127.0.0.1", port)
}
