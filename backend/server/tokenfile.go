package server

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

// minTokenLen is the shortest token accepted from a file: 128 bits in
// base64url.
const minTokenLen = 22

// TokenFromFile returns the token kept in path, creating the file (mode
// 0600) with a fresh token when it does not exist. A backend restarted with
// the same file keeps its token, so open pages reconnect by themselves.
//
// An existing file must be a regular file, named directly (not through a
// symbolic link), owned by the user running the server and closed to group
// and others: otherwise someone else could have planted the token (a
// `sudo dockpulse serve` with a file in a shared directory) or could read
// it. It is opened without blocking, so a FIFO in its place cannot hold up
// start-up.
func TokenFromFile(path string) (string, error) {
	f, err := openTokenFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return createTokenFile(path)
	}
	if err != nil {
		return "", err
	}
	defer f.Close() // read-only: nothing to lose
	fi, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("read token file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("token file %s is not a regular file (%v): give a plain file, or a path that does not exist yet", path, fi.Mode().Type())
	}
	if err := ownedByUs(path, fi); err != nil {
		return "", err
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf("token file %s is readable by others (mode %v): chmod 600 it", path, fi.Mode().Perm())
	}
	data, err := io.ReadAll(io.LimitReader(f, 1024))
	if err != nil {
		return "", fmt.Errorf("read token file: %w", err)
	}
	tok := strings.TrimSpace(string(data))
	if len(tok) < minTokenLen || strings.ContainsAny(tok, " \t\r\n") {
		return "", fmt.Errorf("token file %s: want one token of at least %d characters", path, minTokenLen)
	}
	return tok, nil
}

// createTokenFile writes a fresh token to a new file only its owner can read.
func createTokenFile(path string) (string, error) {
	tok, err := NewToken()
	if err != nil {
		return "", err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("create token file: %w", err)
	}
	_, err = f.WriteString(tok + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("write token file: %w", err)
	}
	return tok, nil
}
