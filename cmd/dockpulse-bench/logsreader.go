package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/dockpulse/dockpulse/backend/protocol"
	"github.com/dockpulse/dockpulse/backend/protocol/protocoltest"
)

// The flood's /ws/logs client runs in a child process of the benchmark
// (this binary again, told so by logsReaderEnv), so that reading 30,000
// lines a second competes with the state stream's client only as `docker
// logs -f` does, for the machine's cores, and not for the measuring
// process's threads, heap and collector. It counts the lines of each
// logs.lines message without decoding them: in the JSON the server writes
// (one array per field), the lines are the numbers of `"container":[…]`,
// and the times the strings of `"time":[…]`, whose keys cannot appear inside
// a string, where a quote is escaped. It checks every message's seq and
// decodes the rare others (skip notices, states) in full.
const (
	logsReaderEnv      = "DOCKPULSE_BENCH_LOGS_READER" // the socket's URL, without the token
	logsReaderTokenEnv = "DOCKPULSE_BENCH_LOGS_TOKEN"  // not on the command line, which any user can read
	logsReaderEvery    = 50 * time.Millisecond         // how often the child reports its counts
)

// logsReaderCounts is what the child reports, as one line of text: lines
// received, lines skipped (told), and the first and last line's time.
type logsReaderCounts struct {
	lines, skipped int
	first, last    string
}

func (c logsReaderCounts) String() string {
	return fmt.Sprintf("%d %d %s %s", c.lines, c.skipped, cmp.Or(c.first, "-"), cmp.Or(c.last, "-"))
}

func parseCounts(s string) (logsReaderCounts, error) {
	f := strings.Fields(s)
	if len(f) != 4 {
		return logsReaderCounts{}, fmt.Errorf("logs reader report %q", s)
	}
	var c logsReaderCounts
	var err1, err2 error
	c.lines, err1 = strconv.Atoi(f[0])
	c.skipped, err2 = strconv.Atoi(f[1])
	if err := errors.Join(err1, err2); err != nil {
		return c, fmt.Errorf("logs reader report %q: %w", s, err)
	}
	if f[2] != "-" {
		c.first = f[2]
	}
	if f[3] != "-" {
		c.last = f[3]
	}
	return c, nil
}

// runLogsReader is the child: it reads the socket named by logsReaderEnv
// until it ends, reporting its counts on stdout every logsReaderEvery and
// at the end, and an error as a last line "error: ...". It returns the
// exit code.
func runLogsReader(u string) int {
	out := bufio.NewWriter(os.Stdout)
	var mu sync.Mutex
	var c logsReaderCounts
	report := func(extra string) {
		mu.Lock()
		line := c.String()
		mu.Unlock()
		fmt.Fprintln(out, line)
		if extra != "" {
			fmt.Fprintln(out, extra)
		}
		_ = out.Flush() // the parent is gone if this fails: nothing to tell
	}
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(logsReaderEvery)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				report("")
			}
		}
	}()
	err := readLogsCounting(u, os.Getenv(logsReaderTokenEnv), func(update func(*logsReaderCounts)) {
		mu.Lock()
		update(&c)
		mu.Unlock()
	})
	close(done)
	if err != nil {
		report("error: " + strings.ReplaceAll(err.Error(), "\n", " "))
		return 1
	}
	report("")
	return 0
}

// readLogsCounting dials the logs socket and counts what it reads until
// the socket ends (nil when the server closed it normally).
func readLogsCounting(u, token string, update func(func(*logsReaderCounts))) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	conn, _, err := protocoltest.DialConn(ctx, u, token, nil)
	cancel()
	if err != nil {
		return fmt.Errorf("open /ws/logs: %w", err)
	}
	defer conn.CloseNow()
	var buf bytes.Buffer
	for seq := uint64(1); ; seq++ {
		typ, r, err := conn.Reader(context.Background())
		if err != nil {
			if websocket.CloseStatus(err) == websocket.StatusNormalClosure {
				return nil
			}
			return fmt.Errorf("read message %d: %w", seq, err)
		}
		if typ != websocket.MessageText {
			return fmt.Errorf("message %d: type %v, want text", seq, typ)
		}
		buf.Reset()
		if _, err := buf.ReadFrom(r); err != nil {
			return fmt.Errorf("read message %d: %w", seq, err)
		}
		if err := countMessage(buf.Bytes(), seq, update); err != nil {
			return fmt.Errorf("message %d: %w", seq, err)
		}
	}
}

