// appicons writes the application icon in the hicolor theme's sizes, for
// the Debian package: appicons SRC.png DIR writes
// DIR/NxN/apps/dockpulse.png for each size, each pixel the area-weighted
// average of the source pixels it covers (in premultiplied alpha, so that
// transparent pixels do not darken the edges).
package main

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
)

// sizes are the hicolor sizes desktop environments look up for a launcher.
var sizes = []int{16, 22, 24, 32, 48, 64, 128, 256, 512}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: appicons SRC.png DIR")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "appicons:", err)
		os.Exit(1)
	}
}

func run(src, dir string) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("decode %s: %w", src, err)
	}
	for _, n := range sizes {
		out := filepath.Join(dir, fmt.Sprintf("%dx%d", n, n), "apps", "dockpulse.png")
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		if err := write(out, scale(img, n)); err != nil {
			return err
		}
	}
	return nil
}

func write(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("encode %s: %w", path, err)
	}
	return f.Close()
}

// span is one source row or column and the share of it a target pixel covers.
type span struct {
	at int
	w  float64
}

// spans maps each of n target pixels to the source pixels (of m) under it.
func spans(m, n int) [][]span {
	out := make([][]span, n)
	s := float64(m) / float64(n)
	for t := range out {
		lo, hi := float64(t)*s, float64(t+1)*s
		for i := int(lo); i < m && float64(i) < hi; i++ {
			w := math.Min(hi, float64(i+1)) - math.Max(lo, float64(i))
			out[t] = append(out[t], span{i, w / s})
		}
	}
	return out
}

// scale resizes a square image to n×n by area averaging.
func scale(src image.Image, n int) image.Image {
	b := src.Bounds()
	xs, ys := spans(b.Dx(), n), spans(b.Dy(), n)
	dst := image.NewRGBA64(image.Rect(0, 0, n, n))
	for ty, yw := range ys {
		for tx, xw := range xs {
			var r, g, bl, a float64
			for _, y := range yw {
				for _, x := range xw {
					pr, pg, pb, pa := src.At(b.Min.X+x.at, b.Min.Y+y.at).RGBA() // premultiplied
					w := x.w * y.w
					r, g, bl, a = r+w*float64(pr), g+w*float64(pg), bl+w*float64(pb), a+w*float64(pa)
				}
			}
			dst.SetRGBA64(tx, ty, color.RGBA64{R: round(r), G: round(g), B: round(bl), A: round(a)})
		}
	}
	return dst
}

func round(v float64) uint16 { return uint16(math.Min(65535, math.Round(v))) }
