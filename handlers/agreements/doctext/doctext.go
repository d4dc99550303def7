// Package doctext turns an uploaded agreement file (.docx, .odt, .pdf with a
// text layer, or plain text in UTF-8 or Windows-1251) into plain text.
//
// Every input is treated as hostile: the format is decided by the content,
// not the file name; sizes, archive entries, decompressed bytes, extracted
// runes and wall-clock time are bounded; a panic inside a parser is recovered
// and reported as ErrCorrupt. Each failure is one of the sentinel errors below
// so that the caller can answer the user with a precise, localized message.
package doctext

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Sentinel errors. Extract wraps them with detail; test with errors.Is.
var (
	// ErrEmpty: the file has no bytes, or no text at all.
	ErrEmpty = errors.New("doctext: empty document")
	// ErrTooLarge: the file is larger than Limits.MaxBytes.
	ErrTooLarge = errors.New("doctext: file too large")
	// ErrUnsupported: an image, a legacy .doc, a spreadsheet or another
	// format that is not one of docx, odt, pdf, txt.
	ErrUnsupported = errors.New("doctext: unsupported file type")
	// ErrImage: a picture (a photo of a page, say). It wraps
	// ErrUnsupported, so errors.Is reports both.
	ErrImage = fmt.Errorf("%w: image", ErrUnsupported)
	// ErrWrongExtension: the content is a supported format, but not the one
	// the file name says (a .pdf that is really a .docx).
	ErrWrongExtension = errors.New("doctext: content does not match the file extension")
	// ErrEncrypted: a PDF that cannot be opened without a password.
	ErrEncrypted = errors.New("doctext: encrypted document")
	// ErrNoTextLayer: a PDF with pages but no text (a scan).
	ErrNoTextLayer = errors.New("doctext: PDF has no text layer")
	// ErrCorrupt: the file claims a format but cannot be parsed.
	ErrCorrupt = errors.New("doctext: corrupt document")
	// ErrZipBomb: an archive exceeds the entry or decompressed-size caps.
	ErrZipBomb = errors.New("doctext: archive exceeds decompression limits")
	// ErrTimeout: extraction did not finish within Limits.Timeout or the
	// context's deadline.
	ErrTimeout = errors.New("doctext: extraction timed out")
)

// Format names reported in Text.Format.
const (
	FormatDOCX = "docx"
	FormatPDF  = "pdf"
	FormatODT  = "odt"
	FormatTXT  = "txt"
)

// Default limits, used for zero fields of Limits.
const (
	DefaultMaxBytes    int64 = 20 << 20 // Telegram's bot download limit.
	DefaultMaxUnzipped int64 = 50 << 20
	DefaultMaxEntries        = 2000
	DefaultMaxRunes          = 500_000 // about 150 pages of dense text
	DefaultTimeout           = 10 * time.Second
)

// Limits bounds the work done on one file. Zero fields take the defaults.
type Limits struct {
	MaxBytes    int64         // size of the uploaded file
	MaxUnzipped int64         // bytes decompressed from an archive or PDF streams
	MaxEntries  int           // entries in a docx/odt archive
	MaxRunes    int           // runes kept in Text.Body; longer text is truncated
	Timeout     time.Duration // wall-clock budget for one Extract call
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxUnzipped <= 0 {
		l.MaxUnzipped = DefaultMaxUnzipped
	}
	if l.MaxEntries <= 0 {
		l.MaxEntries = DefaultMaxEntries
	}
	if l.MaxRunes <= 0 {
		l.MaxRunes = DefaultMaxRunes
	}
	if l.Timeout <= 0 {
		l.Timeout = DefaultTimeout
	}
	return l
}

