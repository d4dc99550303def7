package maps

import "image/color"

// Colours of the map.
var (
	seaColour      = rgb(0xd4, 0xe6, 0xf1)
	landColour     = rgb(0xec, 0xea, 0xe6) // other countries
	russiaColour   = rgb(0xfb, 0xf6, 0xea)
	belarusColour  = rgb(0xee, 0xf4, 0xe4)
	coastColour    = rgb(0x8d, 0xb2, 0xc8)
	borderColour   = rgb(0xb3, 0xae, 0xa6) // between other countries
	homeBorder     = rgb(0x8a, 0x80, 0x74) // Russia's or Belarus's with others
	ruByBorder     = rgb(0x6e, 0x5a, 0x48) // between Russia and Belarus
	countryText    = rgb(0x8c, 0x86, 0x7c)
	regionText     = rgb(0x9b, 0x94, 0x8a)
	labelText      = rgb(0x22, 0x22, 0x22)
	halo           = rgb(0xff, 0xff, 0xff)
	suggestionFill = rgb(0x1e, 0x5a, 0xb4)
	partnerFill    = rgb(0x2e, 0x8b, 0x57)
	venueFill      = rgb(0x8e, 0x24, 0xaa)
	homeFill       = rgb(0xc6, 0x28, 0x28)
	markerRim      = rgb(0xff, 0xff, 0xff)
	leaderColour   = rgb(0x55, 0x55, 0x55)
	legendFill     = color.NRGBA{0xff, 0xff, 0xff, 0xe6}
	legendEdge     = rgb(0xb0, 0xb0, 0xb0)
	scaleColour    = rgb(0x44, 0x44, 0x44)
)

func rgb(r, g, b uint8) color.RGBA { return color.RGBA{r, g, b, 0xff} }

// Sizes at 1280 pixels across; a map scales them by its width.
const (
	suggestionRadius = 13.0
	partnerRadius    = 9.0
	homeRadius       = 11.0
	markerGap        = 3.0
	markerRimPx      = 2.0 // the white ring around a marker
	haloWidth        = 2.0
)

func markerFill(m *marker) color.RGBA {
	switch {
	case m.kind == Venue:
		return venueFill
	case m.home:
		return homeFill
	case m.kind == Partner:
		return partnerFill
	}
	return suggestionFill
}
