package model

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// encodedLen is the length of v's JSON, as encoding/json writes it.
func encodedLen(t testing.TB, v any) int {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return len(b)
}

func TestCut(t *testing.T) {
	marker := func(n int) string { return fmt.Sprintf("… [cut: %d bytes in all]", n) }
	m200 := marker(200)    // 26 bytes of JSON: "…" is 3 bytes
	room := 64 - len(m200) // what is left of a 64-byte limit
	euro := "€"            // 3 bytes
	long := strings.Repeat("a", 200)
	tests := []struct {
		name, in string
		limit    int
		want     string
	}{
		{"empty", "", 64, ""},
		{"short", "nginx:1.27", 64, "nginx:1.27"},
		{"exactly the limit", strings.Repeat("a", 64), 64, strings.Repeat("a", 64)},
		{"one byte over", strings.Repeat("a", 65), 64, strings.Repeat("a", 64-len(marker(65))) + marker(65)},
		{"long ASCII", long, 64, long[:room] + m200},
		{
			// room is 38: twelve euros take 36, the thirteenth would end at 39.
			"cut between characters, never inside one",
			strings.Repeat(euro, 200/3) + "ab", 64, strings.Repeat(euro, room/3) + m200,
		},
		{
			// a 4-byte character that would straddle the limit is left out whole
			"four-byte character at the edge",
			strings.Repeat("a", room-2) + "😀" + strings.Repeat("a", 200-room-2), 64, strings.Repeat("a", room-2) + m200,
		},
		{
			// each < is \u003c, 6 bytes of JSON: 6 fit in 38
			"HTML characters count as escaped",
			strings.Repeat("<", 200), 64, strings.Repeat("<", room/6) + m200,
		},
		{
			// \n is 2 bytes of JSON, \x01 is 6: four pairs and a \n fit in 38
			"escapes and controls",
			strings.Repeat("\n\x01", 100), 64, strings.Repeat("\n\x01", room/8) + "\n" + m200,
		},
		{
			// an invalid byte is written as \ufffd (6 bytes) and kept as it is
			"invalid UTF-8 counts as escaped",
			strings.Repeat("\xff", 200), 64, strings.Repeat("\xff", room/6) + m200,
		},
		{"short but escaped over the limit", strings.Repeat("&", 11), 64, strings.Repeat("&", (64-len(marker(11)))/6) + marker(11)},
		{"ten escapes fit", strings.Repeat("&", 10), 64, strings.Repeat("&", 10)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Cut(tt.in, tt.limit)
			if got != tt.want {
				t.Fatalf("Cut(%q, %d)\n = %q\nwant %q", tt.in, tt.limit, got, tt.want)
			}
			if n := encodedLen(t, got) - 2; n > tt.limit {
				t.Errorf("result encodes to %d bytes, over %d", n, tt.limit)
			}
		})
	}
}

// FuzzCut checks Cut against encoding/json itself: the cost model is the
// encoder's, a cut value encodes within the limit, starts with the
// original, never ends inside a character, and carries the marker.
func FuzzCut(f *testing.F) {
	f.Add("hello", 64)
	f.Add(strings.Repeat("€<\xff\u2028\n\"", 40), 100)
	f.Add(strings.Repeat("😀", 100), 128)
	f.Fuzz(func(t *testing.T, s string, limit int) {
		limit = 64 + abs(limit)%2048
		if got, want := jsonLen(s), encodedLen(t, s)-2; got != want {
			t.Fatalf("jsonLen(%q) = %d, encoding/json writes %d", s, got, want)
		}
		got := Cut(s, limit)
		if n := encodedLen(t, got) - 2; n > limit {
			t.Fatalf("Cut(%q, %d) encodes to %d bytes", s, limit, n)
		}
		if jsonLen(s) <= limit {
			if got != s {
				t.Fatalf("Cut(%q, %d) = %q, want it whole", s, limit, got)
			}
			return
		}
		kept, ok := strings.CutSuffix(got, fmt.Sprintf("… [cut: %d bytes in all]", len(s)))
		if !ok || !strings.HasPrefix(s, kept) {
			t.Fatalf("Cut(%q, %d) = %q: not a beginning of it and the marker", s, limit, got)
		}
		if rest := s[len(kept):]; !utf8.ValidString(kept) && utf8.ValidString(s) || utf8.ValidString(s) && !utf8.RuneStart(rest[0]) {
			t.Fatalf("Cut(%q, %d) ends inside a character", s, limit)
		}
	})
}

func abs(n int) int {
	if n < 0 {
		return -(n + 1)
	}
	return n
}

