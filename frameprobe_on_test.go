//go:build frameprobe

package main

const withFrameProbe = true
