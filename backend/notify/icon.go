package notify

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"

	"github.com/dockpulse/dockpulse/backend/atomicfile"
	"github.com/dockpulse/dockpulse/backend/configdir"
)

// IconSize is the side of the icon a notification carries, in pixels.
// Notification services draw icons at 48 to 64 px; the app's own icon is
// 1024 px, which would be 4 MB of pixels on the session bus each time.
const IconSize = 64

// iconFileName is the icon's file in the app's folder of the user's cache
// directory, for a platform that takes an icon by its path (Windows).
const iconFileName = "notification-icon.png"

// iconFile writes the icon (PNG bytes) to iconFileName in the app's
// folder of the user's cache directory and returns its absolute path. A
// file that already holds these bytes is left alone: Windows may be reading
// it for a toast on screen, and it could not be replaced while it does.
func iconFile(icon []byte) (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("find the cache directory for the notification icon: %w", err)
	}
	path, err := filepath.Abs(filepath.Join(dir, configdir.Name, iconFileName))
	if err != nil {
		return "", fmt.Errorf("notification icon path: %w", err)
	}
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, icon) {
		return path, nil
	}
	if err := atomicfile.WriteFile(path, icon); err != nil {
		return "", fmt.Errorf("write the notification icon: %w", err)
	}
	return path, nil
}

// smallIcon scales a PNG down to size×size by averaging each block of
// pixels, and encodes it as PNG again.
func smallIcon(data []byte, size int) ([]byte, error) {
	src, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decode icon: %w", err)
	}
	b := src.Bounds()
	if b.Dx() <= size && b.Dy() <= size {
		return data, nil
	}
	dst := image.NewNRGBA(image.Rect(0, 0, size, size))
	for y := 0; y < size; y++ {
		y0, y1 := b.Min.Y+y*b.Dy()/size, b.Min.Y+(y+1)*b.Dy()/size
		for x := 0; x < size; x++ {
			x0, x1 := b.Min.X+x*b.Dx()/size, b.Min.X+(x+1)*b.Dx()/size
			var r, g, bl, a, n uint64
			for sy := y0; sy < y1; sy++ {
				for sx := x0; sx < x1; sx++ {
					c := color.NRGBA64Model.Convert(src.At(sx, sy)).(color.NRGBA64)
					// Weigh colour by alpha, so transparent pixels add no colour.
					r += uint64(c.R) * uint64(c.A)
					g += uint64(c.G) * uint64(c.A)
					bl += uint64(c.B) * uint64(c.A)
					a += uint64(c.A)
					n++
				}
			}
			if n == 0 || a == 0 {
				continue
			}
			dst.SetNRGBA(x, y, color.NRGBA{R: uint8(r / a >> 8), G: uint8(g / a >> 8), B: uint8(bl / a >> 8), A: uint8(a / n >> 8)})
		}
	}
	var out bytes.Buffer
	if err := png.Encode(&out, dst); err != nil {
		return nil, fmt.Errorf("encode icon: %w", err)
	}
	return out.Bytes(), nil
}
