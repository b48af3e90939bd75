package logs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
)

// parser turns one container's log stream, read with timestamps, into
// lines: multiplexed frames for a non-TTY container, raw bytes for a TTY
// one (all stdout).
type parser struct {
	tty    bool
	d      demux
	stdout *assembler
	stderr *assembler
	out    func(Line)
}

func newParser(engine, id string, tty bool, out func(Line)) *parser {
	return &parser{
		tty:    tty,
		stdout: newAssembler(engine, id, Stdout, tty),
		stderr: newAssembler(engine, id, Stderr, tty),
		out:    out,
	}
}

// payload is a frame's bytes (frameSink).
func (p *parser) payload(stream int, b []byte, start bool) {
	a := p.stdout
	if stream == frameStderr {
		a = p.stderr
	}
	if start {
		a.startMessage()
	}
	a.write(b, p.out)
}

// feed parses the next bytes read.
func (p *parser) feed(b []byte) error {
	if p.tty {
		p.stdout.write(b, p.out)
		return nil
	}
	return p.d.feed(b, p)
}

// end checks that the stream ended where it may (between frames).
func (p *parser) end() error {
	if p.tty {
		return nil
	}
	return p.d.end()
}

// flush hands on the lines without a newline, as Partial, in time order.
func (p *parser) flush() {
	as := []*assembler{p.stdout, p.stderr}
	if p.stderr.pending() && p.stdout.pending() && bytes.Compare(p.stderr.time[:], p.stdout.time[:]) < 0 {
		as[0], as[1] = as[1], as[0]
	}
	for _, a := range as {
		a.flush(p.out)
	}
}

// readBuf is the size of one read of a log stream: what one fill of the
// connection's buffer can hold (ReadBufferSize).
const readBuf = ReadBufferSize

// errStop, returned by a read's out, ends the read early without error.
var errStop = errors.New("enough lines read")

// readLines parses body to its end, calling out with each line (and, at
// the end, the lines without a newline when flush is set). out may return
// errStop to end the read early. The error is the stream's (io.EOF is
// none).
func readLines(body io.Reader, p *parser, flush bool, out func(Line) error) error {
	var outErr error
	p.out = func(l Line) {
		if outErr == nil {
			outErr = out(l)
		}
	}
	buf := make([]byte, readBuf)
	for {
		n, err := body.Read(buf)
		if n > 0 {
			if perr := p.feed(buf[:n]); perr != nil {
				return perr
			}
			if outErr != nil {
				return stopped(outErr)
			}
		}
		if errors.Is(err, io.EOF) {
			if perr := p.end(); perr != nil {
				return perr
			}
			if flush {
				p.flush()
			}
			return stopped(outErr)
		}
		if err != nil {
			return fmt.Errorf("read log stream: %w", err)
		}
	}
}

func stopped(err error) error {
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}

// sortLines orders lines by time, keeping the order of those of one time.
func sortLines(lines []Line) {
	slices.SortStableFunc(lines, func(a, b Line) int {
		switch {
		case a.Time < b.Time:
			return -1
		case a.Time > b.Time:
			return 1
		}
		return 0
	})
}
