package maps

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"
)

func TestEncodePNG(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 300, 700)) // over one 64 KiB chunk
	for y := 0; y < 700; y++ {
		for x := 0; x < 300; x++ {
			img.SetRGBA(x, y, color.RGBA{uint8(x * y), uint8(x + 3*y), uint8(x ^ y), 0xff})
		}
	}
	var buf bytes.Buffer
	if err := encodePNG(&buf, img); err != nil {
		t.Fatal(err)
	}
	got, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for y := 0; y < 700; y++ {
		for x := 0; x < 300; x++ {
			r1, g1, b1, _ := img.At(x, y).RGBA()
			r2, g2, b2, a2 := got.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 || a2 != 0xffff {
				t.Fatalf("pixel %d,%d: %v, want %v", x, y, got.At(x, y), img.At(x, y))
			}
		}
	}
}
