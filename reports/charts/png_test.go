package charts

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/plot/vg/vgimg"
)

// writeExample writes f as PNG (at 150 dpi) and SVG into $TRAINIMPACT_CHARTS_OUT, when set,
// for a person to look at; the default test run writes nothing.
func writeExample(t *testing.T, name string, f *figure) {
	t.Helper()
	dir := os.Getenv("TRAINIMPACT_CHARTS_OUT")
	if dir == "" {
		return
	}
	c := vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(f.w, f.h), vgimg.UseDPI(150))}
	f.draw(c)
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		t.Fatalf("png %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	ch, err := f.svg()
	if err != nil {
		t.Fatalf("svg %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".svg"), ch.SVG, 0o644); err != nil {
		t.Fatal(err)
	}
}
