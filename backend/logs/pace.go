package logs

import "time"

// ReadBufferSize is the read buffer of the connections that carry log
// streams (docker.WithReadBuffer): room for what piles up in readPause
// during a flood of 50,000 lines a second, with margin.
const ReadBufferSize = 64 << 10

// A follow's reads during a flood. When a read comes within floodGap of
// the one before and holds less than fullRead bytes (lines keep coming and
// the follow keeps up), the follow waits readPause before the next read,
// so that the lines pile up for one system call and one wakeup instead of
// several. A line after a quiet spell is read, and sent, at once; one
// during a flood waits at most readPause more.
//
// The wait is only worth it where lines do pile up: uselessWaits waits in
// a row after which a read held less than pileMin bytes (a slower stream,
// or a connection that gives one TLS record or one pipe write a read, as
// tcp:// and ssh:// engines may) turn the waits off until the flood ends,
// so such a stream is never slowed to a read per readPause. A read of fullRead or more
// means the follow is behind: it reads again at once.
const (
	floodGap     = 10 * time.Millisecond
	readPause    = 2 * time.Millisecond
	pileMin      = 4 << 10
	uselessWaits = 4
	fullRead     = ReadBufferSize / 2
)

// pacer decides, read by read, whether a follow waits before its next one.
type pacer struct {
	now    func() time.Time
	sleep  func(time.Duration)
	last   time.Time // when the last read returned
	flood  bool      // the next read waits
	waited bool      // the last read came after a wait
	little int       // waits in a row after which little had piled up
	off    bool      // no more waits until the flood ends
}

func newPacer() *pacer { return &pacer{now: time.Now, sleep: time.Sleep} }

// read records a read that returned n bytes.
func (p *pacer) read(n int) {
	t := p.now()
	gap := p.last.IsZero() || t.Sub(p.last) >= floodGap
	switch {
	case gap:
		p.off, p.little = false, 0
	case p.waited && n < pileMin:
		p.little++
		p.off = p.little >= uselessWaits
	case p.waited:
		p.little = 0
	}
	p.waited = false
	p.flood = !gap && !p.off && n > 0 && n < fullRead
	p.last = t
}

// wait waits before a read, during a flood.
func (p *pacer) wait() {
	if p.flood {
		p.sleep(readPause)
		p.waited = true
	}
}