// Text is the extracted plain text of a document.
type Text struct {
	// Body is UTF-8 text with paragraphs separated by "\n" and no "\r".
	Body string
	// Format is one of "docx", "pdf", "odt", "txt".
	Format string
	// Encoding is the source encoding of a txt file ("utf-8",
	// "windows-1251", "koi8-r", "utf-16le", "utf-16be"); "utf-8" otherwise.
	Encoding string
	// Truncated is set when Body was cut at Limits.MaxRunes.
	Truncated bool
}

// Extract detects the format of data by its content, checks it against the
// extension of name, and returns its text. It never panics; every error wraps
// one of the package's sentinel errors, except a cancelled ctx, which is
// reported as ErrTimeout as well.
func Extract(ctx context.Context, name string, data []byte, lim Limits) (Text, error) {
	lim = lim.withDefaults()
	if len(data) == 0 {
		return Text{}, ErrEmpty
	}
	if int64(len(data)) > lim.MaxBytes {
		return Text{}, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(data), lim.MaxBytes)
	}
	if err := ctx.Err(); err != nil {
		return Text{}, fmt.Errorf("%w: %v", ErrTimeout, err)
	}

	kind := sniff(data)
	ext := strings.ToLower(strings.TrimPrefix(path.Ext(name), "."))
	if err := checkExtension(ext, kind); err != nil {
		return Text{}, err
	}

	ctx, cancel := context.WithTimeout(ctx, lim.Timeout)
	defer cancel()

	var (
		t   Text
		err error
	)
	switch kind {
	case kindPDF:
		t, err = runGuarded(ctx, func(ctx context.Context) (Text, error) { return extractPDF(ctx, data, lim) })
	case kindDOCX:
		t, err = runGuarded(ctx, func(ctx context.Context) (Text, error) { return extractDOCX(ctx, data, lim) })
	case kindODT:
		t, err = runGuarded(ctx, func(ctx context.Context) (Text, error) { return extractODT(ctx, data, lim) })
	case kindText:
		t, err = runGuarded(ctx, func(ctx context.Context) (Text, error) { return extractPlain(ctx, data) })
	case kindZip:
		// A zip, but neither docx nor odt: under a .docx or .odt name it is
		// a broken document, otherwise some other archive.
		if ext == FormatDOCX || ext == FormatODT {
			return Text{}, fmt.Errorf("%w: archive without a document part", ErrCorrupt)
		}
		return Text{}, fmt.Errorf("%w: zip archive", ErrUnsupported)
	case kindUnknownBinary:
		// Bytes that are none of the known formats: a broken file when the
		// name promises docx/odt/pdf, otherwise just something unsupported.
		switch ext {
		case FormatDOCX, FormatODT, FormatPDF:
			return Text{}, fmt.Errorf("%w: not a %s file", ErrCorrupt, ext)
		}
		return Text{}, fmt.Errorf("%w: unrecognised binary content", ErrUnsupported)
	case kindImage:
		return Text{}, ErrImage
	default:
		return Text{}, fmt.Errorf("%w: %s", ErrUnsupported, kind)
	}
	if err != nil {
		return Text{}, err
	}
	t.Body = normalizeBody(t.Body)
	if !hasLetters(t.Body) {
		if kind == kindPDF {
			return Text{}, ErrNoTextLayer
		}
		return Text{}, ErrEmpty
	}
	t.Body, t.Truncated = truncateRunes(t.Body, lim.MaxRunes)
	return t, nil
}

// runGuarded runs f in its own goroutine so that a parser stuck in a loop
// that does not watch ctx still lets Extract return on time, and converts a
// panic into ErrCorrupt. The extractors check ctx themselves wherever they
// can, so a goroutine that outlives its caller finishes soon after.
func runGuarded(ctx context.Context, f func(context.Context) (Text, error)) (Text, error) {
	type result struct {
		t   Text
		err error
	}
	done := make(chan result, 1)
	go func() {
		var r result
		defer func() {
			if p := recover(); p != nil {
				if e, ok := p.(error); ok && errors.Is(e, errAborted) {
					r = result{err: fmt.Errorf("%w: %v", ErrTimeout, ctx.Err())}
				} else {
					r = result{err: fmt.Errorf("%w: parser panic: %v", ErrCorrupt, p)}
				}
			}
			done <- r
		}()
		r.t, r.err = f(ctx)
	}()
	select {
	case r := <-done:
		if r.err != nil && ctx.Err() != nil && !isSentinel(r.err) {
			return Text{}, fmt.Errorf("%w: %v", ErrTimeout, ctx.Err())
		}
		return r.t, r.err
	case <-ctx.Done():
		return Text{}, fmt.Errorf("%w: %v", ErrTimeout, ctx.Err())
	}
}

