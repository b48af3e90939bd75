package main

import (
	"strings"
	"testing"

	"github.com/wailsapp/wails/v2/pkg/options/linux"
)

func TestWebviewGPU(t *testing.T) {
	for _, c := range []struct {
		setting    string
		renderNode bool
		want       linux.WebviewGpuPolicy
	}{
		{"", true, linux.WebviewGpuPolicyAlways},
		{"", false, linux.WebviewGpuPolicyNever},
		{"auto", true, linux.WebviewGpuPolicyAlways},
		{"auto", false, linux.WebviewGpuPolicyNever},
		{"always", false, linux.WebviewGpuPolicyAlways},
		{"never", true, linux.WebviewGpuPolicyNever},
	} {
		got, why, err := webviewGPU(c.setting, c.renderNode)
		if err != nil || got != c.want || why == "" {
			t.Errorf("webviewGPU(%q, %v) = %s, %q, %v; want %s", c.setting, c.renderNode, gpuPolicyName(got), why, err, gpuPolicyName(c.want))
		}
	}
}

func TestWebviewGPURefusesUnknown(t *testing.T) {
	_, _, err := webviewGPU("sometimes", true)
	if err == nil || !strings.Contains(err.Error(), envWebviewGPU) || !strings.Contains(err.Error(), "sometimes") {
		t.Fatalf("webviewGPU(sometimes) error = %v; want one naming the variable and the value", err)
	}
}
