package htmlreport

import (
	"fmt"
	"image"
	"image/png"
	"os"
)

// trimBottom crops the blank rows below the page's content from the PNG at path: Height is a
// generous estimate, and the browser fills the rest of the window with the background.
// At least margin blank rows stay, so the content does not touch the edge.
func trimBottom(path string, margin int) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("trim png: %w", err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("trim png: %w", err)
	}
	b := img.Bounds()
	bg := img.At(b.Min.X, b.Max.Y-1)
	last := b.Max.Y - 1
	for ; last >= b.Min.Y; last-- {
		if !rowIs(img, last, bg) {
			break
		}
	}
	bottom := min(last+1+margin, b.Max.Y)
	if bottom >= b.Max.Y {
		return nil
	}
	sub, ok := img.(interface {
		SubImage(image.Rectangle) image.Image
	})
	if !ok {
		return nil // an image type without sub-images: leave it as it is
	}
	out, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("trim png: %w", err)
	}
	if err := png.Encode(out, sub.SubImage(image.Rect(b.Min.X, b.Min.Y, b.Max.X, bottom))); err != nil {
		out.Close()
		return fmt.Errorf("trim png: %w", err)
	}
	return out.Close()
}

// rowIs reports whether every pixel of row y has colour c.
func rowIs(img image.Image, y int, c interface{ RGBA() (r, g, b, a uint32) }) bool {
	r0, g0, b0, a0 := c.RGBA()
	for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
		r, g, b, a := img.At(x, y).RGBA()
		if r != r0 || g != g0 || b != b0 || a != a0 {
			return false
		}
	}
	return true
}
