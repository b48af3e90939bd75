package model

// Inspect is the full inspect of one container, as the detail panel shows
// it: what the container was started with and how its last runs went, and
// the engine's own answer. It is fetched on demand (GET
// /api/engines/{engine}/containers/{id}/inspect or the bound method), never
// streamed. Times are Unix milliseconds, zero meaning "never"; durations
// are milliseconds. A field left out means the engine's default, or no
// limit, as its comment says: never a zero that would read as a value.
//
// Env holds the environment's values: they often hold secrets, so the UI
// shows them only when asked, and the backend never logs them.
type Inspect struct {
	Engine string `json:"engine"`
	ID     string `json:"id"`
	Name   string `json:"name"`
	Image  string `json:"image"`

	State        string `json:"state"`
	Created      int64  `json:"created"`
	StartedAt    int64  `json:"startedAt"`
	FinishedAt   int64  `json:"finishedAt"`
	ExitCode     int    `json:"exitCode"`
	OOMKilled    bool   `json:"oomKilled"`
	Error        string `json:"error,omitempty"` // the engine's own words on why it failed
	RestartCount int    `json:"restartCount"`
	// RestartPolicy is the policy's name: no, always, unless-stopped,
	// on-failure.
	RestartPolicy string `json:"restartPolicy"`
	// RestartRetries is on-failure's maximum; left out when unbounded.
	RestartRetries int `json:"restartRetries,omitempty"`
	// StopSignal is the signal a stop sends first; left out, SIGTERM.
	StopSignal string `json:"stopSignal,omitempty"`
	// StopTimeout is how long, in seconds, a stop waits before SIGKILL;
	// left out, the engine's default (10 s).
	StopTimeout *int `json:"stopTimeout,omitempty"`

	Env []EnvVar `json:"env"`
	// NetworkMode is the engine's network mode: bridge, host, none, a
	// network's name, container:ID.
	NetworkMode string        `json:"networkMode"`
	Networks    []NetworkLink `json:"networks"`
	Limits      Limits        `json:"limits"`
	// Healthcheck is left out when the container has none (or has it
	// disabled).
	Healthcheck *Healthcheck `json:"healthcheck,omitempty"`

	// Raw is the engine's inspect answer, the JSON text as it was sent, cut
	// (and then no longer valid JSON) past MaxRawInspect.
	Raw string `json:"raw"`
}

// EnvVar is one environment variable as the container was created with it.
type EnvVar struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// NetworkLink is the container's endpoint on one network.
type NetworkLink struct {
	Name        string   `json:"name"`
	NetworkID   string   `json:"networkId"`
	IPAddress   string   `json:"ipAddress,omitempty"`
	PrefixLen   int      `json:"prefixLen,omitempty"`
	Gateway     string   `json:"gateway,omitempty"`
	IPv6Address string   `json:"ipv6Address,omitempty"`
	IPv6Gateway string   `json:"ipv6Gateway,omitempty"`
	MacAddress  string   `json:"macAddress,omitempty"`
	Aliases     []string `json:"aliases"`
}

// Limits are the container's resource limits. Each field is left out when
// the container has no such limit (or the engine's default applies), so
// that no limit is never read as a limit of zero.
type Limits struct {
	// NanoCPUs is --cpus in billionths of a CPU (0.5 CPU: 500000000).
	NanoCPUs int64 `json:"nanoCpus,omitempty"`
	// CPUQuota is the CPU time, in µs, the container may use per CPUPeriod.
	CPUQuota int64 `json:"cpuQuota,omitempty"`
	// CPUPeriod is the quota's period in µs; left out, the kernel's 100000.
	CPUPeriod int64 `json:"cpuPeriod,omitempty"`
	// CpusetCPUs and CpusetMems are the CPUs and memory nodes it may use
	// (for example "0-1"); left out, all of them.
	CpusetCPUs string `json:"cpusetCpus,omitempty"`
	CpusetMems string `json:"cpusetMems,omitempty"`
	// CPUShares is its relative CPU weight; left out, the default 1024.
	CPUShares int64 `json:"cpuShares,omitempty"`
	// Memory is the memory limit in bytes.
	Memory int64 `json:"memory,omitempty"`
	// MemoryReservation is the soft limit in bytes.
	MemoryReservation int64 `json:"memoryReservation,omitempty"`
	// MemorySwap is memory plus swap in bytes, or -1 for unlimited swap.
	MemorySwap int64 `json:"memorySwap,omitempty"`
	// PidsLimit is the most processes it may have.
	PidsLimit int64 `json:"pidsLimit,omitempty"`
}

// Healthcheck is the container's health check and its latest results.
type Healthcheck struct {
	// Test is the check as configured: ["CMD-SHELL", "curl -f …"] or
	// ["CMD", "prog", "arg"].
	Test []string `json:"test"`
	// IntervalMs, TimeoutMs, StartPeriodMs and StartIntervalMs are left out
	// at the engine's defaults (30 s, 30 s, 0, 5 s); Retries at its 3.
	IntervalMs      int64 `json:"intervalMs,omitempty"`
	TimeoutMs       int64 `json:"timeoutMs,omitempty"`
	StartPeriodMs   int64 `json:"startPeriodMs,omitempty"`
	StartIntervalMs int64 `json:"startIntervalMs,omitempty"`
	Retries         int   `json:"retries,omitempty"`
	// Status is starting, healthy or unhealthy; left out before the
	// container first ran.
	Status        string `json:"status,omitempty"`
	FailingStreak int    `json:"failingStreak"`
	// Log is the engine's latest results (it keeps five), oldest first.
	Log []HealthResult `json:"log"`
}

// HealthResult is one run of the health check.
type HealthResult struct {
	Start    int64  `json:"start"`
	End      int64  `json:"end"`
	ExitCode int    `json:"exitCode"`
	Output   string `json:"output"` // the engine keeps its first 4 KiB
}
