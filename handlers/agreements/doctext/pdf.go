package doctext

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/ledongthuc/pdf"
)

// PDF text is read with github.com/ledongthuc/pdf, which parses the file
// structure, decrypts files that open with an empty password, and decodes
// font encodings and ToUnicode maps. The page tree walk, the content stream
// interpretation and the layout into lines and words are done here, because
// the library's own plain-text helpers glue words together when a PDF
// positions text without space characters, miss text inside Form XObjects,
// and loop forever on cyclic page trees.

const (
	maxPDFPages      = 3000
	maxPageTreeNodes = 20000
	maxTreeDepth     = 32
	maxFormDepth     = 8
	maxOpsPerDoc     = 20_000_000
	ctxCheckEvery    = 1024
)

var errWorkLimit = errors.New("doctext: PDF work limit exceeded")

func extractPDF(ctx context.Context, data []byte, lim Limits) (Text, error) {
	data = pdfFixHeader(data)
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		if pdfIsEncrypted(data) {
			return Text{}, fmt.Errorf("%w: %v", ErrEncrypted, err)
		}
		return Text{}, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	pages, err := pdfPages(ctx, r)
	if err != nil {
		return Text{}, err
	}
	if len(pages) == 0 {
		return Text{}, fmt.Errorf("%w: PDF without pages", ErrEmpty)
	}
	x := &pdfExtractor{ctx: ctx, budget: lim.MaxUnzipped, maxRunes: lim.MaxRunes}
	var (
		body      strings.Builder
		pageErrs  int
		firstErr  error
		textPages int
	)
	for _, pg := range pages {
		if err := ctx.Err(); err != nil {
			return Text{}, fmt.Errorf("%w: %v", ErrTimeout, err)
		}
		text, err := x.page(pg)
		if err != nil {
			if isSentinel(err) {
				return Text{}, err
			}
			pageErrs++
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		if strings.TrimSpace(text) != "" {
			textPages++
			body.WriteString(text)
			body.WriteString("\n\n")
		}
		if x.runes > lim.MaxRunes*2 {
			break
		}
	}
	if textPages == 0 && pageErrs > 0 {
		return Text{}, fmt.Errorf("%w: %v", ErrCorrupt, firstErr)
	}
	return Text{Body: body.String(), Format: FormatPDF, Encoding: "utf-8"}, nil
}

// pdfFixHeader makes the header acceptable to the library, which reads only
// "%PDF-1.0" to "%PDF-1.7" at offset zero: PDF 2.0 files parse the same way
// for text, and a few producers put junk before the header.
func pdfFixHeader(data []byte) []byte {
	i := bytes.Index(data, []byte("%PDF-"))
	if i < 0 {
		return data
	}
	data = data[i:]
	if len(data) >= 9 && !(data[5] == '1' && data[6] == '.' && data[7] >= '0' && data[7] <= '7' && (data[8] == '\r' || data[8] == '\n')) {
		fixed := make([]byte, len(data))
		copy(fixed, data)
		copy(fixed, "%PDF-1.7")
		if fixed[8] != '\r' && fixed[8] != '\n' {
			fixed[8] = '\n'
		}
		return fixed
	}
	return data
}

// pdfIsEncrypted reports whether the trailer refers to an encryption
// dictionary.
func pdfIsEncrypted(data []byte) bool {
	tail := data
	if len(tail) > 64<<10 {
		tail = tail[len(tail)-64<<10:]
	}
	return bytes.Contains(tail, []byte("/Encrypt")) || bytes.Contains(data, []byte("/Type /XRef")) && bytes.Contains(data, []byte("/Encrypt"))
}

// pdfPages walks the page tree with bounds on depth and node count, so a
// cyclic or absurd tree ends instead of looping.
func pdfPages(ctx context.Context, r *pdf.Reader) (pages []pdf.Value, err error) {
	defer func() {
		if p := recover(); p != nil {
			pages, err = nil, fmt.Errorf("%w: page tree: %v", ErrCorrupt, p)
		}
	}()
	nodes := 0
	var walk func(v pdf.Value, depth int) error
	walk = func(v pdf.Value, depth int) error {
		nodes++
		if nodes > maxPageTreeNodes || depth > maxTreeDepth {
			return fmt.Errorf("%w: page tree too large or cyclic", ErrCorrupt)
		}
		if nodes%ctxCheckEvery == 0 && ctx.Err() != nil {
			return fmt.Errorf("%w: %v", ErrTimeout, ctx.Err())
		}
		kids := v.Key("Kids")
		if v.Key("Type").Name() == "Page" || kids.Kind() != pdf.Array {
			if len(pages) >= maxPDFPages {
				return nil
			}
			pages = append(pages, v)
			return nil
		}
		for i := 0; i < kids.Len(); i++ {
			if err := walk(kids.Index(i), depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	root := r.Trailer().Key("Root").Key("Pages")
	if root.IsNull() {
		return nil, fmt.Errorf("%w: no page tree", ErrCorrupt)
	}
	if err := walk(root, 0); err != nil {
		return nil, err
	}
	return pages, nil
}

// inherited looks a page attribute up through a bounded Parent chain.
func inherited(v pdf.Value, key string) pdf.Value {
	for i := 0; i < maxTreeDepth && !v.IsNull(); i++ {
		if x := v.Key(key); !x.IsNull() {
			return x
		}
		v = v.Key("Parent")
	}
	return pdf.Value{}
}

type pdfExtractor struct {
	ctx      context.Context
	budget   int64 // decompressed stream bytes still allowed
	ops      int
	runes    int
	maxRunes int
}

// page returns the text of one page. A panic inside the library caused by a
// malformed page becomes an error for this page only; running out of time or
// budget ends the document.
func (x *pdfExtractor) page(pg pdf.Value) (text string, err error) {
	lay := &layout{}
	defer func() {
		if p := recover(); p != nil {
			if e, ok := p.(error); ok && (isSentinel(e) || errors.Is(e, errAborted)) {
				if errors.Is(e, errAborted) {
					e = fmt.Errorf("%w: %v", ErrTimeout, x.ctx.Err())
				}
				text, err = "", e
				return
			}
			// Keep what was read before the damage.
			text, err = lay.String(), nil
			if strings.TrimSpace(text) == "" {
				err = fmt.Errorf("malformed page: %v", p)
			}
		}
	}()
	contents := pg.Key("Contents")
	if contents.IsNull() {
		return "", nil
	}
	if err := x.measure(contents); err != nil {
		return "", err
	}
	x.interpret(contents, inherited(pg, "Resources"), identity, lay, 0)
	s := lay.String()
	x.runes += len(s)
	return s, nil
}

// measure decompresses the content streams once, counting, so that a
// decompression bomb is refused before the interpreter sees it.
func (x *pdfExtractor) measure(strm pdf.Value) error {
	var streams []pdf.Value
	if strm.Kind() == pdf.Array {
		for i := 0; i < strm.Len() && i < 10000; i++ {
			streams = append(streams, strm.Index(i))
		}
	} else {
		streams = []pdf.Value{strm}
	}
	buf := make([]byte, 32<<10)
	for _, s := range streams {
		if s.Kind() != pdf.Stream {
			continue
		}
		rc := s.Reader()
		for {
			if err := x.ctx.Err(); err != nil {
				rc.Close()
				return fmt.Errorf("%w: %v", ErrTimeout, err)
			}
			n, err := rc.Read(buf)
			x.budget -= int64(n)
			if x.budget < 0 {
				rc.Close()
				return fmt.Errorf("%w: PDF streams decompress past the limit", ErrZipBomb)
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				rc.Close()
				return fmt.Errorf("stream: %w", err)
			}
		}
		rc.Close()
	}
	return nil
}

type matrix [6]float64 // a b c d e f

var identity = matrix{1, 0, 0, 1, 0, 0}

// mul returns m × n (apply m, then n).
func (m matrix) mul(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

func translate(tx, ty float64) matrix { return matrix{1, 0, 0, 1, tx, ty} }

type pdfFont struct {
	enc      pdf.TextEncoding
	twoByte  bool
	widths   map[int]float64
	first    int
	simple   []float64
	defWidth float64
	decoded  map[int]string // the library's CMap lookup is linear; cache it
}

func (f *pdfFont) decode(code int, raw string) string {
	if s, ok := f.decoded[code]; ok {
		return s
	}
	s := f.enc.Decode(raw)
	if f.decoded == nil {
		f.decoded = map[int]string{}
	}
	if len(f.decoded) < 1<<16 {
		f.decoded[code] = s
	}
	return s
}

func (f *pdfFont) width(code int) float64 {
	if f.twoByte {
		if w, ok := f.widths[code]; ok {
			return w
		}
		return f.defWidth
	}
	if i := code - f.first; i >= 0 && i < len(f.simple) && f.simple[i] > 0 {
		return f.simple[i]
	}
	return f.defWidth
}

func loadFont(v pdf.Value) *pdfFont {
	font := pdf.Font{V: v}
	f := &pdfFont{enc: font.Encoder()}
	if f.enc == nil {
		f.enc = nopEncoding{}
	}
	if v.Key("Subtype").Name() == "Type0" {
		f.twoByte = true
		f.defWidth = 1000
		desc := v.Key("DescendantFonts").Index(0)
		if dw := desc.Key("DW"); dw.Kind() == pdf.Integer || dw.Kind() == pdf.Real {
			f.defWidth = dw.Float64()
		}
		f.widths = cidWidths(desc.Key("W"))
		return f
	}
	f.defWidth = 500
	f.first = int(v.Key("FirstChar").Int64())
	ws := v.Key("Widths")
	for i := 0; i < ws.Len() && i < 65536; i++ {
		f.simple = append(f.simple, ws.Index(i).Float64())
	}
	return f
}

// cidWidths reads a CIDFont W array: "c [w1 w2 …]" or "cFirst cLast w".
func cidWidths(w pdf.Value) map[int]float64 {
	out := map[int]float64{}
	n := w.Len()
	for i := 0; i < n && len(out) < 1<<16; {
		c := int(w.Index(i).Int64())
		if i+1 >= n {
			break
		}
		next := w.Index(i + 1)
		if next.Kind() == pdf.Array {
			for j := 0; j < next.Len() && len(out) < 1<<16; j++ {
				out[c+j] = next.Index(j).Float64()
			}
			i += 2
			continue
		}
		if i+2 >= n {
			break
		}
		last := int(next.Int64())
		wd := w.Index(i + 2).Float64()
		for cc := c; cc <= last && cc-c < 1<<16; cc++ {
			out[cc] = wd
		}
		i += 3
	}
	return out
}

type nopEncoding struct{}

func (nopEncoding) Decode(raw string) string { return raw }

type gstate struct {
	ctm  matrix
	font *pdfFont
	tfs  float64
	tc   float64
	tw   float64
	th   float64
	tl   float64
	rise float64
}

// interpret runs one content stream (a page or a Form XObject), feeding
// positioned glyphs to lay.
func (x *pdfExtractor) interpret(strm, res pdf.Value, ctm matrix, lay *layout, depth int) {
	fonts := map[string]*pdfFont{}
	g := gstate{ctm: ctm, th: 1}
	var stack []gstate
	var tm, tlm matrix = identity, identity

	show := func(raw string) {
		if g.font == nil {
			g.font = &pdfFont{enc: nopEncoding{}, defWidth: 500}
		}
		f := g.font
		step := 1
		if f.twoByte {
			step = 2
		}
		for i := 0; i+step <= len(raw); i += step {
			code := int(raw[i])
			if step == 2 {
				code = code<<8 | int(raw[i+1])
			}
			s := f.decode(code, raw[i:i+step])
			trm := matrix{g.tfs * g.th, 0, 0, g.tfs, 0, g.rise}.mul(tm).mul(g.ctm)
			size := math.Hypot(trm[2], trm[3])
			w0 := f.width(code)
			tx := (w0/1000*g.tfs + g.tc) * g.th
			if step == 1 && code == 32 {
				tx += g.tw * g.th
			}
			adv := matrix{1, 0, 0, 1, tx, 0}.mul(tm).mul(g.ctm)
			end := adv[4]
			lay.add(s, trm[4], trm[5], end, size)
			tm = translate(tx, 0).mul(tm)
		}
	}

	pdf.Interpret(strm, func(stk *pdf.Stack, op string) {
		x.ops++
		if x.ops%ctxCheckEvery == 0 {
			if x.ctx.Err() != nil {
				panic(errAborted)
			}
			if x.ops > maxOpsPerDoc {
				panic(fmt.Errorf("%w: %v", ErrCorrupt, errWorkLimit))
			}
		}
		n := stk.Len()
		args := make([]pdf.Value, n)
		for i := n - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		num := func(i int) float64 {
			if i < len(args) {
				return args[i].Float64()
			}
			return 0
		}
		switch op {
		case "q":
			if len(stack) < 256 {
				stack = append(stack, g)
			}
		case "Q":
			if len(stack) > 0 {
				g = stack[len(stack)-1]
				stack = stack[:len(stack)-1]
			}
		case "cm":
			if len(args) == 6 {
				g.ctm = matrix{num(0), num(1), num(2), num(3), num(4), num(5)}.mul(g.ctm)
			}
		case "BT":
			tm, tlm = identity, identity
		case "Tc":
			g.tc = num(0)
		case "Tw":
			g.tw = num(0)
		case "Tz":
			g.th = num(0) / 100
		case "TL":
			g.tl = num(0)
		case "Ts":
			g.rise = num(0)
		case "Tf":
			if len(args) == 2 {
				name := args[0].Name()
				f, ok := fonts[name]
				if !ok {
					f = loadFont(res.Key("Font").Key(name))
					fonts[name] = f
				}
				g.font, g.tfs = f, num(1)
			}
		case "Td", "TD":
			if op == "TD" {
				g.tl = -num(1)
			}
			tlm = translate(num(0), num(1)).mul(tlm)
			tm = tlm
		case "Tm":
			if len(args) == 6 {
				tlm = matrix{num(0), num(1), num(2), num(3), num(4), num(5)}
				tm = tlm
			}
		case "T*":
			tlm = translate(0, -g.tl).mul(tlm)
			tm = tlm
		case "Tj":
			if len(args) == 1 {
				show(args[0].RawString())
			}
		case "'", "\"":
			if op == "\"" && len(args) == 3 {
				g.tw, g.tc = num(0), num(1)
				args = args[2:]
			}
			tlm = translate(0, -g.tl).mul(tlm)
			tm = tlm
			if len(args) == 1 {
				show(args[0].RawString())
			}
		case "TJ":
			if len(args) != 1 {
				return
			}
			a := args[0]
			for i := 0; i < a.Len(); i++ {
				v := a.Index(i)
				if v.Kind() == pdf.String {
					show(v.RawString())
				} else {
					tx := -v.Float64() / 1000 * g.tfs * g.th
					tm = translate(tx, 0).mul(tm)
				}
			}
		case "BI":
			lay.images++
		case "Do":
			if len(args) != 1 {
				return
			}
			xo := res.Key("XObject").Key(args[0].Name())
			switch xo.Key("Subtype").Name() {
			case "Image":
				lay.images++
			case "Form":
				if depth >= maxFormDepth {
					return
				}
				if err := x.measure(xo); err != nil {
					panic(err)
				}
				m := identity
				if fm := xo.Key("Matrix"); fm.Len() == 6 {
					m = matrix{fm.Index(0).Float64(), fm.Index(1).Float64(), fm.Index(2).Float64(),
						fm.Index(3).Float64(), fm.Index(4).Float64(), fm.Index(5).Float64()}
				}
				formRes := xo.Key("Resources")
				if formRes.IsNull() {
					formRes = res
				}
				x.interpret(xo, formRes, m.mul(g.ctm), lay, depth+1)
			}
		}
	})
}

// layout turns positioned glyphs, in content order, into lines and words.
type layout struct {
	b       strings.Builder
	has     bool
	lastY   float64
	lastEnd float64
	lastX   float64
	size    float64
	lastSp  bool
	images  int
}

func (l *layout) add(s string, x, y, end, size float64) {
	if s == "" {
		return
	}
	if size <= 0 || math.IsNaN(size) || math.IsInf(size, 0) {
		size = 10
	}
	if l.has {
		ref := math.Max(size, l.size)
		dy := math.Abs(y - l.lastY)
		switch {
		case dy > 2.0*ref:
			l.b.WriteString("\n\n")
			l.lastSp = true
		case dy > 0.5*ref:
			l.b.WriteByte('\n')
			l.lastSp = true
		default:
			gap := x - l.lastEnd
			if !l.lastSp && s != " " && (gap > 0.15*ref || x < l.lastX-ref) {
				l.b.WriteByte(' ')
			}
		}
	}
	l.b.WriteString(s)
	l.has = true
	l.lastY, l.lastX, l.lastEnd, l.size = y, x, end, size
	l.lastSp = strings.HasSuffix(s, " ")
}

func (l *layout) String() string { return l.b.String() }
