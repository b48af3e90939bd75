package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/docker/docker/api/types/container"

	"github.com/dockpulse/dockpulse/backend/enginetest"
	"github.com/dockpulse/dockpulse/backend/protocol/protocoltest"
	"github.com/dockpulse/dockpulse/backend/service"
)

// The flood's container writes floodChunk lines of floodLineBytes bytes in
// one write, floodChunksPerSecond times a second: the rate asked for.
const (
	floodChunk     = 1000
	floodLineBytes = 100
)

// logsBench is section 10: logs through /ws/logs against `docker logs -f`
// on the same container, in the same run.
//
//   - latency: a container writes a numbered line every 20-60 ms; the time
//     from the engine's timestamp of each line to its arrival at a /ws/logs
//     client and at `docker logs -f --timestamps`, p50 and p99;
//   - a flood: a container writes logsRate lines a second for logsFlood;
//     the backend's CPU with one /ws/logs client reading it, against the
//     CPU of `docker logs -f >/dev/null` on the same stream at the same
//     time; the backend's RSS; and the state stream's event latency p99
//     (pause/unpause of another container, a /ws client) during the flood
//     against the same measurement without it.
func (b *bench) logsBench(ctx context.Context) error {
	docker, err := exec.LookPath("docker")
	if err != nil {
		return fmt.Errorf("the logs section compares with `docker logs -f`: %w", err)
	}
	if _, _, err := b.eng.ensureContainers(ctx, 1, 1); err != nil {
		return err
	}
	sleeper := b.eng.runningIDs(1)
	be, ws, err := b.oneClient(ctx, b.bin)
	if err != nil {
		return err
	}
	defer be.stop()
	defer ws.Close()
	if err := b.logsLatency(ctx, be, docker); err != nil {
		return err
	}
	return b.logsFlood(ctx, be, ws, docker, sleeper)
}

// runLogger starts a benchmark container running a shell script.
func (e *engine) runLogger(ctx context.Context, script string) (string, error) {
	resp, err := e.cli.ContainerCreate(ctx, &container.Config{
		Image:  enginetest.TestImage,
		Cmd:    []string{"sh", "-c", script},
		Labels: map[string]string{enginetest.TestLabel: "1", benchLabel: "1"},
	}, &container.HostConfig{NetworkMode: "none"}, nil, nil, "")
	if err != nil {
		return "", fmt.Errorf("create logging container: %w", err)
	}
	e.mu.Lock()
	e.created = append(e.created, resp.ID)
	e.mu.Unlock()
	if err := e.cli.ContainerStart(ctx, resp.ID, container.StartOptions{}); err != nil {
		return "", fmt.Errorf("start logging container: %w", err)
	}
	return resp.ID, nil
}

// openLogs opens a /ws/logs client of one container of the backend's
// engine from now on (tail=0).
func openLogs(ctx context.Context, be *backend, id string) (*protocoltest.LogsClient, error) {
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	u := protocoltest.LogsURL(be.wsURL(), service.EngineName, []string{id}, url.Values{"tail": {"0"}})
	c, _, err := protocoltest.DialLogs(dctx, u, be.token, nil)
	if err != nil {
		return nil, fmt.Errorf("open /ws/logs: %w", err)
	}
	return c, nil
}

// dockerLogs is `docker logs -f --tail 0` on one container: each line
// with the time it was read from the command's output, or only their count
// (discard, for the flood: the command's output is read and thrown away as
// `>/dev/null` would, the count aside).
type dockerLogs struct {
	cmd  *exec.Cmd
	done chan struct{}

	mu    sync.Mutex
	lines []dockerLine
	count int
}

type dockerLine struct {
	text string
	at   time.Time
}

func startDockerLogs(docker, host, id string, timestamps, discard bool) (*dockerLogs, error) {
	args := []string{"-H", host, "logs", "-f", "--tail", "0"}
	if timestamps {
		args = append(args, "--timestamps")
	}
	cmd := exec.Command(docker, append(args, id)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("docker logs -f: %w", err)
	}
	d := &dockerLogs{cmd: cmd, done: make(chan struct{})}
	go func() {
		defer close(d.done)
		r := bufio.NewReaderSize(out, 1<<20)
		for {
			line, err := r.ReadSlice('\n')
			at := time.Now()
			if len(line) > 0 && line[len(line)-1] == '\n' {
				d.mu.Lock()
				d.count++
				if !discard {
					d.lines = append(d.lines, dockerLine{text: string(line[:len(line)-1]), at: at})
				}
				d.mu.Unlock()
			}
			if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
				_, _ = io.Copy(io.Discard, out)
				return
			}
		}
	}()
	return d, nil
}

