// Package model holds the domain types Dockpulse keeps about a Docker engine:
// containers, resource samples, engine facts and engine events. They are the
// shapes the WebSocket protocol, the polling fallback and the UI share, so
// their JSON names are part of the protocol (docs/protocol.md).
//
// Every container and sample is keyed by engine and ID, so that watching
// several engines at once needs no change to these types.
package model

// Key identifies a container across engines.
type Key struct {
	Engine string `json:"engine"`
	ID     string `json:"id"`
}

func (k Key) String() string { return k.Engine + "/" + k.ID }

// Container states as the engine reports them.
const (
	StateCreated    = "created"
	StateRunning    = "running"
	StatePaused     = "paused"
	StateRestarting = "restarting"
	StateRemoving   = "removing"
	StateExited     = "exited"
	StateDead       = "dead"
)

// Container is what Dockpulse knows about one container. All times are Unix
// milliseconds; zero means "never".
type Container struct {
	Engine        string            `json:"engine"`
	ID            string            `json:"id"`
	Name          string            `json:"name"`
	Image         string            `json:"image"`
	ImageID       string            `json:"imageId"`
	Command       string            `json:"command"`
	Created       int64             `json:"created"`
	State         string            `json:"state"`
	Health        string            `json:"health,omitempty"` // starting, healthy, unhealthy; empty without a healthcheck
	ExitCode      int               `json:"exitCode"`
	OOMKilled     bool              `json:"oomKilled"`
	Error         string            `json:"error,omitempty"`
	StartedAt     int64             `json:"startedAt"`
	FinishedAt    int64             `json:"finishedAt"`
	RestartCount  int               `json:"restartCount"`
	RestartPolicy string            `json:"restartPolicy,omitempty"`
	Ports         []Port            `json:"ports"`
	Mounts        []Mount           `json:"mounts"`
	Labels        map[string]string `json:"labels"`
	// ExitCause says how the last exit came about (ExitStopped, ExitKilled,
	// ExitOOM, ExitUnasked: exit.go); absent when unknown.
	ExitCause string `json:"exitCause,omitempty"`
	// StopTimeout is the grace period in seconds a stop gives it before the
	// engine sends SIGKILL, when its configuration sets one; absent means
	// the engine's default (10 s).
	StopTimeout *int `json:"stopTimeout,omitempty"`
}

// Sampled reports whether the container has figures worth sampling: a
// running one, and a paused one, whose processes are frozen but still hold
// their memory (`docker stats` lists it with 0 % CPU and its memory).
func (c Container) Sampled() bool { return c.State == StateRunning || c.State == StatePaused }

// Key returns the container's engine-wide identity.
func (c Container) Key() Key { return Key{Engine: c.Engine, ID: c.ID} }

// Running reports whether the container has processes the engine can sample
// (running and not paused).
func (c Container) Running() bool { return c.State == StateRunning }

// Port is one published or exposed port.
type Port struct {
	IP          string `json:"ip,omitempty"`
	PrivatePort uint16 `json:"privatePort"`
	PublicPort  uint16 `json:"publicPort,omitempty"`
	Protocol    string `json:"protocol"`
}

// Mount is one volume, bind or tmpfs mount.
type Mount struct {
	Type        string `json:"type"`
	Name        string `json:"name,omitempty"`
	Source      string `json:"source"`
	Destination string `json:"destination"`
	ReadOnly    bool   `json:"readOnly"`
}

// Stats is one resource sample of a running container, as `docker stats`
// computes it. Byte counters are cumulative since the container started;
// rates are the reader's business.
type Stats struct {
	Engine        string  `json:"engine"`
	ID            string  `json:"id"`
	Read          int64   `json:"read"` // Unix ms when the engine took the sample
	CPUPercent    float64 `json:"cpuPercent"`
	OnlineCPUs    int     `json:"onlineCpus"`
	MemoryUsage   uint64  `json:"memoryUsage"`
	MemoryLimit   uint64  `json:"memoryLimit"`
	MemoryPercent float64 `json:"memoryPercent"`
	NetworkRx     uint64  `json:"networkRx"`
	NetworkTx     uint64  `json:"networkTx"`
	BlockRead     uint64  `json:"blockRead"`
	BlockWrite    uint64  `json:"blockWrite"`
	Pids          uint64  `json:"pids"`
}

// Key returns the sampled container's identity.
func (s Stats) Key() Key { return Key{Engine: s.Engine, ID: s.ID} }

// Engine connection states.
const (
	EngineConnecting = "connecting"
	EngineUp         = "up"
	EngineDown       = "down"
)

// EngineStatus says whether Dockpulse currently has a live view of an engine.
// While it is not "up", container data is the last known picture, not live.
type EngineStatus struct {
	Engine string `json:"engine"`
	Status string `json:"status"`           // connecting, up, down
	Reason string `json:"reason,omitempty"` // why it is not up
	Since  int64  `json:"since"`            // Unix ms of the last change
}

// EngineInfo describes an engine and the host it runs on. The descriptive
// fields are those of the last successful connection.
type EngineInfo struct {
	EngineStatus
	Host          string `json:"host"` // the endpoint Dockpulse talks to, e.g. unix:///var/run/docker.sock
	Name          string `json:"name"`
	Version       string `json:"version"`
	APIVersion    string `json:"apiVersion"`
	OS            string `json:"os"`
	Arch          string `json:"arch"`
	KernelVersion string `json:"kernelVersion"`
	CPUs          int    `json:"cpus"`
	MemoryTotal   int64  `json:"memoryTotal"`
	Images        int    `json:"images"`
	CgroupVersion string `json:"cgroupVersion"`
	// StatsSource is where Dockpulse reads this engine's container stats:
	// "kernel" (the cgroup files, on the engine's own host) or "engine" (its
	// stats API). Empty before the first connection.
	StatsSource string `json:"statsSource,omitempty"`
	// EventsSince is how far back the engine's own event history went when
	// Dockpulse first read it (Unix ms, the engine's clock): the time of the
	// oldest past event it gave, or of the first connection if it gave none.
	// From then on the events list misses nothing the engine reported,
	// within the list's bounds. 0 until that first read is done.
	EventsSince int64 `json:"eventsSince,omitempty"`
}

// Event is one engine event worth showing: container lifecycle changes,
// health changes and image, network and volume events. Exec and attach noise
// never becomes an Event.
type Event struct {
	Engine     string            `json:"engine"`
	Type       string            `json:"type"`   // container, image, network, volume, daemon, ...
	Action     string            `json:"action"` // start, die, oom, health_status, ...
	ActorID    string            `json:"actorId"`
	Name       string            `json:"name,omitempty"` // the actor's name attribute, when it has one
	Attributes map[string]string `json:"attributes,omitempty"`
	TimeNano   int64             `json:"timeNano"` // the engine's own timestamp
	SentNano   int64             `json:"sentNano"` // when Dockpulse published it
	// Backfill marks an event that happened before Dockpulse's connection
	// to the engine began (read back from the engine's history at connect):
	// it is the past, and clients must not notify about it as news.
	Backfill bool `json:"backfill,omitempty"`
	// ExitCause, on a container's die event, says how the exit came about
	// (see Container.ExitCause), as Dockpulse derived it from the events
	// before it: a stop's die says killed, its stop event coming after it.
	// Absent on other events.
	ExitCause string `json:"exitCause,omitempty"`
}
