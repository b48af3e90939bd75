package main

import (
	"fmt"
	"path/filepath"

	"github.com/wailsapp/wails/v2/pkg/options/linux"
)

// envWebviewGPU chooses the Linux webview's hardware acceleration:
// "always", "never", or unset/"auto" for webviewGPU's choice.
const envWebviewGPU = "DOCKPULSE_WEBVIEW_GPU"

// renderNodes is where a machine's GPUs offer rendering to programs. With
// none, OpenGL can only be Mesa's software rasterizer (llvmpipe).
const renderNodes = "/dev/dri/renderD*"

// webviewGPU returns the WebKitGTK hardware acceleration policy and why.
// Accelerated compositing draws every frame through OpenGL; on a machine
// without a GPU that OpenGL is llvmpipe, which emulates the GPU on the
// CPU, and the dashboard then draws about one frame a second
// (docs/performance.md, "In the desktop webview"): there WebKit paints in
// software directly, which is many times cheaper. With a GPU, compositing
// stays on. setting is the value of envWebviewGPU; haveRenderNode tells
// whether the machine has a render node.
func webviewGPU(setting string, haveRenderNode bool) (linux.WebviewGpuPolicy, string, error) {
	switch setting {
	case "always":
		return linux.WebviewGpuPolicyAlways, envWebviewGPU + "=always", nil
	case "never":
		return linux.WebviewGpuPolicyNever, envWebviewGPU + "=never", nil
	case "", "auto":
		if haveRenderNode {
			return linux.WebviewGpuPolicyAlways, "a GPU render node exists", nil
		}
		return linux.WebviewGpuPolicyNever, "no GPU render node (" + renderNodes + "): OpenGL would be software", nil
	}
	return 0, "", fmt.Errorf("%s=%q: want always, never or auto", envWebviewGPU, setting)
}

// haveRenderNode tells whether the machine has a GPU render node.
func haveRenderNode() bool {
	m, err := filepath.Glob(renderNodes)
	return err == nil && len(m) > 0
}

// gpuPolicyName is the policy as the setting spells it, for the log.
func gpuPolicyName(p linux.WebviewGpuPolicy) string {
	switch p {
	case linux.WebviewGpuPolicyAlways:
		return "always"
	case linux.WebviewGpuPolicyNever:
		return "never"
	case linux.WebviewGpuPolicyOnDemand:
		return "on demand"
	}
	return fmt.Sprintf("unknown (%d)", int(p))
}
