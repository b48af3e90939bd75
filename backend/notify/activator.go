package notify

// activatorCLSID names Dockpulse's toast activator, the COM class that
// Windows calls with a clicked toast's activation argument (while the app
// runs) or starts the app for (LocalServer32, when it does not). Fixed, so
// that every launch and every version registers the same one; go-toast's
// default class is shared by every program that keeps it.
const activatorCLSID = "{3E5AAD3A-16EB-448D-8C4A-4937935D0E46}"

// registryValue is one string value under HKEY_CURRENT_USER.
type registryValue struct {
	key   string
	name  string // "" is the key's default value
	value string
}

// toastRegistration is what HKEY_CURRENT_USER must hold for Windows to show
// the toasts of the app appID under its name and icon (iconPath; "" for
// none), and to route their clicks to activatorCLSID, which exe (the
// running program's absolute path) serves. These values are written on
// every start, over whatever is there: the app's id was registered before
// by beeep through go-toast, with go-toast's own activator class.
func toastRegistration(appID, exe, iconPath string) []registryValue {
	app := `Software\Classes\AppUserModelId\` + appID
	values := []registryValue{
		{key: app, name: "DisplayName", value: AppName},
		{key: app, name: "CustomActivator", value: activatorCLSID},
	}
	if iconPath != "" {
		values = append(values, registryValue{key: app, name: "IconUri", value: iconPath})
	}
	// COM runs this command line with " -Embedding" appended; quoted, as
	// the path may hold spaces (C:\Program Files\...).
	return append(values, registryValue{key: `Software\Classes\CLSID\` + activatorCLSID + `\LocalServer32`, value: `"` + exe + `"`})
}
