package main

import (
	"bufio"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"
)

// EnvDesktopEntry names the .desktop file an installed package put in the
// application menu (make test installs build/dist's .deb and sets it).
const EnvDesktopEntry = "DOCKPULSE_DESKTOP_ENTRY"

// TestInstalledDesktopEntry starts the app as the application menu does,
// from the Exec line of the installed .desktop entry, and checks its
// window connects as TestDesktopWindowConnects does for the built binary.
func TestInstalledDesktopEntry(t *testing.T) {
	entry := requireEnv(t, EnvDesktopEntry, "the installed package", "an installed dockpulse.desktop (apt-get install ./build/dist/dockpulse_*.deb)")
	argv, err := desktopExec(entry)
	if err != nil {
		t.Fatal(err)
	}
	bin, err := exec.LookPath(argv[0])
	if err != nil {
		t.Fatalf("the Exec line of %s: %v", entry, err)
	}
	t.Logf("%s: Exec %q is %s", entry, argv, bin)
	desktopWindowConnects(t, append([]string{bin}, argv[1:]...)...)
}

// requireEnv is the environment variable name, which make test sets: in CI
// the test fails without it (CI must test what), elsewhere it is skipped
// with what to set it to.
func requireEnv(t *testing.T, name, what, setTo string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set: CI must test %s (make test sets it)", name, what)
		}
		t.Skipf("set %s to %s", name, setTo)
	}
	return v
}

// desktopExec reads the Exec line of a .desktop file's [Desktop Entry] group
// as a launcher does: split on spaces, with the field codes (%f, %U, ...)
// left out, as no file or URL is passed.
func desktopExec(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	group := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			group = line
			continue
		}
		value, ok := strings.CutPrefix(line, "Exec=")
		if !ok || group != "[Desktop Entry]" {
			continue
		}
		var argv []string
		for _, field := range strings.Fields(value) {
			if len(field) == 2 && field[0] == '%' {
				continue
			}
			argv = append(argv, field)
		}
		if len(argv) == 0 {
			return nil, &os.PathError{Op: "read Exec", Path: path, Err: os.ErrInvalid}
		}
		return argv, nil
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return nil, &os.PathError{Op: "find Exec in [Desktop Entry]", Path: path, Err: os.ErrNotExist}
}

func TestDesktopExec(t *testing.T) {
	path := t.TempDir() + "/x.desktop"
	body := "[Desktop Action new]\nExec=other\n[Desktop Entry]\nName=Dockpulse\nExec=dockpulse --stats all %U\n"
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := desktopExec(path)
	if want := []string{"dockpulse", "--stats", "all"}; err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("desktopExec: %q, %v; want %q", got, err, want)
	}
	if got, err := desktopExec("build/linux/dockpulse.desktop"); err != nil || got[0] != "dockpulse" {
		t.Fatalf("the packaged entry's Exec: %q, %v; want dockpulse", got, err)
	}
}
