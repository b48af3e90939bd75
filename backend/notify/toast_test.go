package notify

import (
	"encoding/xml"
	"slices"
	"strings"
	"testing"
)

// parsedToast is a toast's XML read back the way Windows' schema lays it
// out, declared apart from the types toastXML marshals.
type parsedToast struct {
	XMLName        xml.Name `xml:"toast"`
	ActivationType string   `xml:"activationType,attr"`
	Launch         *string  `xml:"launch,attr"`
	Bindings       []struct {
		Template string `xml:"template,attr"`
		Images   []struct {
			Placement string `xml:"placement,attr"`
			Src       string `xml:"src,attr"`
		} `xml:"image"`
		Texts []string `xml:"text"`
	} `xml:"visual>binding"`
	Audio struct {
		Silent string `xml:"silent,attr"`
	} `xml:"audio"`
	Actions []struct {
		Actions []struct {
			ActivationType string `xml:"activationType,attr"`
			Content        string `xml:"content,attr"`
			Arguments      string `xml:"arguments,attr"`
		} `xml:"action"`
	} `xml:"actions"`
}

// parseToast reads doc back, failing unless it is one well-formed toast
// element with one binding.
func parseToast(t *testing.T, doc string) parsedToast {
	t.Helper()
	var p parsedToast
	dec := xml.NewDecoder(strings.NewReader(doc))
	dec.Strict = true
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("toast XML does not parse: %v\n%s", err, doc)
	}
	if _, err := dec.Token(); err == nil {
		t.Fatalf("toast XML has more after the toast element:\n%s", doc)
	}
	if len(p.Bindings) != 1 || p.Bindings[0].Template != "ToastGeneric" {
		t.Fatalf("toast XML has bindings %+v, want one ToastGeneric\n%s", p.Bindings, doc)
	}
	return p
}

func TestToastCarriesTheTextAsGiven(t *testing.T) {
	for _, c := range []struct{ title, body string }{
		{`<&]]>"'`, `]]><![CDATA[ x ]]]]><b>&amp;</b>"'`},
		{"web-1 died (exit 137)", "first line\nsecond line\r\n\ttabbed"},
		{"naïve café 容器 🐳", "{{.Title}} $(calc) `whoami`"},
	} {
		doc, err := toastXML(message{title: c.title, body: c.body}, "")
		if err != nil {
			t.Fatal(err)
		}
		p := parseToast(t, doc)
		if got, want := p.Bindings[0].Texts, []string{c.title, c.body}; !slices.Equal(got, want) {
			t.Errorf("texts %q, want %q\n%s", got, want, doc)
		}
	}
}

func TestToastWithoutBodyHasOnlyTheTitle(t *testing.T) {
	doc, err := toastXML(message{title: "web-1 died"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := parseToast(t, doc).Bindings[0].Texts; !slices.Equal(got, []string{"web-1 died"}) {
		t.Errorf("texts %q, want the title alone", got)
	}
}

func TestToastTextXMLCannotHoldStaysWellFormed(t *testing.T) {
	doc, err := toastXML(message{title: "bell\x07 nul\x00", body: "esc\x1b[31m"}, "")
	if err != nil {
		t.Fatal(err)
	}
	got := parseToast(t, doc).Bindings[0].Texts
	if want := []string{"bell\uFFFD nul\uFFFD", "esc\uFFFD[31m"}; !slices.Equal(got, want) {
		t.Errorf("texts %q, want %q", got, want)
	}
}

func TestToastAboutAContainerOpensItsLogs(t *testing.T) {
	target := Target{Key: "default/c0ffee", Name: `job "1" <&>`}
	doc, err := toastXML(message{title: "job-1 died", body: "exit 1", target: target}, `C:\Users\Ana Lyst\AppData\Local\Dockpulse\notification-icon.png`)
	if err != nil {
		t.Fatal(err)
	}
	p := parseToast(t, doc)
	if p.ActivationType != "foreground" {
		t.Errorf("toast activationType %q, want foreground (the activator is called only then)", p.ActivationType)
	}
	if p.Launch == nil {
		t.Fatalf("toast has no launch argument:\n%s", doc)
	}
	if got, err := parseActivation(*p.Launch); err != nil || got != target {
		t.Errorf("launch argument %q decodes to %+v, %v; want %+v", *p.Launch, got, err, target)
	}
	if len(p.Actions) != 1 || len(p.Actions[0].Actions) != 1 {
		t.Fatalf("actions %+v, want one button\n%s", p.Actions, doc)
	}
	button := p.Actions[0].Actions[0]
	if button.Content != openLogsLabel || button.ActivationType != "foreground" || button.Arguments != *p.Launch {
		t.Errorf("button %+v, want %q, foreground, with the toast's own argument %q", button, openLogsLabel, *p.Launch)
	}
	images := p.Bindings[0].Images
	if len(images) != 1 || images[0].Placement != "appLogoOverride" || images[0].Src != `C:\Users\Ana Lyst\AppData\Local\Dockpulse\notification-icon.png` {
		t.Errorf("images %+v, want the icon as the app logo", images)
	}
	if p.Audio.Silent != "true" {
		t.Errorf("audio silent=%q, want a silent toast", p.Audio.Silent)
	}
}

func TestToastAboutNothingOpensNothing(t *testing.T) {
	doc, err := toastXML(message{title: "hello", body: "world"}, "")
	if err != nil {
		t.Fatal(err)
	}
	p := parseToast(t, doc)
	if p.Launch != nil {
		t.Errorf("toast without a target has launch=%q", *p.Launch)
	}
	if len(p.Actions) != 0 {
		t.Errorf("toast without a target has actions %+v\n%s", p.Actions, doc)
	}
	if len(p.Bindings[0].Images) != 0 {
		t.Errorf("toast without an icon has images %+v", p.Bindings[0].Images)
	}
}
