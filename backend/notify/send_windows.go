//go:build windows

package notify

import (
	"fmt"
	"os"

	"git.sr.ht/~jackmordaunt/go-toast/wintoast"
	"golang.org/x/sys/windows/registry"
)

// ClicksReported says whether a click on a notification reaches Clicks.Open on
// this platform: on Windows a click on a toast, or on its "Open logs"
// button, reaches Dockpulse's COM activator (activatorCLSID) with the
// toast's activation argument, while the app runs and has shown a toast
// since it started (see newSender).
const ClicksReported = true

// newSender shows toasts through go-toast's wintoast package, with XML of
// our own (toast.go), and registers Dockpulse's activator.
//
// What go-toast v1.1.2 does that shapes this (wintoast/registry.go,
// bind_windows.go, procs.go):
//   - SetAppData writes a registry value only where there is none yet. The
//     app id "Dockpulse" is already registered on machines that ran an older
//     Dockpulse, whose beeep gave it go-toast's default activator class: its
//     CustomActivator would stay, and clicks would go to that class. So the
//     values are written here (toastRegistration), over the old ones.
//   - The LocalServer32 key SetAppData writes the ActivationExe to is made
//     from the default class when the package loads, whatever AppData.GUID
//     says: the exe is written here too, under activatorCLSID.
//   - SetAppData is still called, with the GUID and no exe: it is what sets
//     the class Push registers (GUID_ImplNotificationActivationCallback) and
//     the app id Push creates its notifier with.
//   - Push registers the activator (CoRegisterClassObject) on each push, not
//     before: until this launch has shown a toast, a click on an older one
//     (from the Action Center) has Windows start the exe with -Embedding.
//     With Dockpulse not running, that launch starts the app (main.go drops
//     the flag) but the click is lost: the page opens logs only for a
//     notification it sent. With Dockpulse running, the new launch hands
//     over to it, which raises the window.
//   - Its PowerShell fallback is not used: it cannot report clicks, Push
//     returns the COM error even when PowerShell showed the toast, and it
//     pastes the XML into a double-quoted PowerShell here-string, where a
//     `$(...)` in a title would run.
func newSender(icon []byte, clicks Clicks) (sender, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("register the toast activator: find the program's path: %w", err)
	}
	var iconPath string
	if len(icon) > 0 {
		if iconPath, err = iconFile(icon); err != nil {
			return nil, err
		}
	}
	for _, v := range toastRegistration(AppName, exe, iconPath) {
		if err := setRegistryValue(v); err != nil {
			return nil, fmt.Errorf("register the toast activator: %w", err)
		}
	}
	if err := wintoast.SetAppData(wintoast.AppData{AppID: AppName, GUID: activatorCLSID}); err != nil {
		return nil, fmt.Errorf("register the toast activator: %w", err)
	}
	t := &toaster{icon: iconPath, push: pushToast, clicks: clicks}
	// The callback is go-toast's one global: the app makes one notifier.
	wintoast.SetActivationCallback(func(_, args string, _ []wintoast.UserData) { t.activated(args) })
	return t, nil
}

// pushToast shows one toast through the Windows Runtime's COM API.
func pushToast(xml string) error {
	return wintoast.Push(xml)
}

// setRegistryValue writes v under HKEY_CURRENT_USER, making its key (and
// the keys above it) if needed.
func setRegistryValue(v registryValue) error {
	k, _, err := registry.CreateKey(registry.CURRENT_USER, v.key, registry.SET_VALUE)
	if err != nil {
		return fmt.Errorf(`open HKCU\%s: %w`, v.key, err)
	}
	err = k.SetStringValue(v.name, v.value)
	if cerr := k.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf(`set HKCU\%s value %q: %w`, v.key, v.name, err)
	}
	return nil
}
