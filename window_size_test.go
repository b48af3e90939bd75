package main

import (
	"testing"

	"github.com/wailsapp/wails/v2/pkg/runtime"
)

func TestFitWindow(t *testing.T) {
	want, min := windowSize{1200, 780}, windowSize{720, 480}
	for _, tc := range []struct {
		name          string
		screen        windowSize
		size, minSize windowSize
	}{
		{"big screen: as designed", windowSize{1920, 1080}, want, min},
		{"1280x800: height less the margins", windowSize{1280, 800}, windowSize{1200, 728}, min},
		{"800x600: both", windowSize{800, 600}, windowSize{784, 528}, windowSize{720, 480}},
		{"640x480: smaller than the smallest size", windowSize{640, 480}, windowSize{624, 408}, windowSize{624, 408}},
		{"unknown: as designed", windowSize{}, want, min},
	} {
		t.Run(tc.name, func(t *testing.T) {
			size, minSize := fitWindow(want, min, tc.screen)
			if size != tc.size || minSize != tc.minSize {
				t.Errorf("fitWindow(%v) = %v, min %v; want %v, min %v", tc.screen, size, minSize, tc.size, tc.minSize)
			}
			if tc.screen.W > 0 && (size.W > tc.screen.W || size.H > tc.screen.H) {
				t.Errorf("window %v larger than the screen %v", size, tc.screen)
			}
		})
	}
}

func TestCurrentScreen(t *testing.T) {
	screen := func(w, h int, current, primary bool) runtime.Screen {
		s := runtime.Screen{IsCurrent: current, IsPrimary: primary}
		s.Size.Width, s.Size.Height = w, h
		return s
	}
	if s, ok := currentScreen([]runtime.Screen{screen(1920, 1080, false, true), screen(800, 600, true, false)}); !ok || s != (windowSize{800, 600}) {
		t.Errorf("current screen = %v, %v; want the one the window is on, 800x600", s, ok)
	}
	if s, ok := currentScreen([]runtime.Screen{screen(1024, 768, false, false), screen(1920, 1080, false, true)}); !ok || s != (windowSize{1920, 1080}) {
		t.Errorf("current screen = %v, %v; want the primary, 1920x1080", s, ok)
	}
	if _, ok := currentScreen(nil); ok {
		t.Error("no screens: want none")
	}
}