// errAborted is panicked from inside third-party callbacks to unwind a parser
// when ctx is done; runGuarded turns it into ErrTimeout.
var errAborted = errors.New("doctext: aborted")

func isSentinel(err error) bool {
	for _, s := range []error{ErrEmpty, ErrTooLarge, ErrUnsupported, ErrWrongExtension, ErrEncrypted,
		ErrNoTextLayer, ErrCorrupt, ErrZipBomb, ErrTimeout} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

type kind string

const (
	kindPDF           kind = "pdf"
	kindDOCX          kind = "docx"
	kindODT           kind = "odt"
	kindText          kind = "txt"
	kindZip           kind = "zip"
	kindOLE           kind = "legacy office document"
	kindRTF           kind = "rtf"
	kindImage         kind = "image"
	kindOtherOffice   kind = "office document of another kind"
	kindUnknownBinary kind = "binary"
)

// sniff decides the format by looking at the bytes only.
func sniff(data []byte) kind {
	head := data
	if len(head) > 1024 {
		head = head[:1024]
	}
	switch {
	case bytes.Contains(head, []byte("%PDF-")):
		return kindPDF
	case bytes.HasPrefix(data, []byte("PK\x03\x04")), bytes.HasPrefix(data, []byte("PK\x05\x06")):
		return sniffZip(data)
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return kindOLE
	case bytes.HasPrefix(data, []byte(`{\rtf`)):
		return kindRTF
	case isImage(data):
		return kindImage
	case looksLikeText(data):
		return kindText
	}
	return kindUnknownBinary
}

func isImage(b []byte) bool {
	prefixes := [][]byte{
		{0x89, 'P', 'N', 'G'},
		{0xFF, 0xD8, 0xFF},
		[]byte("GIF87a"), []byte("GIF89a"),
		[]byte("II*\x00"), []byte("MM\x00*"),
		[]byte("BM"),
	}
	for _, p := range prefixes {
		if bytes.HasPrefix(b, p) {
			// "BM" is also how some text starts; require the BMP header size.
			if p[0] == 'B' && (len(b) < 26 || b[14] == 0 || bytes.IndexByte(b[:26], 0) < 0) {
				continue
			}
			return true
		}
	}
	if len(b) >= 12 && string(b[0:4]) == "RIFF" && string(b[8:12]) == "WEBP" {
		return true
	}
	if len(b) >= 12 && string(b[4:8]) == "ftyp" {
		switch string(b[8:12]) {
		case "heic", "heix", "mif1", "msf1", "avif":
			return true
		}
	}
	return false
}

// checkExtension compares the extension with the detected content. Unknown
// or missing extensions are not an error: the content decides.
func checkExtension(ext string, k kind) error {
	supported := map[string]kind{"pdf": kindPDF, "docx": kindDOCX, "odt": kindODT, "txt": kindText}
	want, known := supported[ext]
	switch k {
	case kindPDF, kindDOCX, kindODT, kindText:
	default:
		return nil // decided by the caller: unsupported or corrupt
	}
	if known {
		if want == k {
			return nil
		}
		return fmt.Errorf("%w: named .%s, content is %s", ErrWrongExtension, ext, k)
	}
	switch ext {
	case "doc", "rtf", "xls", "xlsx", "ppt", "pptx", "ods", "odp", "jpg", "jpeg", "png", "gif", "tif", "tiff", "bmp", "webp", "heic", "zip", "rar", "7z":
		return fmt.Errorf("%w: named .%s, content is %s", ErrWrongExtension, ext, k)
	}
	return nil
}

// looksLikeText accepts UTF-8 (with or without BOM), UTF-16 with a BOM, and
// single-byte Cyrillic text, and rejects binary data.
func looksLikeText(b []byte) bool {
	if bytes.HasPrefix(b, []byte{0xFF, 0xFE}) || bytes.HasPrefix(b, []byte{0xFE, 0xFF}) {
		return len(b)%2 == 0
	}
	sample := b
	if len(sample) > 64<<10 {
		sample = sample[:64<<10]
	}
	if bytes.IndexByte(sample, 0) >= 0 {
		return false
	}
	control := 0
	for _, c := range sample {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' {
			control++
		}
	}
	if control*100 > len(sample) {
		return false
	}
	if utf8.Valid(trimIncompleteRune(sample)) {
		return true
	}
	// Single-byte text: Cyrillic letters live in 0xC0–0xFF in both
	// Windows-1251 and KOI8-R; require most high bytes to be there and the
	// text to have spaces between words.
	high, letters, spaces := 0, 0, 0
	for _, c := range sample {
		switch {
		case c >= 0x80:
			high++
			if c >= 0xC0 || c == 0xA8 || c == 0xB8 || c == 0xB2 || c == 0xB3 || c == 0xA1 || c == 0xA2 || c == 0xA3 {
				letters++
			}
		case c == ' ' || c == '\n':
			spaces++
		}
	}
	return high > 0 && letters*10 >= high*8 && spaces*40 >= len(sample)
}

