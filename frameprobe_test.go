package main

import (
	"reflect"
	"testing"
)

// TestFrameProbeMethodsOnlyInItsBuild: the page's frame probe reports
// through two bound methods that only the frameprobe build may have.
func TestFrameProbeMethodsOnlyInItsBuild(t *testing.T) {
	typ := reflect.TypeOf(&App{})
	for _, name := range []string{"FrameProbeWindow", "ReportFrames"} {
		if _, ok := typ.MethodByName(name); ok != withFrameProbe {
			t.Errorf("App has method %s: %v, want %v (a build with tag frameprobe: %v)", name, ok, withFrameProbe, withFrameProbe)
		}
	}
}
