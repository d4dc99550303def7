package maps

import (
	_ "embed"
	"fmt"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
)

// PT Sans by ParaType, under the ParaType Free Font License
// (fonts/LICENSE.txt): it covers Russian and Belarusian (і, ў) as well as
// Latin.
var (
	//go:embed fonts/PTS55F.ttf
	regularTTF []byte
	//go:embed fonts/PTS75F.ttf
	boldTTF []byte
)

type fontSet struct{ regular, bold *opentype.Font }

var loadFonts = sync.OnceValues(func() (fontSet, error) {
	r, err := opentype.Parse(regularTTF)
	if err != nil {
		return fontSet{}, fmt.Errorf("maps: load font: %w", err)
	}
	b, err := opentype.Parse(boldTTF)
	if err != nil {
		return fontSet{}, fmt.Errorf("maps: load font: %w", err)
	}
	return fontSet{regular: r, bold: b}, nil
})

// faces are the type sizes of one map. A face is not safe for concurrent
// use, so every rendering makes its own.
type faces struct {
	label, number, country, region, legend, small font.Face
}

func newFaces(fs fontSet, unit float64) (faces, error) {
	var err error
	face := func(f *opentype.Font, size float64) font.Face {
		fc, e := opentype.NewFace(f, &opentype.FaceOptions{Size: size * unit, DPI: 72, Hinting: font.HintingNone})
		if e != nil && err == nil {
			err = fmt.Errorf("maps: font face: %w", e)
		}
		return fc
	}
	fc := faces{
		label:   face(fs.bold, 15),
		number:  face(fs.bold, 14),
		country: face(fs.regular, 18),
		region:  face(fs.regular, 13),
		legend:  face(fs.regular, 15),
		small:   face(fs.regular, 11),
	}
	return fc, err
}