// composeContainer is an ordinary container of a compose project, as the
// engine describes it: normal data, which must stay whole.
func composeContainer() Container {
	return Container{
		Engine: "local", ID: strings.Repeat("3f", 32), Name: "shop-web-1",
		Image: "registry.example.com/shop/web:2024.11.3@sha256:" + strings.Repeat("ab", 32), ImageID: "sha256:" + strings.Repeat("cd", 32),
		Command: "/docker-entrypoint.sh sh -c '" + strings.Repeat("exec nginx -g \"daemon off;\" && ", 60) + "'",
		State:   StateRunning, Health: "healthy", RestartPolicy: "unless-stopped",
		Error: "OCI runtime exec failed: exec failed: unable to start container process: exec: \"curl\": executable file not found in $PATH: unknown",
		Ports: []Port{{IP: "0.0.0.0", PrivatePort: 80, PublicPort: 8080, Protocol: "tcp"}, {IP: "::", PrivatePort: 80, PublicPort: 8080, Protocol: "tcp"}},
		Mounts: []Mount{
			{Type: "bind", Source: "/home/someone/projects/shop/nginx/conf.d", Destination: "/etc/nginx/conf.d", ReadOnly: true},
			{Type: "volume", Name: strings.Repeat("9e", 32), Source: "/var/lib/docker/volumes/" + strings.Repeat("9e", 32) + "/_data", Destination: "/var/cache/nginx"},
		},
		Labels: map[string]string{
			"com.docker.compose.config-hash":                      strings.Repeat("5a", 32),
			"com.docker.compose.container-number":                 "1",
			"com.docker.compose.depends_on":                       "db:service_healthy:false,cache:service_started:false",
			"com.docker.compose.image":                            "sha256:" + strings.Repeat("cd", 32),
			"com.docker.compose.oneoff":                           "False",
			"com.docker.compose.project":                          "shop",
			"com.docker.compose.project.config_files":             "/home/someone/projects/shop/compose.yaml,/home/someone/projects/shop/compose.override.yaml",
			"com.docker.compose.project.working_dir":              "/home/someone/projects/shop",
			"com.docker.compose.service":                          "web",
			"com.docker.compose.version":                          "2.29.7",
			"maintainer":                                          "NGINX Docker Maintainers <docker-maint@nginx.com>",
			"org.opencontainers.image.description":                strings.Repeat("A web server for the shop, with its static assets and configuration. ", 20),
			"org.opencontainers.image.source":                     "https://github.com/example/shop",
			"traefik.http.routers.shop.rule":                      "Host(`shop.example.com`) && PathPrefix(`/api`, `/static`)",
			"traefik.http.services.shop.loadbalancer.server.port": "80",
		},
	}
}

