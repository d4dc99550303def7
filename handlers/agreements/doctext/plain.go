package doctext

import (
	"bytes"
	"context"
	"fmt"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// extractPlain decodes a text file. UTF-8 and UTF-16 are recognised by
// validity and byte-order mark; anything else is single-byte Cyrillic, and
// Windows-1251 and KOI8-R are told apart by letter case: Russian and
// Belarusian prose is mostly lower case, and reading one encoding as the
// other swaps the case of every letter.
func extractPlain(ctx context.Context, data []byte) (Text, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}) && utf8.Valid(data[3:]):
		return Text{Body: string(data[3:]), Format: FormatTXT, Encoding: "utf-8"}, nil
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return Text{Body: decodeUTF16(data[2:], false), Format: FormatTXT, Encoding: "utf-16le"}, nil
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return Text{Body: decodeUTF16(data[2:], true), Format: FormatTXT, Encoding: "utf-16be"}, nil
	case utf8.Valid(data):
		return Text{Body: string(data), Format: FormatTXT, Encoding: "utf-8"}, nil
	}
	if err := ctx.Err(); err != nil {
		return Text{}, fmt.Errorf("%w: %v", ErrTimeout, err)
	}
	cp1251, err := charmap.Windows1251.NewDecoder().Bytes(data)
	if err != nil {
		return Text{}, fmt.Errorf("%w: windows-1251: %v", ErrCorrupt, err)
	}
	koi8, err := charmap.KOI8R.NewDecoder().Bytes(data)
	if err != nil {
		return Text{}, fmt.Errorf("%w: koi8-r: %v", ErrCorrupt, err)
	}
	if lowerShare(koi8) > lowerShare(cp1251)+0.2 {
		return Text{Body: string(koi8), Format: FormatTXT, Encoding: "koi8-r"}, nil
	}
	return Text{Body: string(cp1251), Format: FormatTXT, Encoding: "windows-1251"}, nil
}

func decodeUTF16(b []byte, bigEndian bool) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		if bigEndian {
			u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
		} else {
			u = append(u, uint16(b[i+1])<<8|uint16(b[i]))
		}
	}
	return string(utf16.Decode(u))
}

// lowerShare is the share of lower-case letters among Cyrillic letters.
func lowerShare(s []byte) float64 {
	lower, all := 0, 0
	for _, r := range string(s) {
		if !unicode.Is(unicode.Cyrillic, r) || !unicode.IsLetter(r) {
			continue
		}
		all++
		if unicode.IsLower(r) {
			lower++
		}
	}
	if all == 0 {
		return 0
	}
	return float64(lower) / float64(all)
}
