// Package nettest provides a TCP (or unix socket) proxy for tests that need
// to break a connection the way networks break: cleanly (both sides closed),
// abruptly (reset), or silently (bytes stop flowing but nothing is closed,
// as when a laptop sleeps or a NAT forgets the flow).
package nettest

import (
	"errors"
	"io"
	"net"
	"sync"
	"time"
)

// Proxy accepts connections on its own listener and forwards each to a
// target address. The zero value is not usable; call NewProxy.
type Proxy struct {
	ln      net.Listener
	network string
	target  string

	mu      sync.Mutex
	paused  bool
	resumed chan struct{} // closed when a pause ends
	links   map[*link]struct{}
	closed  bool

	wg sync.WaitGroup
}

type link struct {
	client, server net.Conn
}

// NewProxy listens on listenNetwork/listenAddr (e.g. "tcp", "127.0.0.1:0",
// or "unix", "/tmp/x.sock") and forwards every connection to
// targetNetwork/targetAddr.
func NewProxy(listenNetwork, listenAddr, targetNetwork, targetAddr string) (*Proxy, error) {
	ln, err := net.Listen(listenNetwork, listenAddr)
	if err != nil {
		return nil, err
	}
	p := &Proxy{ln: ln, network: targetNetwork, target: targetAddr, links: map[*link]struct{}{}, resumed: make(chan struct{})}
	close(p.resumed)
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr is the address clients dial.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Conns is the number of proxied connections that are open.
func (p *Proxy) Conns() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.links)
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.DialTimeout(p.network, p.target, 5*time.Second)
		if err != nil {
			_ = c.Close() // the target is gone: refuse as a dead server would
			continue
		}
		l := &link{client: c, server: s}
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			_ = c.Close()
			_ = s.Close()
			return
		}
		p.links[l] = struct{}{}
		p.mu.Unlock()
		p.wg.Add(2)
		go p.pipe(l, s, c)
		go p.pipe(l, c, s)
	}
}

// pipe copies src to dst, holding each chunk while the proxy is paused.
func (p *Proxy) pipe(l *link, dst, src net.Conn) {
	defer p.wg.Done()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.waitResumed()
			if _, werr := dst.Write(buf[:n]); werr != nil {
				err = werr
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				// Half-close, as TCP does: the other direction may go on.
				if cw, ok := dst.(interface{ CloseWrite() error }); ok {
					_ = cw.CloseWrite()
					return
				}
			}
			p.drop(l)
			return
		}
	}
}

func (p *Proxy) waitResumed() {
	p.mu.Lock()
	ch := p.resumed
	p.mu.Unlock()
	<-ch
}

func (p *Proxy) drop(l *link) {
	p.mu.Lock()
	delete(p.links, l)
	p.mu.Unlock()
	_ = l.client.Close()
	_ = l.server.Close()
}

// Pause stops forwarding in both directions without closing anything: each
// side's writes still succeed until the kernel buffers fill, and nothing
// arrives. This is a dead network path, as neither peer can tell it from a
// quiet one.
func (p *Proxy) Pause() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.paused {
		p.paused = true
		p.resumed = make(chan struct{})
	}
}

// Resume forwards again what was held and what follows.
func (p *Proxy) Resume() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.paused {
		p.paused = false
		close(p.resumed)
	}
}

// CutAll closes every proxied connection on both sides at once, as a
// crashed peer's kernel would. With reset set, the close is abortive (RST,
// SO_LINGER 0) rather than an orderly FIN.
func (p *Proxy) CutAll(reset bool) {
	p.mu.Lock()
	links := make([]*link, 0, len(p.links))
	for l := range p.links {
		links = append(links, l)
		delete(p.links, l)
	}
	p.mu.Unlock()
	for _, l := range links {
		if reset {
			for _, c := range []net.Conn{l.client, l.server} {
				if tc, ok := c.(*net.TCPConn); ok {
					_ = tc.SetLinger(0)
				}
			}
		}
		_ = l.client.Close()
		_ = l.server.Close()
	}
}

// Close stops listening, cuts every connection and waits for the proxy's
// goroutines.
func (p *Proxy) Close() error {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	err := p.ln.Close()
	p.Resume()
	p.CutAll(false)
	p.wg.Wait()
	return err
}
