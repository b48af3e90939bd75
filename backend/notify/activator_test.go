package notify

import (
	"regexp"
	"testing"
)

func TestActivatorCLSIDIsAGUID(t *testing.T) {
	// go-ole's NewGUID, which go-toast's SetAppData calls on it, returns nil
	// for anything else, and Push would then register a nil class.
	if !regexp.MustCompile(`^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$`).MatchString(activatorCLSID) {
		t.Fatalf("activatorCLSID %q is not a braced GUID", activatorCLSID)
	}
	if activatorCLSID == "{0F82E845-CB89-4039-BDBF-67CA33254C76}" {
		t.Fatal("activatorCLSID is go-toast's default, which every program that keeps it shares")
	}
}

func TestToastRegistrationRoutesClicksToDockpulse(t *testing.T) {
	exe := `C:\Program Files\Dockpulse\dockpulse.exe`
	icon := `C:\Users\Ana Lyst\AppData\Local\Dockpulse\notification-icon.png`
	got := map[[2]string]string{}
	for _, v := range toastRegistration("Dockpulse", exe, icon) {
		k := [2]string{v.key, v.name}
		if _, twice := got[k]; twice {
			t.Errorf("%s %q is written twice", v.key, v.name)
		}
		got[k] = v.value
	}
	app := `Software\Classes\AppUserModelId\Dockpulse`
	want := map[[2]string]string{
		{app, "DisplayName"}:     "Dockpulse",
		{app, "CustomActivator"}: activatorCLSID,
		{app, "IconUri"}:         icon,
		{`Software\Classes\CLSID\` + activatorCLSID + `\LocalServer32`, ""}: `"` + exe + `"`,
	}
	if len(got) != len(want) {
		t.Errorf("registration writes %d values, want %d: %q", len(got), len(want), got)
	}
	for k, w := range want {
		if g, ok := got[k]; !ok || g != w {
			t.Errorf("%s %q = %q (written: %v), want %q", k[0], k[1], g, ok, w)
		}
	}
}

func TestToastRegistrationWithoutIcon(t *testing.T) {
	for _, v := range toastRegistration("Dockpulse", `C:\dockpulse.exe`, "") {
		if v.name == "IconUri" {
			t.Errorf("without an icon, IconUri = %q", v.value)
		}
	}
}
