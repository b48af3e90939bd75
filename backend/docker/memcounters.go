package docker

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/dockpulse/dockpulse/backend/stats"
)

// memCounters is the part of memory_stats.stats that stats.Compute reads: the
// two inactive-page-cache counters. The engine sends forty-odd counters there
// (cgroup v1); decoding them all into a map cost as much as decoding the
// whole sample, and a struct would match its keys case-insensitively
// ("Inactive_File"), where the engine's own map type matches them exactly.
// UnmarshalJSON therefore scans the object itself, keeping exact-key map
// semantics: the last duplicate wins, a repeated "stats" object merges into
// the earlier one and null empties it, as with a map. Anything unusual (an
// escaped key, a counter that is not a plain number) goes to encoding/json
// with a map, so the result and the errors are the map's.
type memCounters struct {
	totalInactiveFile, inactiveFile       uint64
	hasTotalInactiveFile, hasInactiveFile bool
}

// UnmarshalJSON is given one complete, valid JSON value by encoding/json.
func (m *memCounters) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*m = memCounters{}
		return nil
	}
	if !m.scan(b) {
		return m.slow(b)
	}
	return nil
}

// scan reads the object in b, reporting false (having changed nothing) when
// it meets something only encoding/json should judge.
func (m *memCounters) scan(b []byte) bool {
	next := *m
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		*m = next
		return true
	}
	for i < len(b) {
		if b[i] != '"' {
			return false
		}
		end := i + 1
		for end < len(b) && b[end] != '"' {
			if b[end] == '\\' || b[end] < 0x20 || b[end] >= 0x80 {
				return false // escaped or non-ASCII key: leave unescaping to encoding/json
			}
			end++
		}
		if end >= len(b) {
			return false
		}
		key := b[i+1 : end]
		i = skipSpace(b, end+1)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		i = skipSpace(b, i+1)
		var into *uint64
		var has *bool
		switch string(key) {
		case "total_inactive_file":
			into, has = &next.totalInactiveFile, &next.hasTotalInactiveFile
		case "inactive_file":
			into, has = &next.inactiveFile, &next.hasInactiveFile
		}
		start := i
		if into != nil {
			for i < len(b) && b[i] >= 'a' && b[i] <= 'z' || i < len(b) && b[i] >= '0' && b[i] <= '9' {
				i++
			}
			switch lit := string(b[start:i]); lit {
			case "null":
				*into, *has = 0, true // a map stores null as the zero value
			default:
				v, err := strconv.ParseUint(lit, 10, 64)
				if err != nil {
					return false
				}
				*into, *has = v, true
			}
		} else if i = skipValue(b, i); i < 0 {
			return false
		}
		i = skipSpace(b, i)
		if i >= len(b) {
			return false
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			if skipSpace(b, i+1) != len(b) {
				return false
			}
			*m = next
			return true
		default:
			return false
		}
	}
	return false
}

// slow decodes b as the engine's map type would be decoded.
func (m *memCounters) slow(b []byte) error {
	var all map[string]uint64
	if err := json.Unmarshal(b, &all); err != nil {
		return fmt.Errorf("memory_stats.stats: %w", err)
	}
	if v, ok := all["total_inactive_file"]; ok {
		m.totalInactiveFile, m.hasTotalInactiveFile = v, true
	}
	if v, ok := all["inactive_file"]; ok {
		m.inactiveFile, m.hasInactiveFile = v, true
	}
	return nil
}

// memory gives the counters with the usage and limit they belong to.
func (m memCounters) memory(usage, limit uint64) stats.Memory {
	return stats.Memory{
		Usage:                usage,
		Limit:                limit,
		TotalInactiveFile:    m.totalInactiveFile,
		HasTotalInactiveFile: m.hasTotalInactiveFile,
		InactiveFile:         m.inactiveFile,
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the index just past the JSON value starting at b[i], or
// -1 if there is none. b is valid JSON (encoding/json checked it), so it
// only needs to track strings and nesting.
func skipValue(b []byte, i int) int {
	depth := 0
	for i < len(b) {
		switch c := b[i]; c {
		case '"':
			i++
			for i < len(b) && b[i] != '"' {
				if b[i] == '\\' {
					i++
				}
				i++
			}
			if i >= len(b) {
				return -1
			}
			i++
		case '{', '[':
			depth++
			i++
		case '}', ']':
			if depth == 0 {
				return i
			}
			depth--
			i++
		case ',':
			if depth == 0 {
				return i
			}
			i++
		default:
			if depth == 0 && (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
				return i
			}
			i++
		}
		if depth == 0 && i > 0 && (b[i-1] == '"' || b[i-1] == '}' || b[i-1] == ']') {
			return i
		}
	}
	if depth != 0 {
		return -1
	}
	return i
}