func TestNormalDataStaysWhole(t *testing.T) {
	c := composeContainer()
	if got := c.Bound(); !reflect.DeepEqual(got, c) {
		t.Errorf("an ordinary container was changed:\n got %+v\nwant %+v", got, c)
	}
	attrs := maps.Clone(c.Labels)
	attrs["name"], attrs["image"], attrs["exitCode"] = c.Name, c.Image, "137"
	ev := Event{Engine: "local", Type: "container", Action: "die", ActorID: c.ID, Name: c.Name, Attributes: attrs}
	if got := ev.Bound(); !reflect.DeepEqual(got, ev) {
		t.Errorf("an ordinary event was changed:\n got %+v\nwant %+v", got, ev)
	}
	info := EngineInfo{
		EngineStatus: EngineStatus{Engine: "local", Status: EngineDown, Reason: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?"},
		Host:         "unix:///var/run/docker.sock", Name: "build-host-07.example.com", Version: "28.5.2", APIVersion: "1.51",
		OS: "Ubuntu 24.04.1 LTS", Arch: "x86_64", KernelVersion: "5.15.167.4-microsoft-standard-WSL2", CgroupVersion: "2",
	}
	if got := info.Bound(); got != info {
		t.Errorf("ordinary engine facts were changed:\n got %+v\nwant %+v", got, info)
	}
}

func TestBoundMapKeepsWhatTheUIReads(t *testing.T) {
	m := map[string]string{"name": "web", "exitCode": "137", "com.docker.compose.project": "shop", "com.docker.compose.service": "web"}
	for i := range 1000 {
		m[fmt.Sprintf("a%04d", i)] = "x"
	}
	got := boundMap(m)
	if len(got) != MaxEntries {
		t.Fatalf("%d entries, want %d", len(got), MaxEntries)
	}
	for k, v := range map[string]string{"name": "web", "exitCode": "137", "com.docker.compose.project": "shop", "com.docker.compose.service": "web", "a0000": "x", "a0250": "x"} {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if got["a0251"] != "" {
		t.Errorf("a0251 kept: beyond the first %d of equal size in key order", MaxEntries-1)
	}
	if want := fmt.Sprintf("[cut: %d more entries]", len(m)-(MaxEntries-1)); got[mapMarkerKey] != want {
		t.Errorf("marker %q, want %q", got[mapMarkerKey], want)
	}
}

func TestBoundMapBytes(t *testing.T) {
	huge := strings.Repeat("<", 512<<10)
	tests := []struct {
		name      string
		in        map[string]string
		wantMore  int // entries the marker counts; 0 for no marker
		wantWhole []string
	}{
		{"one huge value", map[string]string{"name": "web", "big": huge}, 0, []string{"name"}},
		{"many large values", func() map[string]string {
			m := map[string]string{"exitCode": "1"}
			for i := range 40 {
				m[fmt.Sprintf("k%02d", i)] = strings.Repeat("v", 2000+i)
			}
			return m
		}(), 41 - 1 - 16, []string{"exitCode", "k00", "k15"}},
		{"huge keys", map[string]string{huge + "1": "a", huge + "2": "b", "image": "busybox"}, 0, []string{"image"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := boundMap(tt.in)
			if n := encodedLen(t, got); n > MaxListBytes {
				t.Errorf("encodes to %d bytes, over %d", n, MaxListBytes)
			}
			if len(got) > MaxEntries {
				t.Errorf("%d entries", len(got))
			}
			for _, k := range tt.wantWhole {
				if got[k] != tt.in[k] {
					t.Errorf("%s = %q, want %q", k, got[k], tt.in[k])
				}
			}
			marker, cut := got[mapMarkerKey]
			switch {
			case tt.wantMore == 0 && cut:
				t.Errorf("marker %q, want none", marker)
			case tt.wantMore > 0 && marker != fmt.Sprintf("[cut: %d more entries]", tt.wantMore):
				t.Errorf("marker %q, want %d more entries", marker, tt.wantMore)
			}
			for k, v := range got {
				if len(k) > MaxText || len(v) > MaxLong {
					t.Errorf("entry of %d+%d bytes kept", len(k), len(v))
				}
			}
		})
	}
}

func TestBoundListKeepsTheFirst(t *testing.T) {
	ports := make([]Port, 2*65535)
	for i := range ports {
		ports[i] = Port{PrivatePort: uint16(i/2 + 1), Protocol: []string{"tcp", "udp"}[i%2]}
	}
	got := Container{Ports: ports}.Bound().Ports
	if n := encodedLen(t, got); n > MaxListBytes || len(got) > MaxEntries {
		t.Fatalf("%d ports in %d bytes", len(got), n)
	}
	kept := len(got) - 1
	if !reflect.DeepEqual(got[:kept], ports[:kept]) {
		t.Errorf("the first ports were not kept as they were")
	}
	if want := (Port{Protocol: fmt.Sprintf("… [cut: %d more entries]", len(ports)-kept)}); got[kept] != want {
		t.Errorf("last port %+v, want the marker %+v", got[kept], want)
	}

	path := strings.Repeat("/deep", 2000)
	mounts := make([]Mount, 10)
	for i := range mounts {
		mounts[i] = Mount{Type: "bind", Source: path, Destination: fmt.Sprintf("/m%d", i)}
	}
	gotMounts := Container{Mounts: mounts}.Bound().Mounts
	if n := encodedLen(t, gotMounts); n > MaxListBytes {
		t.Fatalf("mounts encode to %d bytes", n)
	}
	last := gotMounts[len(gotMounts)-1]
	if want := fmt.Sprintf("[cut: %d more entries]", len(mounts)-len(gotMounts)+1); last.Source != "…" || last.Destination != want {
		t.Errorf("last mount %+v, want the marker %q", last, want)
	}
	if first := gotMounts[0]; first.Destination != "/m0" || !strings.HasSuffix(first.Source, fmt.Sprintf("… [cut: %d bytes in all]", len(path))) {
		t.Errorf("first mount %+v, want its source cut", first)
	}

	for _, list := range [][]Port{nil, {}} {
		if got := (Container{Ports: list}).Bound().Ports; (got == nil) != (list == nil) || len(got) != 0 {
			t.Errorf("ports %#v became %#v", list, got)
		}
	}
}

// TestEntryCostsCoverTheirJSON checks that the list costs are never below
// an entry's JSON and its comma, whatever its strings.
func TestEntryCostsCoverTheirJSON(t *testing.T) {
	for _, s := range []string{"", "tcp", strings.Repeat("<\u2028\xff\x01é", 100), strings.Repeat("\"", 300)} {
		p := Port{IP: s, PrivatePort: 65535, PublicPort: 65535, Protocol: s}
		if c, n := p.jsonCost(), encodedLen(t, p)+1; c < n {
			t.Errorf("port of %q: cost %d, JSON %d", s, c, n)
		}
		m := Mount{Type: s, Name: s, Source: s, Destination: s, ReadOnly: true}
		if c, n := m.jsonCost(), encodedLen(t, m)+1; c < n {
			t.Errorf("mount of %q: cost %d, JSON %d", s, c, n)
		}
	}
}
