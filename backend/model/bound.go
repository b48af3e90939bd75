package model

import (
	"cmp"
	"fmt"
	"slices"
	"unicode/utf8"
)

// Limits on what Dockpulse keeps of engine-supplied data.
//
// The engine, and any image it runs, decides how long container names,
// commands, errors, labels and event attributes are (an event carries every
// label of its container). Dockpulse keeps each of them within a limit, so
// that the picture, every message about it and the snapshot have a known
// worst case (docs/security.md). Limits count bytes of the value's JSON
// encoding (encoding/json's, without the quotes), which is what is sent and
// never less than what is kept.
//
// The engine's name is Dockpulse's own, not the engine's, and is not cut;
// the worst cases count it as a word.
//
// A string over its limit keeps as much of its beginning as fits, cut on a
// character boundary, followed by a marker naming its full size:
//
//	sh -c 'while true; do … [cut: 524288 bytes in all]
//
// A map or list over its limits keeps some of its entries and gains one
// marker entry "[cut: 37 more entries]" (a map's under the key "…"). Maps
// keep the keys the UI reads first, then the smallest entries; lists keep
// their first entries. Normal data stays whole; the full value of anything
// cut is one `docker inspect` (or `docker events`) away.
const (
	// MaxWord bounds identifiers and the engine's vocabulary: IDs, states,
	// health, restart policies, port addresses and protocols, mount types,
	// event types and actions, engine versions.
	MaxWord = 128
	// MaxText bounds names: container and mount names, image references,
	// label and attribute keys, the engine's host name, OS and kernel.
	MaxText = 1 << 10
	// MaxLong bounds free text: commands, errors, label and attribute
	// values, mount paths, why an engine is down.
	MaxLong = 8 << 10
	// MaxEntries bounds the entries of one container's labels, ports or
	// mounts, or one event's attributes, the marker entry included.
	MaxEntries = 256
	// MaxListBytes bounds the JSON encoding of each of those, the marker
	// entry included.
	MaxListBytes = 32 << 10
)

// The worst cases the limits give, in bytes of JSON (docs/security.md).
// Each is the sum of its fields' limits plus a margin for field names,
// numbers and punctuation; TestWorstCases checks them against maximal values.
const (
	// MaxContainerJSON bounds one Container: labels, ports and mounts, two
	// long fields (command, error), two names (name, image) and six words.
	MaxContainerJSON = 3*MaxListBytes + 2*MaxLong + 2*MaxText + 6*MaxWord + 512
	// MaxEventJSON bounds one Event: attributes, its name and four words
	// (engine, type, action, actor ID).
	MaxEventJSON = MaxListBytes + MaxText + 4*MaxWord + 256
	// MaxEngineJSON bounds one EngineInfo: the reason, four names (host,
	// name, OS, kernel) and seven words.
	MaxEngineJSON = MaxLong + 4*MaxText + 7*MaxWord + 512
	// MaxStatsJSON bounds one Stats: two words and thirteen numbers.
	MaxStatsJSON = 2*MaxWord + 512
)

// Bound returns the key within the limits of a container's.
func (k Key) Bound() Key {
	k.ID = Cut(k.ID, MaxWord)
	return k
}

// Bound returns the container within the limits.
func (c Container) Bound() Container {
	c.ID = Cut(c.ID, MaxWord)
	c.Name, c.Image = Cut(c.Name, MaxText), Cut(c.Image, MaxText)
	c.ImageID, c.State, c.Health = Cut(c.ImageID, MaxWord), Cut(c.State, MaxWord), Cut(c.Health, MaxWord)
	c.RestartPolicy = Cut(c.RestartPolicy, MaxWord)
	c.Command, c.Error = Cut(c.Command, MaxLong), Cut(c.Error, MaxLong)
	c.Labels = boundMap(c.Labels)
	c.Ports = boundList(c.Ports, Port.bound, Port.jsonCost, func(more string) Port {
		return Port{Protocol: "… " + more}
	})
	c.Mounts = boundList(c.Mounts, Mount.bound, Mount.jsonCost, func(more string) Mount {
		return Mount{Source: "…", Destination: more}
	})
	return c
}

func (p Port) bound() Port {
	p.IP, p.Protocol = Cut(p.IP, MaxWord), Cut(p.Protocol, MaxWord)
	return p
}

// jsonCost is at least the length of the port's JSON, with its comma.
func (p Port) jsonCost() int { return 64 + jsonLen(p.IP) + jsonLen(p.Protocol) }

func (m Mount) bound() Mount {
	m.Type, m.Name = Cut(m.Type, MaxWord), Cut(m.Name, MaxText)
	m.Source, m.Destination = Cut(m.Source, MaxLong), Cut(m.Destination, MaxLong)
	return m
}

// jsonCost is at least the length of the mount's JSON, with its comma.
func (m Mount) jsonCost() int {
	return 80 + jsonLen(m.Type) + jsonLen(m.Name) + jsonLen(m.Source) + jsonLen(m.Destination)
}

// Bound returns the event within the limits.
func (e Event) Bound() Event {
	e.Type, e.Action = Cut(e.Type, MaxWord), Cut(e.Action, MaxWord)
	e.ActorID, e.Name = Cut(e.ActorID, MaxWord), Cut(e.Name, MaxText)
	e.Attributes = boundMap(e.Attributes)
	return e
}

// Bound returns the engine's facts and status within the limits.
func (i EngineInfo) Bound() EngineInfo {
	i.Status, i.Reason = Cut(i.Status, MaxWord), Cut(i.Reason, MaxLong)
	i.Host, i.Name, i.OS, i.KernelVersion = Cut(i.Host, MaxText), Cut(i.Name, MaxText), Cut(i.OS, MaxText), Cut(i.KernelVersion, MaxText)
	i.Version, i.APIVersion = Cut(i.Version, MaxWord), Cut(i.APIVersion, MaxWord)
	i.Arch, i.CgroupVersion = Cut(i.Arch, MaxWord), Cut(i.CgroupVersion, MaxWord)
	i.StatsSource = Cut(i.StatsSource, MaxWord)
	return i
}