func (d *dockerLogs) pid() int { return d.cmd.Process.Pid }

func (d *dockerLogs) seen() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.count
}

func (d *dockerLogs) stop() {
	_ = d.cmd.Process.Kill()
	_ = d.cmd.Wait()
	<-d.done
}

// logsLatency measures the time from the engine's timestamp of a line to
// its arrival, at a /ws/logs client and at `docker logs -f`.
func (b *bench) logsLatency(ctx context.Context, be *backend, docker string) error {
	n := b.sz.logsLatencyLines
	// Numbered lines, 20-60 ms apart (busybox's $RANDOM).
	id, err := b.eng.runLogger(ctx, `sleep 1; i=0; while :; do echo "$i"; i=$((i+1)); sleep 0.0$((RANDOM % 5 + 2)); done`)
	if err != nil {
		return err
	}
	c, err := openLogs(ctx, be, id)
	if err != nil {
		return err
	}
	defer c.Close()
	d, err := startDockerLogs(docker, b.eng.host, id, true, false)
	if err != nil {
		return err
	}
	defer d.stop()
	// Both are reading once both have a line; the lines from there count.
	if !waitFor(30*time.Second, func() bool { return c.LineCount() > 0 && d.seen() > 0 }) {
		return fmt.Errorf("latency: no line reached /ws/logs (%d) or docker logs -f (%d) in 30 s", c.LineCount(), d.seen())
	}
	start := c.LineCount()
	if !waitFor(time.Duration(n)*200*time.Millisecond+30*time.Second, func() bool { return c.LineCount() >= start+n && d.seen() >= n }) {
		b.failf("logs latency: /ws/logs got %d of %d lines", c.LineCount()-start, n)
	}
	time.Sleep(500 * time.Millisecond) // docker logs -f's last ones

	// The engine's time of each numbered line, as /ws/logs gives it, is the
	// reference for both: `docker logs --timestamps` prints the same.
	engineTime := map[string]time.Time{}
	var ours []float64
	for _, it := range c.Items() {
		for _, l := range it.Lines {
			t, err := time.Parse(time.RFC3339Nano, l.Time)
			if err != nil {
				return fmt.Errorf("line time %q: %w", l.Time, err)
			}
			engineTime[l.Text] = t
			ours = append(ours, float64(it.At.Sub(t)))
		}
	}
	ours = ours[min(start, len(ours)):]
	var theirs []float64
	missing := 0
	d.mu.Lock()
	for _, l := range d.lines {
		ts, text, _ := strings.Cut(l.text, " ")
		t, err := time.Parse(time.RFC3339Nano, ts)
		if err != nil {
			d.mu.Unlock()
			return fmt.Errorf("docker logs --timestamps line %q: %w", l.text, err)
		}
		if et, ok := engineTime[text]; ok && !et.Equal(t) {
			b.failf("logs latency: line %q: /ws/logs says %s, docker logs %s", text, et.Format(time.RFC3339Nano), ts)
		}
		if _, ok := engineTime[text]; !ok {
			missing++
		}
		theirs = append(theirs, float64(l.at.Sub(t)))
	}
	d.mu.Unlock()
	if missing > 2 { // the first and last may fall outside the other's window
		b.failf("logs latency: %d lines docker logs -f printed never reached /ws/logs", missing)
	}

	t := b.table
	t.section(fmt.Sprintf("10. Logs: a line's latency, %d lines 20-60 ms apart; receive time − the engine's timestamp of the line, one /ws/logs client and `docker logs -f --timestamps` on the same container", len(ours)))
	for _, q := range []struct {
		name string
		q    float64
	}{{"p50", .5}, {"p99", .99}, {"max", 1}} {
		o, d := quantile(ours, q.q), quantile(theirs, q.q)
		target := ""
		if q.name == "p99" {
			target = verdict(o <= d+5e6, "≤ docker logs -f + 5 ms")
		}
		t.add("line latency "+q.name+": /ws/logs vs docker logs -f", ms(o), ms(d), signed(o-d), target)
	}
	return nil
}

