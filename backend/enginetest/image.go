package enginetest

import (
	"archive/tar"
	"bytes"
	"context"
	"debug/elf"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/client"
)

// applets are the busybox commands TestImage offers, as symlinks to busybox.
var applets = []string{
	"sh", "sleep", "echo", "cat", "top", "yes",
	"true", "false", "ls", "ps", "env", "kill", "head", "dd", "wc",
}

// EnsureImage imports TestImage from this machine's busybox binary unless the
// engine has it already: no registry can be assumed reachable to pull from.
func (e *Engine) EnsureImage(ctx context.Context) error {
	c, err := e.newClient()
	if err != nil {
		return err
	}
	importErr := ensureImage(ctx, c)
	if err := c.Close(); err != nil && importErr == nil {
		return fmt.Errorf("close docker client: %w", err)
	}
	return importErr
}

func ensureImage(ctx context.Context, c *client.Client) error {
	_, err := c.ImageInspect(ctx, TestImage)
	if err == nil {
		return nil
	}
	if !cerrdefs.IsNotFound(err) {
		return fmt.Errorf("inspect %s: %w", TestImage, err)
	}
	busybox, err := findBusybox()
	if err != nil {
		return err
	}
	rootfs, err := busyboxRootfs(busybox)
	if err != nil {
		return fmt.Errorf("import %s: %w", TestImage, err)
	}
	body, err := c.ImageImport(ctx, image.ImportSource{Source: rootfs, SourceName: "-"}, TestImage, image.ImportOptions{})
	if err != nil {
		return fmt.Errorf("import %s: %w", TestImage, err)
	}
	streamErr := readProgress(body)
	if err := body.Close(); err != nil && streamErr == nil {
		streamErr = err
	}
	if streamErr != nil {
		return fmt.Errorf("import %s: %w", TestImage, streamErr)
	}
	if _, err := c.ImageInspect(ctx, TestImage); err != nil {
		return fmt.Errorf("import %s: image missing afterwards: %w", TestImage, err)
	}
	return nil
}

// findBusybox returns a statically linked busybox: a dynamic one cannot run
// in an image that has no libc.
func findBusybox() (string, error) {
	path, err := exec.LookPath("busybox")
	if err != nil {
		path = "/bin/busybox"
		if _, statErr := os.Stat(path); statErr != nil {
			return "", &envError{"busybox not found: install busybox-static"}
		}
	}
	f, err := elf.Open(path)
	if err != nil {
		return "", fmt.Errorf("busybox at %s: %w", path, err)
	}
	defer f.Close()
	for _, prog := range f.Progs {
		if prog.Type == elf.PT_INTERP {
			return "", &envError{fmt.Sprintf("busybox at %s is dynamically linked and cannot run alone in a container: install busybox-static", path)}
		}
	}
	return path, nil
}

// busyboxRootfs builds the image's root filesystem as a tar: bin/busybox, the
// applet symlinks and /tmp. Fixed times keep the layer the same every time.
func busyboxRootfs(busybox string) (io.Reader, error) {
	data, err := os.ReadFile(busybox)
	if err != nil {
		return nil, fmt.Errorf("read busybox: %w", err)
	}
	modTime := time.Unix(0, 0)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	headers := []*tar.Header{
		{Typeflag: tar.TypeDir, Name: "bin/", Mode: 0o755, ModTime: modTime},
		{Typeflag: tar.TypeDir, Name: "tmp/", Mode: 0o1777, ModTime: modTime},
	}
	for _, h := range headers {
		if err := tw.WriteHeader(h); err != nil {
			return nil, fmt.Errorf("rootfs tar: %w", err)
		}
	}
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: "bin/busybox", Mode: 0o755, Size: int64(len(data)), ModTime: modTime}); err != nil {
		return nil, fmt.Errorf("rootfs tar: %w", err)
	}
	if _, err := tw.Write(data); err != nil {
		return nil, fmt.Errorf("rootfs tar: %w", err)
	}
	for _, name := range applets {
		h := &tar.Header{Typeflag: tar.TypeSymlink, Name: "bin/" + name, Linkname: "busybox", Mode: 0o777, ModTime: modTime}
		if err := tw.WriteHeader(h); err != nil {
			return nil, fmt.Errorf("rootfs tar: %w", err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("rootfs tar: %w", err)
	}
	return &buf, nil
}

// readProgress drains the JSON messages of an import and returns the error
// the engine reports in them, since the HTTP status is 200 even on failure.
func readProgress(r io.Reader) error {
	dec := json.NewDecoder(r)
	for {
		var msg struct {
			Error       string `json:"error"`
			ErrorDetail *struct {
				Message string `json:"message"`
			} `json:"errorDetail"`
		}
		if err := dec.Decode(&msg); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("read import progress: %w", err)
		}
		if msg.ErrorDetail != nil && msg.ErrorDetail.Message != "" {
			return errors.New(msg.ErrorDetail.Message)
		}
		if msg.Error != "" {
			return errors.New(msg.Error)
		}
	}
}