var (
	linesPrefix = []byte(`{"v":` + strconv.Itoa(protocol.Version) + `,"type":"` + protocol.TypeLogsLines + `","seq":`)
	containerKey = []byte(`"container":[`)
	timeKey      = []byte(`"time":["`)
	timeEnd      = []byte(`"],"stream":[`)
)

// countMessage counts one message, which must carry seq.
func countMessage(m []byte, seq uint64, update func(func(*logsReaderCounts))) error {
	if rest, ok := bytes.CutPrefix(m, linesPrefix); ok {
		digits := strconv.AppendUint(nil, seq, 10)
		if !bytes.HasPrefix(rest, append(digits, ',')) {
			return fmt.Errorf("logs.lines out of sequence, want seq %d: %.80s", seq, m)
		}
		n := countLines(rest)
		first, last := times(rest)
		if n == 0 || first == "" || last == "" {
			return fmt.Errorf("logs.lines without lines: %.80s", m)
		}
		update(func(c *logsReaderCounts) {
			c.lines += n
			if c.first == "" {
				c.first = first
			}
			c.last = last
		})
		return nil
	}
	var env protocol.Envelope
	if err := json.Unmarshal(m, &env); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	if env.Seq != seq {
		return fmt.Errorf("%s with seq %d, want %d", env.Type, env.Seq, seq)
	}
	switch env.Type {
	case protocol.TypeLogsHello, protocol.TypeLogsState:
	case protocol.TypeLogsSkipped:
		var s protocol.LogsSkipped
		if err := json.Unmarshal(env.Data, &s); err != nil {
			return fmt.Errorf("logs.skipped: %w", err)
		}
		update(func(c *logsReaderCounts) { c.skipped += s.Count })
	default:
		return fmt.Errorf("message type %q on a logs socket", env.Type)
	}
	return nil
}

// countLines is the number of elements of the message's container array.
func countLines(m []byte) int {
	i := bytes.Index(m, containerKey)
	if i < 0 {
		return 0
	}
	v := m[i+len(containerKey):]
	end := bytes.IndexByte(v, ']')
	if end <= 0 {
		return 0
	}
	return bytes.Count(v[:end], []byte{','}) + 1
}

// times are the first and the last element of the message's time array (a
// line's time has no escapes).
func times(m []byte) (first, last string) {
	i := bytes.Index(m, timeKey)
	if i < 0 {
		return "", ""
	}
	v := m[i+len(timeKey):]
	end := bytes.Index(v, timeEnd)
	if end < 0 {
		return "", ""
	}
	v = v[:end]
	if j := bytes.IndexByte(v, '"'); j >= 0 {
		first = string(v[:j])
	} else {
		first = string(v)
	}
	return first, string(v[bytes.LastIndexByte(v, '"')+1:])
}

// logsReader is the parent's handle on the child.
type logsReader struct {
	cmd  *exec.Cmd
	done chan struct{}

	mu   sync.Mutex
	last logsReaderCounts
	err  error
}

// startLogsReader runs the child on the logs socket at u (protocoltest's
// LogsURL, without the token). Its counts are those of its last report
// (every logsReaderEvery), its error the one it reported.
func startLogsReader(u, token string) (*logsReader, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("the logs reader runs this benchmark again: %w", err)
	}
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), logsReaderEnv+"="+u, logsReaderTokenEnv+"="+token)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the logs reader: %w", err)
	}
	r := &logsReader{cmd: cmd, done: make(chan struct{})}
	go r.read(out)
	return r, nil
}

func (r *logsReader) read(out io.Reader) {
	defer close(r.done)
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		line := sc.Text()
		r.mu.Lock()
		if msg, ok := strings.CutPrefix(line, "error: "); ok {
			r.err = errors.New(msg)
		} else if c, err := parseCounts(line); err != nil {
			r.err = err
		} else {
			r.last = c
		}
		r.mu.Unlock()
	}
	_, _ = io.Copy(io.Discard, out)
}

func (r *logsReader) pid() int { return r.cmd.Process.Pid }

// counts are the child's last report.
func (r *logsReader) counts() logsReaderCounts {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last
}

// Err is the child's error, if it reported one.
func (r *logsReader) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// Close ends the child.
func (r *logsReader) Close() {
	_ = r.cmd.Process.Kill()
	<-r.done
	_ = r.cmd.Wait()
}