// floodResult is one flood's figures.
type floodResult struct {
	total, received, skipped, printed int
	done                              bool // every line received or told skipped, and printed by docker logs
	window                            time.Duration
	rate                              float64 // lines a second, as the engine's timestamps say
	cpuOurs, cpuTheirs, cpuReader     float64 // the backend, docker logs -f, the /ws/logs client (a child process)
	cpuSecond                         float64 // the second docker logs -f (floodTwoDocker)
	rssMax                            int64
	direct, ws, over                  []float64 // the state stream's event latencies (latencies)
}

// floodScript is the flood container's script and how many lines it
// writes: chunks of floodChunk lines, in one write each, paced by sleep
// to the rate asked for.
func floodScript(sz sizes) (string, int) {
	chunks := int(sz.logsFlood.Seconds() * float64(sz.logsRate) / floodChunk)
	pause := float64(floodChunk) / float64(sz.logsRate)
	line := "flood " + strings.Repeat("x", floodLineBytes-len("flood "))
	return fmt.Sprintf(`c=$(yes %s | head -n %d); sleep 2; n=0; while [ $n -lt %d ]; do echo "$c"; n=$((n+1)); sleep %.3f; done; sleep 2147483647`,
		line, floodChunk, chunks, pause), chunks * floodChunk
}

// floodKind says who follows a flood besides `docker logs -f`.
type floodKind int

const (
	// floodBackend: a /ws/logs client of the backend.
	floodBackend floodKind = iota
	// floodDocker: nobody else.
	floodDocker
	// floodTwoDocker: a second `docker logs -f >/dev/null`, in the
	// backend's place: what any second follower costs the engine and the
	// machine.
	floodTwoDocker
)

func (k floodKind) String() string {
	return [...]string{"the backend", "nobody else", "a second docker logs -f"}[k]
}

