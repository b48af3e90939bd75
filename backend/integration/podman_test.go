package integration

import (
	"testing"

	"github.com/dockpulse/dockpulse/backend/enginetest"
)

// TestPodmanLifecycleDeltas is TestLifecycleDeltas against Podman's
// Docker-compatible API (podman system service on a socket of its own).
// Podman sends no stop event: a stop ends with die (then its own cleanup,
// which Dockpulse ignores), and the end of a container is "remove".
func TestPodmanLifecycleDeltas(t *testing.T) { lifecycleDeltas(t, enginetest.RequirePodman(t), "die") }

// TestPodmanStatsFlow is TestStatsFlowWhileRunningOnly against Podman,
// whose stats answer has no memory counters and one "network" entry
// (docs/engines.md).
func TestPodmanStatsFlow(t *testing.T) { statsFlow(t, enginetest.RequirePodman(t)) }
