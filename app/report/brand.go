package report

import (
	"bytes"
	"image"
	"image/color"
	_ "image/jpeg" // decode JPEG logos
	"image/png"
	"strconv"
	"strings"

	"github.com/johnfercher/maroto/v2/pkg/consts/extension"
	"github.com/johnfercher/maroto/v2/pkg/props"
)

// parseColor reads "#rrggbb" or "#rgb" (the "#" is optional). Anything else,
// and colours so light that text in them is unreadable on white, give
// DefaultColor.
func parseColor(s string) *props.Color {
	if c, ok := hexColor(s); ok && luminance(c) <= 0.8 {
		return c
	}
	c, _ := hexColor(DefaultColor)
	return c
}

func hexColor(s string) (*props.Color, bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "#")
	if len(s) == 3 {
		s = string([]byte{s[0], s[0], s[1], s[1], s[2], s[2]})
	}
	if len(s) != 6 {
		return nil, false
	}
	v, err := strconv.ParseUint(s, 16, 32)
	if err != nil {
		return nil, false
	}
	return &props.Color{Red: int(v >> 16 & 0xff), Green: int(v >> 8 & 0xff), Blue: int(v & 0xff)}, true
}

// luminance is a rough perceived brightness, 0 (black) to 1 (white).
func luminance(c *props.Color) float64 {
	return (0.2126*float64(c.Red) + 0.7152*float64(c.Green) + 0.0722*float64(c.Blue)) / 255
}

// maxLogoPixels bounds the logo's longer side. It prints about 30 mm wide, so
// 600 px is well over 300 dpi; bigger images only make the PDF heavy.
const maxLogoPixels = 600

// prepareLogo checks that a logo decodes as PNG or JPEG and returns bytes
// gofpdf can embed. A JPEG or a plain 8-bit, non-interlaced PNG of sensible
// size is used as it is; anything else (16-bit or interlaced PNGs, which gofpdf
// rejects, or large images) is redrawn as an 8-bit PNG. A broken upload only
// drops the logo.
func prepareLogo(b []byte) ([]byte, extension.Type, bool) {
	if len(b) == 0 || len(b) > 20<<20 {
		return nil, "", false
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil || (format != "png" && format != "jpeg") || cfg.Width <= 0 || cfg.Height <= 0 ||
		cfg.Width*cfg.Height > 40_000_000 {
		return nil, "", false
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, "", false
	}
	small := cfg.Width <= maxLogoPixels && cfg.Height <= maxLogoPixels
	if small && format == "jpeg" {
		return b, extension.Jpg, true
	}
	if small && format == "png" && plainPNG(b) {
		return b, extension.Png, true
	}
	var out bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&out, downscale(img, maxLogoPixels)); err != nil {
		return nil, "", false
	}
	return out.Bytes(), extension.Png, true
}

// plainPNG reports whether the PNG header says 8 bits or fewer per channel
// and no interlacing, the kind gofpdf embeds.
func plainPNG(b []byte) bool {
	// signature (8), IHDR length and type (8), width and height (8), then
	// bit depth (24), colour type, compression, filter, interlace (28).
	if len(b) < 29 || string(b[12:16]) != "IHDR" {
		return false
	}
	return b[24] <= 8 && b[28] == 0
}

// downscale shrinks img so its longer side is at most max pixels, averaging
// each box of source pixels in premultiplied space (good enough for a logo),
// and always returns an 8-bit RGBA image.
func downscale(img image.Image, limit int) image.Image {
	bnd := img.Bounds()
	w, h := bnd.Dx(), bnd.Dy()
	nw, nh := w, h
	if w > limit || h > limit {
		if w >= h {
			nw, nh = limit, h*limit/w
		} else {
			nw, nh = w*limit/h, limit
		}
	}
	nw, nh = max(nw, 1), max(nh, 1)
	dst := image.NewRGBA(image.Rect(0, 0, nw, nh))
	for y := 0; y < nh; y++ {
		y0, y1 := bnd.Min.Y+y*h/nh, bnd.Min.Y+(y+1)*h/nh
		y1 = max(y1, y0+1)
		for x := 0; x < nw; x++ {
			x0, x1 := bnd.Min.X+x*w/nw, bnd.Min.X+(x+1)*w/nw
			x1 = max(x1, x0+1)
			var r, g, bl, a, n uint64
			for sy := y0; sy < y1; sy++ {
				for sx := x0; sx < x1; sx++ {
					c := color.RGBA64Model.Convert(img.At(sx, sy)).(color.RGBA64)
					r += uint64(c.R)
					g += uint64(c.G)
					bl += uint64(c.B)
					a += uint64(c.A)
					n++
				}
			}
			dst.SetRGBA(x, y, color.RGBA{
				R: uint8(r / n >> 8), G: uint8(g / n >> 8), B: uint8(bl / n >> 8), A: uint8(a / n >> 8),
			})
		}
	}
	return dst
}