// Bound returns the sample within the limits of its container's key.
func (s Stats) Bound() Stats {
	s.ID = Cut(s.ID, MaxWord)
	return s
}

// Cut returns s if its JSON encoding fits in limit bytes, and otherwise
// its longest beginning that fits with the marker "… [cut: N bytes in
// all]", N being len(s). The result never ends inside a UTF-8 sequence;
// limit must leave room for the marker (MaxWord does).
func Cut(s string, limit int) string {
	if fits(s, limit) {
		return s
	}
	marker := fmt.Sprintf("… [cut: %d bytes in all]", len(s))
	room := limit - jsonLen(marker)
	end, used := 0, 0
	for end < len(s) {
		cost, size := jsonRune(s[end:])
		if used+cost > room {
			break
		}
		used += cost
		end += size
	}
	return s[:end] + marker // a new string: the long one is not kept alive
}

// fits reports whether jsonLen(s) <= limit, reading no more of s than it
// must.
func fits(s string, limit int) bool {
	if len(s) <= limit/6 {
		return true // no byte encodes to more than 6
	}
	n := 0
	for i := 0; i < len(s) && n <= limit; {
		cost, size := jsonRune(s[i:])
		n += cost
		i += size
	}
	return n <= limit
}

// jsonLen is the length of s encoded as a JSON string by encoding/json,
// without the quotes.
func jsonLen(s string) int {
	n := 0
	for i := 0; i < len(s); {
		cost, size := jsonRune(s[i:])
		n += cost
		i += size
	}
	return n
}

// jsonRune returns the encoded length of the first character of s, as
// encoding/json writes it (HTML characters escaped), and its size in s.
func jsonRune(s string) (cost, size int) {
	b := s[0]
	if b < utf8.RuneSelf {
		switch {
		case b == '"' || b == '\\' || b == '\b' || b == '\f' || b == '\n' || b == '\r' || b == '\t':
			return 2, 1
		case b < 0x20 || b == '<' || b == '>' || b == '&':
			return 6, 1 // \u00XX
		default:
			return 1, 1
		}
	}
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
		return 6, size // \ufffd, \u2028, \u2029
	}
	return size, size
}

// mapKeepFirst are the keys a map keeps first when it is cut: those the UI
// reads (event attributes and compose labels).
var mapKeepFirst = map[string]int{
	"name": 1, "exitCode": 2, "healthStatus": 3, "image": 4, "signal": 5,
	"com.docker.compose.project": 6, "com.docker.compose.service": 7,
}

// mapMarkerKey is the key of a cut map's marker entry.
const mapMarkerKey = "…"

// boundMap cuts every key and value and keeps the map within MaxEntries
// and MaxListBytes. It returns m itself when nothing needed cutting.
func boundMap(m map[string]string) map[string]string {
	type entry struct {
		k, v string
		cost int // `"k":"v",`
	}
	entries := make([]entry, 0, len(m))
	total, changed := 2, false // {}
	for k, v := range m {
		ck, cv := Cut(k, MaxText), Cut(v, MaxLong)
		changed = changed || ck != k || cv != v
		e := entry{ck, cv, jsonLen(ck) + jsonLen(cv) + 6}
		entries = append(entries, e)
		total += e.cost
	}
	if len(entries) <= MaxEntries && total <= MaxListBytes {
		if !changed {
			return m
		}
		out := make(map[string]string, len(entries))
		for _, e := range entries {
			out[e.k] = e.v
		}
		return out
	}
	slices.SortFunc(entries, func(a, b entry) int {
		ra, oka := mapKeepFirst[a.k]
		rb, okb := mapKeepFirst[b.k]
		switch {
		case oka && okb:
			return cmp.Compare(ra, rb)
		case oka:
			return -1
		case okb:
			return 1
		}
		return cmp.Or(cmp.Compare(a.cost, b.cost), cmp.Compare(a.k, b.k))
	})
	room := MaxListBytes - 2 - (jsonLen(mapMarkerKey) + jsonLen(moreEntries(len(entries))) + 6)
	out := make(map[string]string, MaxEntries)
	for _, e := range entries {
		if len(out) == MaxEntries-1 {
			break
		}
		if _, dup := out[e.k]; dup || e.cost > room {
			continue // two keys cut alike keep the first
		}
		out[e.k] = e.v
		room -= e.cost
	}
	out[mapMarkerKey] = moreEntries(len(entries) - len(out))
	return out
}

// boundList cuts every entry and keeps the list within MaxEntries and
// MaxListBytes: the first entries that fit, then a marker entry.
func boundList[T any](list []T, bound func(T) T, cost func(T) int, marker func(more string) T) []T {
	if list == nil {
		return nil
	}
	out := make([]T, len(list))
	total := 2 // []
	for i, v := range list {
		out[i] = bound(v)
		total += cost(out[i])
	}
	if len(out) <= MaxEntries && total <= MaxListBytes {
		return out
	}
	room := MaxListBytes - 2 - cost(marker(moreEntries(len(list))))
	kept := 0
	for ; kept < len(out) && kept < MaxEntries-1; kept++ {
		c := cost(out[kept])
		if c > room {
			break
		}
		room -= c
	}
	// A full slice expression, so that append copies what is kept and the
	// long array is not kept alive.
	return append(out[:kept:kept], marker(moreEntries(len(list)-kept)))
}

func moreEntries(n int) string { return fmt.Sprintf("[cut: %d more entries]", n) }
