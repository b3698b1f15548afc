package htmlreport

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

func TestTrimBottom(t *testing.T) {
	tests := []struct {
		name            string
		height, content int // content: rows from the top holding a dark pixel
		margin, want    int
	}{
		{"blank tail cropped to the margin", 100, 40, 10, 50},
		{"margin larger than the tail", 100, 95, 10, 100},
		{"no blank tail", 100, 100, 10, 100},
		{"all blank", 100, 0, 10, 10},
	}
	for _, tt := range tests {
		img := image.NewRGBA(image.Rect(0, 0, 20, tt.height))
		for y := range tt.height {
			for x := range 20 {
				img.Set(x, y, color.White)
			}
		}
		for y := range tt.content {
			img.Set(y%20, y, color.Black)
		}
		path := filepath.Join(t.TempDir(), "p.png")
		f, _ := os.Create(path)
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
		f.Close()
		if err := trimBottom(path, tt.margin); err != nil {
			t.Fatal(err)
		}
		got := decodeFile(t, path)
		if h := got.Bounds().Dy(); h != tt.want {
			t.Errorf("%s: height %d after trimming, want %d", tt.name, h, tt.want)
		}
	}
}

func decodeFile(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}
