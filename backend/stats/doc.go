// Package stats turns the engine's per-container stats streams into
// model.Stats samples, computed exactly as `docker stats` computes them, and
// hands them to the store in batches.
//
// Each part has its file: stats.go is the maths (Compute), sample.go its
// input (Sample, neutral of any engine's wire format); collector.go the
// collector's state, its lock and its lifetime (Track, Sync, the flush loop,
// Run); follow.go the goroutine that follows one container's stream and
// reopens it with backoff; background.go the one-shot sampling of containers
// outside every view; view.go the client views that choose between the two;
// clock.go the timers, which tests replace; poll.go the sampling of every
// container by a Poller (the kernel source) from the flush goroutine, and
// the fall back to the engine; check.go the comparison of the two (Agree).
// The engine's wire format is the Docker adapter's: backend/docker decodes
// it into Samples.
//
// Compute is the pure maths. Collector owns the streams and follows these
// rules:
//
//   - One stream per running container, shared by every client: the collector
//     is the engine's only stats reader, so ten open windows cost one stream
//     per container, not ten.
//   - Track, Untrack, Sync and StopAll never block on the engine. They only
//     start or cancel goroutines, so the event loop that calls them stays
//     responsive while the engine is slow or gone.
//   - A stream goroutine computes each sample with Compute and keeps only the
//     latest one per container, marked dirty. Every Interval the flush loop
//     publishes the dirty samples, sorted by key, in a single PublishStats
//     call, and makes no call when nothing changed. A slow sink delays
//     flushes, never the readers: samples arriving meanwhile replace each
//     other.
//   - The engine keeps a stream open after its container stops and sends
//     placeholder samples with a zero read time; they measure nothing and are
//     skipped.
//   - Once a container is stopped or untracked, its pending sample is dropped
//     and nothing its old stream reads is stored again. A batch the flush loop
//     collected before the Untrack can still reach the sink just after it, so
//     the sink should ignore samples of containers it has already forgotten.
//   - The sink is never called with the collector's lock held, so it may call
//     back into the collector.
//   - A stream that fails or ends (io.EOF included: the container may have
//     restarted) while its container is still tracked as running is reopened
//     after a backoff that starts at RetryMin and doubles up to RetryMax; it
//     starts again from RetryMin once a stream has delivered a sample. Once the
//     container is no longer tracked, however its stream ends is expected and
//     not reported.
//   - Every stream has its own context, cancelled when its container stops.
//     Close is always called exactly once, and is also called at cancellation
//     so that a Next blocked on a quiet connection returns.
//   - By default every running container streams. Client views (OpenView,
//     View.Show) narrow the 1 Hz streams to the union of what the clients
//     show; every other running container then gets one one-shot sample
//     every Background (5 s), its first after a random part of the period so
//     that the requests spread out, with its CPU figure measured against its
//     previous one-shot sample. A container whose mode changes gets a new
//     goroutine, and the old one's samples are dropped like those of a
//     stopped stream. With no view open, or one that has not said what it
//     shows, everything streams. This needs a OneShotSource; with a plain
//     Source the views are ignored.
//   - With a Poller (Config.Poller), no stream goroutine runs: every Interval
//     the flush goroutine reads every running container through its Reader
//     (opened once per container start), then flushes. A reader's first
//     reading only sets the CPU baseline. Views change nothing. A container
//     that stops is dropped at once, as with streams, and its reader closed
//     at the next round. When the host's CPU time cannot be read, or one
//     container still tracked as running fails three rounds in a row, or a
//     comparison with the engine (Config.Check, Agree) disagrees, the
//     collector falls back to the engine's streams for good, with a warning
//     that says why, and tells Config.OnSource.
//   - Run owns the goroutines. Containers tracked before Run are remembered
//     and streamed once Run starts; Run returns only after every stream
//     goroutine has exited, and later calls start nothing.
package stats
