package logs

import (
	"bytes"
	"encoding/binary"
	"testing"
	"unicode/utf8"
)

// recordSink keeps every frame's stream and payload as demux hands it on.
type recordSink struct {
	frames []recordedFrame
}

type recordedFrame struct {
	stream  int
	payload []byte
}

func (s *recordSink) payload(stream int, p []byte, start bool) {
	if start || len(s.frames) == 0 {
		s.frames = append(s.frames, recordedFrame{stream: stream})
	}
	f := &s.frames[len(s.frames)-1]
	f.payload = append(f.payload, p...)
}

// referenceFrames parses a whole multiplexed stream the simple way; ok is
// false where demux must fail (a bad header, the engine's error frame).
func referenceFrames(b []byte) (fs []recordedFrame, truncated, ok bool) {
	for len(b) > 0 {
		if len(b) < frameHeader {
			return fs, true, true
		}
		if b[0] > frameSystem || b[1] != 0 || b[2] != 0 || b[3] != 0 {
			return fs, false, false
		}
		n := binary.BigEndian.Uint32(b[4:8])
		stream := int(b[0])
		if stream == frameStdin {
			stream = frameStdout
		}
		rest := b[frameHeader:]
		if uint64(len(rest)) < uint64(n) {
			if stream != frameSystem && len(rest) > 0 {
				fs = append(fs, recordedFrame{stream, bytes.Clone(rest)})
			}
			return fs, true, true
		}
		if stream == frameSystem {
			return fs, false, false
		}
		if n > 0 {
			fs = append(fs, recordedFrame{stream, bytes.Clone(rest[:n])})
		}
		b = rest[n:]
	}
	return fs, false, true
}

// FuzzDemux feeds the frame parser arbitrary streams in arbitrary pieces:
// it never panics, hands on exactly the frames a whole-buffer parse finds,
// fails exactly where that does, and the lines made of them are valid
// UTF-8 within the bounds.
func FuzzDemux(f *testing.F) {
	f.Add(frames(frame(1, t1+" a\n"), frame(2, t2+" err\n")), uint8(3))
	f.Add(frames(frame(1, t1+" long"), frame(1, t1+" er\r\n"), frame(1, "")), uint8(1))
	f.Add(frames(frame(3, "engine error")), uint8(0))
	f.Add([]byte{1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 'x'}, uint8(7))
	f.Add(frames(frame(1, "not a stamp\n\xff\n")), uint8(2))
	f.Fuzz(func(t *testing.T, b []byte, piece uint8) {
		want, truncated, ok := referenceFrames(b)
		var d demux
		var sink recordSink
		var err error
		size := int(piece%16) + 1
		for rest := b; len(rest) > 0 && err == nil; {
			n := min(size, len(rest))
			err = d.feed(rest[:n], &sink)
			rest = rest[n:]
			size = size*3%17 + 1
		}
		if !ok {
			if err == nil {
				t.Fatalf("no error on a stream the reference refuses")
			}
			return
		}
		if err != nil {
			t.Fatalf("error on a stream the reference accepts: %v", err)
		}
		if endErr := d.end(); (endErr != nil) != truncated {
			t.Fatalf("end: %v, want truncated %v", endErr, truncated)
		}
		if len(sink.frames) != len(want) {
			t.Fatalf("%d frames, want %d", len(sink.frames), len(want))
		}
		for i := range want {
			if sink.frames[i].stream != want[i].stream || !bytes.Equal(sink.frames[i].payload, want[i].payload) {
				t.Fatalf("frame %d differs", i)
			}
		}
		for _, tty := range []bool{false, true} {
			p := newParser("e", "c", tty, func(l Line) {
				if !utf8.ValidString(l.Text) || len(l.Text) > 3*MaxLineBytes || l.Cut < 0 {
					t.Fatalf("bad line %+v", l)
				}
				if _, ok := normTime([]byte(l.Time)); !ok || len(l.Time) != len(timeLayout) {
					t.Fatalf("bad time %q", l.Time)
				}
			})
			if p.feed(b) == nil {
				p.flush()
			}
		}
	})
}
