package protocol

import "github.com/dockpulse/dockpulse/backend/logs"

// The logs socket, GET /ws/logs, is a stream of its own beside /ws: a
// client opens one for the containers whose logs it shows (one, or every
// container of a compose project) and the server sends, in envelopes of this
// Version whose seq counts the socket's messages from 1, "logs.hello", then
// "logs.lines" batches, "logs.skipped" when the client fell behind and
// "logs.state" when a container's stream changes (docs/protocol.md, "Logs").
// The client sends nothing.

// LogsHello is the first message on a logs socket: the containers it
// follows, in the order the request named them.
type LogsHello struct {
	Containers []LogsContainer `json:"containers"`
	// MaxLineBytes is the longest line text sent whole (logs.MaxLineBytes);
	// a longer line is cut there and says how many bytes were cut.
	MaxLineBytes int `json:"maxLineBytes"`
}

// LogsContainer is one container a logs socket follows.
type LogsContainer struct {
	Engine string `json:"engine"`
	ID     string `json:"id"`
	Name   string `json:"name"`
	// TTY containers have one stream: all their lines are stdout.
	TTY bool `json:"tty"`
}

// LogsLines is a batch of lines, in time order (a batch holds at most
// MaxLogsBatchLines lines and about MaxLogsBatchBytes bytes).
type LogsLines struct {
	Lines []logs.Line `json:"lines"`
}

// A logs.lines batch holds at most this many lines, and stops before the
// line that would take its text past this many bytes (a first line longer
// than that goes alone).
const (
	MaxLogsBatchLines = logs.BatchLines
	MaxLogsBatchBytes = logs.BatchBytes
)

// LogsSkipped says that the client fell behind: Count lines of the
// container, with times From to To (inclusive, logs.Line times), were not
// sent. The engine still has them: the polling route gives them
// (since=From&until=To). It comes before the container's next lines.
type LogsSkipped struct {
	Engine string `json:"engine"`
	ID     string `json:"id"`
	Count  int    `json:"count"`
	From   string `json:"from"`
	To     string `json:"to"`
}

// The states of a followed container, as logs.state gives them.
const (
	// LogsFollowing: the engine stream is open (the container runs).
	LogsFollowing = "following"
	// LogsStopped: the container is not running, every line up to its exit
	// was sent, and the stream waits for it to start again.
	LogsStopped = "stopped"
	// LogsRemoved: the container is gone and its stream is over.
	LogsRemoved = "removed"
	// LogsInterrupted: the engine connection was lost; the stream resumes
	// by itself after the last line sent and says LogsFollowing again.
	LogsInterrupted = "interrupted"
)

// LogsState is a change of one followed container's stream.
type LogsState struct {
	Engine string `json:"engine"`
	ID     string `json:"id"`
	// State is LogsFollowing, LogsStopped, LogsRemoved or LogsInterrupted.
	State string `json:"state"`
	// Reason says why, in words (empty when there is nothing to add).
	Reason string `json:"reason"`
}
