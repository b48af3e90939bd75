package notify

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// openLogsLabel is the label of the button that opens a notification's
// Target, on every platform that shows one.
const openLogsLabel = "Open logs"

// activationScheme starts every activation argument Dockpulse puts on a
// Windows toast, so that one it did not make (an older toast, another
// program's) is told apart before it is decoded.
const activationScheme = "dockpulse-open-logs:"

// activationArgument is what a click on a toast about t hands back to the
// app: activationScheme and the Target as JSON in unpadded base64url. The
// encoding keeps the argument plain ASCII whatever the container is called,
// so it survives Windows' handling of the XML attribute unchanged.
func activationArgument(t Target) (string, error) {
	data, err := json.Marshal(t)
	if err != nil {
		return "", fmt.Errorf("encode notification target: %w", err)
	}
	return activationScheme + base64.RawURLEncoding.EncodeToString(data), nil
}

// parseActivation reads the Target back from an activation argument made
// by activationArgument.
func parseActivation(arg string) (Target, error) {
	encoded, ok := strings.CutPrefix(arg, activationScheme)
	if !ok {
		return Target{}, fmt.Errorf("activation argument %q: does not start with %q", shorten(arg), activationScheme)
	}
	data, err := base64.RawURLEncoding.DecodeString(encoded)
	if err != nil {
		return Target{}, fmt.Errorf("activation argument %q: %w", shorten(arg), err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var t Target
	if err := dec.Decode(&t); err != nil {
		return Target{}, fmt.Errorf("activation argument %q: decode target: %w", shorten(arg), err)
	}
	if dec.More() {
		return Target{}, fmt.Errorf("activation argument %q: more than one target", shorten(arg))
	}
	if t.Key == "" {
		return Target{}, fmt.Errorf("activation argument %q: %w", shorten(arg), errNoKey)
	}
	return t, nil
}

// errNoKey is a decoded Target that names no container: nothing to open.
var errNoKey = errors.New("the target names no container")

// shorten cuts an argument to quote in an error to a readable length.
func shorten(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}
