package notify

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestActivationArgumentRoundTrips(t *testing.T) {
	for _, want := range []Target{
		{Key: "default/c0ffee", Name: "job-1"},
		{Key: "ssh-box/0123456789abcdef", Name: ""},
		{Key: `tcp "quoted" <&]]>'/id`, Name: "naïve café 容器 🐳"},
	} {
		arg, err := activationArgument(want)
		if err != nil {
			t.Fatalf("activationArgument(%+v): %v", want, err)
		}
		if !strings.HasPrefix(arg, activationScheme) {
			t.Errorf("argument %q does not start with %q", arg, activationScheme)
		}
		// Plain URL-safe ASCII, whatever the Target holds.
		if i := strings.IndexFunc(arg, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_:", r))
		}); i >= 0 {
			t.Errorf("argument %q holds %q at %d", arg, arg[i], i)
		}
		got, err := parseActivation(arg)
		if err != nil || got != want {
			t.Errorf("parseActivation(activationArgument(%+v)) = %+v, %v", want, got, err)
		}
	}
}

func TestBadActivationArgumentsSayWhy(t *testing.T) {
	enc := func(json string) string { return activationScheme + base64.RawURLEncoding.EncodeToString([]byte(json)) }
	long := "x" + strings.Repeat("y", 500)
	for _, c := range []struct {
		name, arg, why string
	}{
		{"empty (a toast without a target)", "", "does not start with"},
		{"another scheme", "https://example.com/", "does not start with"},
		{"the scheme alone", activationScheme, "decode target"},
		{"padded base64", enc(`{"key":"a/b"}`) + "==", "illegal base64"},
		{"standard base64", activationScheme + base64.StdEncoding.EncodeToString([]byte(`{"key":"a/b?>"}`)), "illegal base64"},
		{"not JSON", enc("key=a/b"), "decode target"},
		{"not an object", enc(`["a/b"]`), "decode target"},
		{"an unknown field", enc(`{"key":"a/b","cmd":"x"}`), "unknown field"},
		{"two objects", enc(`{"key":"a/b"}{"key":"c/d"}`), "more than one target"},
		{"no key", enc(`{"name":"job-1"}`), "names no container"},
		{"a long foreign one", long, "…"},
	} {
		got, err := parseActivation(c.arg)
		if err == nil {
			t.Errorf("%s: parseActivation(%q) = %+v, want an error", c.name, c.arg, got)
			continue
		}
		if !strings.Contains(err.Error(), c.why) || !strings.Contains(err.Error(), "activation argument") {
			t.Errorf("%s: error %q, want it to say %q", c.name, err, c.why)
		}
		if len(err.Error()) > 200 {
			t.Errorf("%s: error is %d bytes long: %q", c.name, len(err.Error()), err)
		}
	}
}
