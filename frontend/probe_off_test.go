//go:build !frameprobe

package frontend

const withFrameProbe = false