// flood runs one flood container, `docker logs -f >/dev/null` on it and
// the second follower kind says: a /ws/logs client of the backend reading
// it (in a child process, logsreader.go: the figure is the backend's, not
// the measuring process's decoding), another `docker logs -f`, or none; it
// measures what following it costs, and the state stream's latency
// meanwhile (pause/unpause of sleeper, seen by ws and by direct).
func (b *bench) flood(ctx context.Context, be *backend, docker string, sleeper []string, ws *wsClient, direct *direct, kind floodKind) (floodResult, error) {
	sz := b.sz
	script, total := floodScript(sz)
	r := floodResult{total: total}
	id, err := b.eng.runLogger(ctx, script)
	if err != nil {
		return r, err
	}
	var c *logsReader
	if kind == floodBackend {
		u := protocoltest.LogsURL(be.wsURL(), service.EngineName, []string{id}, url.Values{"tail": {"0"}})
		if c, err = startLogsReader(u, be.token); err != nil {
			return r, err
		}
		defer c.Close()
	}
	d, err := startDockerLogs(docker, b.eng.host, id, false, true)
	if err != nil {
		return r, err
	}
	defer d.stop()
	var d2 *dockerLogs
	if kind == floodTwoDocker {
		if d2, err = startDockerLogs(docker, b.eng.host, id, false, true); err != nil {
			return r, err
		}
		defer d2.stop()
	}
	b.progress("logs flood: %d lines at %d a second, followed by docker logs -f and %v", r.total, sz.logsRate, kind)
	if !waitFor(30*time.Second, func() bool { return d.seen() > 0 && (c == nil || c.counts().lines > 0 || c.Err() != nil) }) {
		return r, errors.New("logs flood: no line reached the readers in 30 s")
	}
	if c != nil && c.Err() != nil {
		return r, fmt.Errorf("logs flood: /ws/logs client: %w", c.Err())
	}
	ours := startCPU(single(be.pid()))
	theirs := startCPU(single(d.pid()))
	var reader, second *cpuWindow
	if c != nil {
		reader = startCPU(single(c.pid()))
	}
	if d2 != nil {
		second = startCPU(single(d2.pid()))
	}
	t0 := time.Now()
	stopRSS := make(chan struct{})
	rssDone := make(chan struct{})
	go func() {
		defer close(rssDone)
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stopRSS:
				return
			case <-tick.C:
				if v, err := rssBytes(be.pid()); err == nil {
					r.rssMax = max(r.rssMax, v)
				}
			}
		}
	}()
	var changesErr error
	changes := make(chan struct{})
	go func() {
		defer close(changes)
		dir, ok, err := steadyChanges(ctx, b.eng, sleeper, direct, []*wsClient{ws}, sz.latencyChanges)
		if err != nil {
			changesErr = err
			return
		}
		if !ok {
			b.failf("logs flood: the /ws client missed events during the flood")
		}
		r.direct, r.ws, r.over = latencies(dir, []*wsClient{ws})
	}()
	accounted := func() int {
		if c == nil {
			return r.total
		}
		n := c.counts()
		return n.lines + n.skipped
	}
	r.done = waitFor(sz.logsFlood*4+time.Minute, func() bool {
		return accounted() >= r.total && d.seen() >= r.total && (d2 == nil || d2.seen() >= r.total)
	})
	r.window = time.Since(t0)
	r.cpuOurs, r.cpuTheirs = ours.percent(), theirs.percent()
	if reader != nil {
		r.cpuReader = reader.percent()
	}
	if second != nil {
		r.cpuSecond = second.percent()
	}
	close(stopRSS)
	<-rssDone
	<-changes
	if changesErr != nil {
		return r, changesErr
	}
	r.printed = d.seen()
	r.rate = float64(r.printed) / r.window.Seconds()
	if c == nil {
		return r, nil
	}
	counts := c.counts()
	r.received, r.skipped = counts.lines, counts.skipped
	if !r.done {
		b.failf("logs flood: of %d lines, /ws/logs accounted for %d and docker logs -f printed %d", r.total, accounted(), r.printed)
	}
	if accounted() > r.total {
		b.failf("logs flood: /ws/logs accounted for %d lines of %d written: duplicates", accounted(), r.total)
	}
	if err := c.Err(); err != nil {
		b.failf("logs flood: /ws/logs client: %v", err)
	}
	if t1, err1 := time.Parse(time.RFC3339Nano, counts.first); err1 == nil {
		if t2, err2 := time.Parse(time.RFC3339Nano, counts.last); err2 == nil && t2.After(t1) {
			r.rate = float64(r.received) / t2.Sub(t1).Seconds()
		}
	}
	return r, nil
}

