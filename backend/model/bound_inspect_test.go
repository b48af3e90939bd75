package model_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/dockpulse/dockpulse/backend/model"
)

// TestInspectBound: a normal inspect stays whole; an oversized raw answer
// keeps its beginning and says how large it was.
func TestInspectBound(t *testing.T) {
	timeout := 3
	normal := model.Inspect{
		Engine: "local", ID: strings.Repeat("a", 64), Name: "web", Image: "nginx:1.27", State: "running",
		RestartPolicy: "always", StopSignal: "SIGINT", StopTimeout: &timeout, NetworkMode: "shop_default",
		Env:      []model.EnvVar{{Name: "PATH", Value: "/usr/bin:/bin"}, {Name: "SECRET", Value: "x"}},
		Networks: []model.NetworkLink{{Name: "shop_default", NetworkID: strings.Repeat("b", 64), IPAddress: "172.18.0.2", Aliases: []string{"web"}}},
		Limits:   model.Limits{NanoCPUs: 5e8, Memory: 256 << 20, CpusetCPUs: "0-3"},
		Healthcheck: &model.Healthcheck{Test: []string{"CMD-SHELL", "curl -f http://localhost/"},
			Log: []model.HealthResult{{Start: 1, End: 2, Output: "ok\n"}}},
		Raw: `{"Id":"aaaa"}`,
	}
	if got := normal.Bound(); !reflect.DeepEqual(got, normal) {
		t.Errorf("a normal inspect changed:\n got %+v\nwant %+v", got, normal)
	}
	big := normal
	big.Raw = `{"Config":{"Env":["` + strings.Repeat("x", 1<<20) + `"]}}`
	got := big.Bound().Raw
	if len(got) > model.MaxRawInspect || !strings.HasPrefix(got, `{"Config":{"Env":["xxx`) || !strings.HasSuffix(got, "[cut: 1048599 bytes in all]") {
		t.Errorf("an oversized raw answer: %d bytes, ends %q", len(got), got[max(0, len(got)-40):])
	}
}