// trimIncompleteRune drops a rune cut in half by sampling.
func trimIncompleteRune(b []byte) []byte {
	for i := 0; i < utf8.UTFMax && len(b) > 0; i++ {
		r, size := utf8.DecodeLastRune(b)
		if r != utf8.RuneError || size != 1 {
			return b
		}
		b = b[:len(b)-1]
	}
	return b
}

// normalizeBody unifies line breaks and spaces, drops control characters and
// collapses runs of blank lines, keeping paragraph structure intact.
func normalizeBody(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r == '\u00A0' || r == '\u2007' || r == '\u202F' || r == '\u2009' || r == '\u2002' || r == '\u2003':
			b.WriteByte(' ')
		case r == '\u00AD' || r == '\u200B' || r == '\uFEFF' || r == '\u200C' || r == '\u200D':
			// soft hyphen, zero-width characters, stray BOM
		case r == '\f' || r == '\v' || r == '\u2028' || r == '\u2029':
			b.WriteByte('\n')
		case r == utf8.RuneError:
			// undecodable glyphs carry no meaning
		case unicode.IsControl(r):
		default:
			b.WriteRune(r)
		}
	}
	lines := strings.Split(b.String(), "\n")
	out := make([]string, 0, len(lines))
	blank := 0
	for _, ln := range lines {
		ln = strings.TrimRight(ln, " \t")
		if strings.TrimSpace(ln) == "" {
			blank++
			if blank > 1 || len(out) == 0 {
				continue
			}
			out = append(out, "")
			continue
		}
		blank = 0
		out = append(out, ln)
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return strings.Join(out, "\n")
}

func hasLetters(s string) bool {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
			if n >= 3 {
				return true
			}
		}
	}
	return false
}

// truncateRunes cuts s to at most max runes, at a line break when one is
// near the cut.
func truncateRunes(s string, max int) (string, bool) {
	if utf8.RuneCountInString(s) <= max {
		return s, false
	}
	n := 0
	for i := range s {
		if n == max {
			cut := s[:i]
			if j := strings.LastIndexByte(cut, '\n'); j > len(cut)*9/10 {
				cut = cut[:j]
			}
			return cut, true
		}
		n++
	}
	return s, false
}
