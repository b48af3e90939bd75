package notify

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/dockpulse/dockpulse/backend/model"
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
		return Target{}, fmt.Errorf("activation argument %q: does not start with %q", model.Cut(arg, model.MaxWord), activationScheme)
	}
	data, err := base64.RawURLEncoding.DecodeString(encoded)
	if err != nil {
		return Target{}, fmt.Errorf("activation argument %q: %w", model.Cut(arg, model.MaxWord), err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var t Target
	if err := dec.Decode(&t); err != nil {
		return Target{}, fmt.Errorf("activation argument %q: decode target: %w", model.Cut(arg, model.MaxWord), err)
	}
	if dec.More() {
		return Target{}, fmt.Errorf("activation argument %q: more than one target", model.Cut(arg, model.MaxWord))
	}
	if t.Key == "" {
		return Target{}, fmt.Errorf("activation argument %q: %w", model.Cut(arg, model.MaxWord), errNoKey)
	}
	return t, nil
}

// errNoKey is a decoded Target that names no container: nothing to open.
var errNoKey = errors.New("the target names no container")
