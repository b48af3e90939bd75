// Package configdir is the desktop app's folder in the user's config
// directory (os.UserConfigDir), where it keeps its log and its settings.
package configdir

import (
	"fmt"
	"os"
	"path/filepath"
)

// Name is the folder's name.
const Name = "Dockpulse"

// File is the path of the file name in the folder.
func File(name string) (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find config directory: %w", err)
	}
	return filepath.Join(dir, Name, name), nil
}
