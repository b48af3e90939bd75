//go:build frameprobe

package frontend

const withFrameProbe = true
