package logs

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// The engine's multiplexed stream (a non-TTY container's logs, attach):
// frames of an 8-byte header, [stream, 0, 0, 0, size as uint32 big-endian],
// then size bytes of payload. Docker writes each log message as one frame,
// so a frame's start is where a message (and its timestamp) starts.
const frameHeader = 8

// Stream bytes of a frame header.
const (
	frameStdin  = 0 // never in logs; read as stdout, as the engine's stdcopy does
	frameStdout = 1
	frameStderr = 2
	frameSystem = 3 // the engine's own error, ending the stream
)

// maxSystemError bounds the engine error message kept from a system frame.
const maxSystemError = 4 << 10

// frameSink receives a demultiplexed stream's payload bytes as they
// arrive, start set on a frame's first bytes.
type frameSink interface {
	payload(stream int, p []byte, start bool)
}

// errTruncated is a stream that ended inside a frame.
var errTruncated = errors.New("log stream ended inside a frame")

// demux parses the multiplexed stream as it is read, in pieces of any size.
// It hands each payload on in the pieces it arrives in and buffers nothing
// but a header, so a frame of any size costs no memory.
type demux struct {
	hdr    [frameHeader]byte
	nhdr   int    // header bytes read of the current frame
	left   uint32 // payload bytes still to come of the current frame
	stream int
	start  bool   // the next payload bytes are the frame's first
	system []byte // a system frame's message, up to maxSystemError
}

// feed parses p. A header that names no stream, or the engine's own error
// frame, is an error and the stream is unusable after it.
func (d *demux) feed(p []byte, sink frameSink) error {
	for len(p) > 0 {
		if d.left == 0 && d.nhdr < frameHeader {
			n := copy(d.hdr[d.nhdr:], p)
			d.nhdr += n
			p = p[n:]
			if d.nhdr < frameHeader {
				return nil
			}
			if err := d.header(); err != nil {
				return err
			}
			continue
		}
		n := len(p)
		if uint64(n) > uint64(d.left) {
			n = int(d.left)
		}
		chunk := p[:n]
		p = p[n:]
		d.left -= uint32(n)
		if d.stream == frameSystem {
			room := maxSystemError - len(d.system)
			d.system = append(d.system, chunk[:min(room, len(chunk))]...)
		} else {
			sink.payload(d.stream, chunk, d.start)
			d.start = false
		}
		if d.left == 0 {
			if err := d.frameDone(); err != nil {
				return err
			}
		}
	}
	return nil
}

// header reads a complete header; a frame of no payload ends at once.
func (d *demux) header() error {
	stream := int(d.hdr[0])
	if stream > frameSystem || d.hdr[1] != 0 || d.hdr[2] != 0 || d.hdr[3] != 0 {
		return fmt.Errorf("log stream: bad frame header % x", d.hdr)
	}
	if stream == frameStdin {
		stream = frameStdout
	}
	d.stream, d.left, d.start = stream, binary.BigEndian.Uint32(d.hdr[4:]), true
	if d.left == 0 {
		return d.frameDone()
	}
	return nil
}

// frameDone ends the current frame; the next bytes are a header.
func (d *demux) frameDone() error {
	d.nhdr = 0
	if d.stream == frameSystem {
		return fmt.Errorf("engine error in the log stream: %q", d.system)
	}
	return nil
}

// end checks that the stream ended between frames.
func (d *demux) end() error {
	if d.nhdr > 0 || d.left > 0 {
		return errTruncated
	}
	return nil
}
