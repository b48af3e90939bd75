package notify

import (
	"encoding/xml"
	"fmt"
)

// The toast's XML, as Windows' toast schema has it
// (https://learn.microsoft.com/windows/apps/design/shell/tiles-and-notifications/toast-schema).
// It is marshalled with encoding/xml rather than through go-toast's
// template, which is text/template: it would paste a title with `<` or
// `]]>` into the XML as it is.
type (
	toastDoc struct {
		XMLName xml.Name `xml:"toast"`
		// ActivationType "foreground" makes a click call the app's COM
		// activator (send_windows.go) with Launch, or with the clicked
		// action's Arguments.
		ActivationType string        `xml:"activationType,attr"`
		Launch         string        `xml:"launch,attr,omitempty"`
		Duration       string        `xml:"duration,attr"`
		Binding        toastBinding  `xml:"visual>binding"`
		Audio          toastAudio    `xml:"audio"`
		Actions        *toastActions `xml:"actions"` // nil: no buttons (an empty <actions> would still be written)
	}
	toastActions struct {
		Actions []toastAction `xml:"action"`
	}
	toastBinding struct {
		Template string      `xml:"template,attr"`
		Image    *toastImage `xml:"image"`
		Texts    []string    `xml:"text"` // the title, then the body
	}
	toastImage struct {
		Placement string `xml:"placement,attr"`
		Src       string `xml:"src,attr"`
	}
	toastAudio struct {
		Silent bool `xml:"silent,attr"`
	}
	toastAction struct {
		ActivationType string `xml:"activationType,attr"`
		Content        string `xml:"content,attr"`
		Arguments      string `xml:"arguments,attr"`
	}
)

// toastXML is the toast for m, with the icon at iconPath (an absolute path,
// or "" for none) beside the text. With a Target, a click on the toast or
// on its "Open logs" button hands the app the Target's activation argument
// (activation.go). It is silent and short, as beeep's toasts were.
//
// encoding/xml escapes the text, so the title and body come back exactly
// as given, except that characters XML cannot hold (most control
// characters) become U+FFFD.
func toastXML(m message, iconPath string) (string, error) {
	doc := toastDoc{
		ActivationType: "foreground",
		Duration:       "short",
		Binding:        toastBinding{Template: "ToastGeneric"},
		Audio:          toastAudio{Silent: true},
	}
	if iconPath != "" {
		doc.Binding.Image = &toastImage{Placement: "appLogoOverride", Src: iconPath}
	}
	for _, text := range []string{m.title, m.body} {
		if text != "" {
			doc.Binding.Texts = append(doc.Binding.Texts, text)
		}
	}
	if m.target.Key != "" {
		arg, err := activationArgument(m.target)
		if err != nil {
			return "", err
		}
		doc.Launch = arg
		doc.Actions = &toastActions{Actions: []toastAction{{ActivationType: "foreground", Content: openLogsLabel, Arguments: arg}}}
	}
	out, err := xml.Marshal(doc)
	if err != nil {
		return "", fmt.Errorf("toast XML: %w", err)
	}
	return string(out), nil
}
