package protocol

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"
)

// FuzzDecode feeds Decode arbitrary frames, as a hostile or broken peer
// would send them. It must never panic; what it accepts must be a current-version
// envelope with a type, and must survive a round trip through Encode.
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		`{"v":2,"type":"hello","seq":7,"data":{"server":"dockpulse","version":"0.1.0","protocol":2,"heartbeatMs":5000,"statsIntervalMs":1000}}`,
		`{"v":2,"type":"container.remove","seq":9,"data":{"engine":"local","id":"c0ffee"}}`,
		`{"v":2,"type":"heartbeat","seq":12,"data":{"time":1795654065000}}`,
		`{"v":1,"type":"hello","seq":1}`,
		`{"v":2,"type":"","seq":1}`,
		`{"v":2,"type":"x","seq":-1}`,
		`{"v":2,"type":"x","seq":18446744073709551616}`,
		`{"v":1.5,"type":"x"}`,
		`{"v":2,"type":"x","data":}`,
		`{"v":2,"type":"x","data":null}`,
		`{"v":2,"type":"x","data":"\ud800"}`,
		`{"v":2,"type":"x","V":2}`,
		`[1,2,3]`, `null`, ``, `{`, "\xff\xfe",
		`{"v":2,"type":"x","data":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, frame []byte) {
		env, err := Decode(frame)
		if err != nil {
			if env.Type != "" || env.Data != nil || env.Seq != 0 {
				t.Fatalf("Decode failed (%v) but returned %+v", err, env)
			}
			return
		}
		if env.V != Version || env.Type == "" {
			t.Fatalf("Decode accepted %q as %+v", frame, env)
		}
		// Valid JSON, not "fits a Go value": 1e700 is JSON no float64 holds.
		if len(env.Data) > 0 && !json.Valid(env.Data) {
			t.Fatalf("accepted data is not JSON: %q", env.Data)
		}
		again, err := Encode(env.Type, env.Seq, json.RawMessage(orNull(env.Data)))
		if err != nil {
			t.Fatalf("re-encode %+v: %v", env, err)
		}
		env2, err := Decode(again)
		if err != nil {
			t.Fatalf("decode of re-encoded %q: %v", again, err)
		}
		if env2.Type != env.Type || env2.Seq != env.Seq {
			t.Fatalf("round trip changed %+v into %+v", env, env2)
		}
	})
}

func orNull(raw []byte) []byte {
	if len(bytes.TrimSpace(raw)) == 0 {
		return []byte("null")
	}
	return raw
}

// FuzzDecodeView feeds DecodeView arbitrary client frames. It must never
// panic; what it accepts must hold at most MaxViewContainers named
// containers and survive a round trip through Encode.
func FuzzDecodeView(f *testing.F) {
	for _, seed := range []string{
		`{"v":2,"type":"view","seq":0,"data":{"containers":[{"engine":"local","id":"c0ffee"}]}}`,
		`{"v":2,"type":"view","data":{"containers":[]}}`,
		`{"v":2,"type":"view","data":{"containers":null}}`,
		`{"v":2,"type":"view","data":{"containers":[{"engine":"","id":"x"}]}}`,
		`{"v":2,"type":"view","data":{"containers":[],"all":true}}`,
		`{"v":2,"type":"view","data":{"containers":[{"engine":"local","id":"x","name":"y"}]}}`,
		`{"v":2,"type":"hello","data":{}}`, `{"v":2,"type":"view","data":{"containers":[]}}`,
		`{"v":2,"type":"view","seq":3,"data":{"containers":[]}}`,
		`{"v":2,"type":"view","data":{"containers":[]}}{}`, `null`, ``, `[`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, frame []byte) {
		v, err := DecodeView(frame)
		if err != nil {
			if v.Containers != nil {
				t.Fatalf("DecodeView failed (%v) but returned %+v", err, v)
			}
			return
		}
		if v.Containers == nil || len(v.Containers) > MaxViewContainers {
			t.Fatalf("accepted %q as %+v", frame, v)
		}
		for _, k := range v.Containers {
			if k.Engine == "" || k.ID == "" {
				t.Fatalf("accepted an unnamed container in %q", frame)
			}
		}
		again, err := EncodeView(v.Containers)
		if err != nil {
			t.Fatal(err)
		}
		v2, err := DecodeView(again)
		if err != nil || !slices.Equal(v2.Containers, v.Containers) {
			t.Fatalf("round trip of %+v: %+v, %v", v, v2, err)
		}
	})
}

// FuzzDecodeMessage feeds DecodeMessage arbitrary server messages. It must
// never panic; what it accepts has one valid envelope per line.
func FuzzDecodeMessage(f *testing.F) {
	for _, seed := range []string{
		`{"v":2,"type":"heartbeat","seq":1,"data":{"time":1}}`,
		"{\"v\":1,\"type\":\"a\",\"seq\":1}\n{\"v\":1,\"type\":\"b\",\"seq\":2}",
		"{\"v\":1,\"type\":\"a\"}\n", "\n", "", "{\"v\":1,\n\"type\":\"a\"}",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		envs, err := DecodeMessage(msg)
		if err != nil {
			if envs != nil {
				t.Fatalf("DecodeMessage failed (%v) but returned %d envelopes", err, len(envs))
			}
			return
		}
		if len(envs) != bytes.Count(msg, []byte{Separator})+1 {
			t.Fatalf("%d envelopes from %d lines", len(envs), bytes.Count(msg, []byte{Separator})+1)
		}
		for _, env := range envs {
			if env.V != Version || env.Type == "" {
				t.Fatalf("accepted %+v", env)
			}
		}
	})
}