// logsFlood measures a flood with the backend following it, and the state
// stream's latency without a flood and during a flood that only `docker
// logs -f` follows (the machine's and the engine's part of the effect).
func (b *bench) logsFlood(ctx context.Context, be *backend, ws *wsClient, docker string, sleeper []string) error {
	sz := b.sz
	direct := subscribeDirect(ctx, b.eng)
	defer direct.cancel()
	time.Sleep(500 * time.Millisecond)
	rssBefore, _ := rssBytes(be.pid())

	// The state stream without the flood.
	dir, ok, err := steadyChanges(ctx, b.eng, sleeper, direct, []*wsClient{ws}, sz.latencyChanges)
	if err != nil {
		return err
	}
	if !ok {
		b.failf("logs flood: the /ws client missed events without the flood")
	}
	quietDirect, quiet, quietOver := latencies(dir, []*wsClient{ws})
	f, err := b.flood(ctx, be, docker, sleeper, ws, direct, floodBackend)
	if err != nil {
		return err
	}
	g, err := b.flood(ctx, be, docker, sleeper, ws, direct, floodDocker)
	if err != nil {
		return err
	}
	h, err := b.flood(ctx, be, docker, sleeper, ws, direct, floodTwoDocker)
	if err != nil {
		return err
	}
	if err := ws.Err(); err != nil {
		b.failf("logs flood: /ws client: %v", err)
	}

	t := b.table
	t.section(fmt.Sprintf("10. Logs: a flood of %d lines of %d bytes, asked at %d a second (written at %.0f a second), %s; one /ws/logs client reading it, `docker logs -f >/dev/null` on the same stream at the same time, a /ws client of the state stream",
		f.total, floodLineBytes, sz.logsRate, f.rate, dur(f.window)))
	t.add("CPU (% of one core) following the flood: backend vs docker logs -f", pct(f.cpuOurs), pct(f.cpuTheirs), ratio(f.cpuOurs, f.cpuTheirs), "")
	t.add("CPU (% of one core) of the /ws/logs client, a child process that counts the lines", pct(f.cpuReader), "", "", "")
	t.add("backend RSS: peak during the flood vs before it", mib(float64(f.rssMax)), mib(float64(rssBefore)), "+"+mib(float64(f.rssMax-rssBefore)), verdict(f.rssMax-rssBefore <= 64<<20, "≤ +64 MiB (bounded queue)"))
	t.add("lines to /ws/logs: received, skipped (told)", fmt.Sprintf("%d, %d", f.received, f.skipped), fmt.Sprintf("%d printed", f.printed), "", verdict(f.done, "every line received or told skipped"))
	q50, f50 := quantile(quiet, .5), quantile(f.ws, .5)
	q99, f99 := quantile(quiet, .99), quantile(f.ws, .99)
	t.add(fmt.Sprintf("state stream event latency p50, %d changes: with the flood vs without", len(f.ws)), ms(f50), ms(q50), ratio(f50, q50), "")
	t.add(fmt.Sprintf("state stream event latency p99, %d changes: with the flood vs without", len(f.ws)), ms(f99), ms(q99), ratio(f99, q99), verdict(f99 <= 1.2*q99, "≤ 1.2×"))
	// The engine's own part: a direct /events subscriber sees the same
	// events late when the flood keeps the engine busy; what the backend
	// adds is the rest.
	d99, dq99 := quantile(f.direct, .99), quantile(quietDirect, .99)
	t.add("direct /events latency p99 (the engine's part): with the flood vs without", ms(d99), ms(dq99), ratio(d99, dq99), "")
	o99, oq99 := quantile(f.over, .99), quantile(quietOver, .99)
	t.add("state stream overhead over direct /events p99: with the flood vs without", ms(o99), ms(oq99), signed(o99-oq99), "")
	// The same flood that only docker logs -f follows: what the flood does
	// to the state stream on this machine without the backend reading it.
	g99, go99 := quantile(g.ws, .99), quantile(g.over, .99)
	t.add(fmt.Sprintf("state stream event latency p99: a flood (%.0f lines/s) only docker logs -f follows vs without (the machine's and the engine's part)", g.rate), ms(g99), ms(q99), ratio(g99, q99), "")
	t.add("state stream event latency p99: flood followed by the backend vs only by docker logs -f (the backend's part)", ms(f99), ms(g99), ratio(f99, g99), "")
	t.add("state stream overhead over direct /events p99: flood followed by the backend vs only by docker logs -f", ms(o99), ms(go99), signed(o99-go99), "")
	// The engine's part of that: with the backend following, the engine
	// serves two followers of the flood instead of one, and its own direct
	// /events subscriber shows how much later it is for that.
	gd99 := quantile(g.direct, .99)
	t.add("direct /events latency p99 (the engine's part): flood followed by the backend vs only by docker logs -f", ms(d99), ms(gd99), ratio(d99, gd99), "")
	// Any second follower costs the engine and the machine something: a
	// second docker logs -f in the backend's place measures that, so the
	// backend's own part is what it adds beyond it.
	h99, hd99, ho99 := quantile(h.ws, .99), quantile(h.direct, .99), quantile(h.over, .99)
	t.add("state stream event latency p99: flood followed by the backend vs by a second docker logs -f (the backend's part beyond any follower's)", ms(f99), ms(h99), ratio(f99, h99), "")
	t.add("direct /events latency p99: flood followed by the backend vs by a second docker logs -f", ms(d99), ms(hd99), ratio(d99, hd99), "")
	t.add("state stream overhead over direct /events p99: flood followed by the backend vs by a second docker logs -f", ms(o99), ms(ho99), signed(o99-ho99), "")
	t.add("CPU (% of one core) of the second follower: backend vs a second docker logs -f", pct(f.cpuOurs), pct(h.cpuSecond), ratio(f.cpuOurs, h.cpuSecond), "")
	return nil
}
