// Package doctexttest builds small .docx, .odt and .pdf files in memory for
// tests of text extraction and of what is built on it.
package doctexttest

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"crypto/md5"
	"crypto/rc4"
	"encoding/binary"
	"fmt"
	"html"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Para is one paragraph of a generated .docx. A non-empty NumID makes it an
// automatically numbered paragraph at level Level: the number is rendered by
// the word processor, not stored in the text.
type Para struct {
	Text  string
	NumID string
	Level int
}

// DOCX writes a minimal but valid WordprocessingML package. Numbered
// paragraphs use one multi-level list "%1." / "%1.%2." like legal clauses.
func DOCX(paras []Para) []byte {
	const ns = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"`
	var doc strings.Builder
	doc.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	doc.WriteString(`<w:document ` + ns + `><w:body>`)
	for _, p := range paras {
		doc.WriteString(`<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs>`)
		if p.NumID != "" {
			fmt.Fprintf(&doc, `<w:numPr><w:ilvl w:val="%d"/><w:numId w:val="%s"/></w:numPr>`, p.Level, p.NumID)
		}
		doc.WriteString(`</w:pPr>`)
		// Split each paragraph into two runs, as Word does at formatting
		// changes, to check that runs are joined without extra spaces.
		text := html.EscapeString(p.Text)
		half := len([]rune(text)) / 2
		r := []rune(text)
		for i := half; i < len(r); i++ { // do not split an entity
			if r[i] == ' ' {
				half = i
				break
			}
		}
		fmt.Fprintf(&doc, `<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">%s</w:t></w:r><w:r><w:t xml:space="preserve">%s</w:t></w:r>`,
			string(r[:half]), string(r[half:]))
		doc.WriteString(`</w:p>`)
	}
	// A deleted tracked change and an alternate-content fallback must not
	// appear in the text.
	doc.WriteString(`<w:p><w:del><w:r><w:delText>удалённый текст</w:delText></w:r></w:del></w:p>`)
	doc.WriteString(`<mc:AlternateContent><mc:Choice Requires="wps"></mc:Choice><mc:Fallback><w:p><w:r><w:t>дубликат</w:t></w:r></w:p></mc:Fallback></mc:AlternateContent>`)
	doc.WriteString(`<w:sectPr/></w:body></w:document>`)

	numbering := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:abstractNum w:abstractNumId="0">
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2."/></w:lvl>
<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="russianLower"/><w:lvlText w:val="%3)"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
</w:numbering>`
	return Zip([][2]string{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		{"word/document.xml", doc.String()},
		{"word/numbering.xml", numbering},
	})
}

// ODT writes a minimal OpenDocument text with the mimetype entry
// stored first and uncompressed, as the format requires.
func ODT(paras []string) []byte {
	var c strings.Builder
	c.WriteString(`<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3"><office:body><office:text>`)
	for i, p := range paras {
		tag := "text:p"
		if i == 0 {
			tag = "text:h"
		}
		// Double spaces are written as text:s, as LibreOffice does.
		esc := html.EscapeString(p)
		esc = strings.ReplaceAll(esc, "  ", ` <text:s text:c="1"/>`)
		fmt.Fprintf(&c, "<%s>%s</%s>", tag, esc, tag)
	}
	c.WriteString(`<text:p>Текст<text:note><text:note-citation>1</text:note-citation><text:note-body><text:p>сноска</text:p></text:note-body></text:note></text:p>`)
	c.WriteString(`</office:text></office:body></office:document-content>`)
	return Zip([][2]string{
		{"mimetype", "application/vnd.oasis.opendocument.text"},
		{"META-INF/manifest.xml", `<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/></manifest:manifest>`},
		{"content.xml", c.String()},
	})
}

func Zip(entries [][2]string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		method := zip.Deflate
		if e[0] == "mimetype" {
			method = zip.Store
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e[0], Method: method})
		if err != nil {
			panic(err)
		}
		if _, err := w.Write([]byte(e[1])); err != nil {
			panic(err)
		}
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// PDFOptions shapes a generated PDF.
type PDFOptions struct {
	// WordsPositioned draws each word with its own Td and no space
	// characters, as some producers do; the extractor must find the
	// word breaks from the glyph positions.
	WordsPositioned bool
	Compress        bool
	ImageOnly       bool   // a page that paints an image and no text
	UserPassword    string // with Encrypt: the password needed to open the file
	Encrypt         bool   // encrypt with 128-bit RC4 (standard handler, R3)
	Version         string // header version, "1.4" by default
}

// PDF writes a PDF whose text uses a Type0 font with Identity-H
// encoding (two-byte CIDs equal to the Unicode code points) and a ToUnicode
// CMap, which is how word processors embed Cyrillic fonts.
func PDF(lines []string, o PDFOptions) []byte {
	if o.Version == "" {
		o.Version = "1.4"
	}
	runes := map[rune]bool{' ': true}
	for _, l := range lines {
		for _, r := range l {
			runes[r] = true
		}
	}
	used := make([]int, 0, len(runes))
	for r := range runes {
		used = append(used, int(r))
	}
	sort.Ints(used)
	width := func(r int) int {
		if r == ' ' {
			return 250
		}
		return 520
	}

	var content strings.Builder
	if o.ImageOnly {
		content.WriteString("q 500 0 0 700 50 50 cm /Im1 Do Q\n")
	} else {
		content.WriteString("BT /F1 11 Tf 14 TL 56 780 Td\n")
		for _, l := range lines {
			if !o.WordsPositioned {
				fmt.Fprintf(&content, "<%s> Tj T*\n", hexCIDs(l))
				continue
			}
			x := 0.0
			words := strings.Fields(l)
			for i, w := range words {
				if i > 0 {
					fmt.Fprintf(&content, "%.2f 0 Td ", x)
				}
				fmt.Fprintf(&content, "<%s> Tj ", hexCIDs(w))
				x = 0
				for _, r := range w {
					x += float64(width(int(r))) / 1000 * 11
				}
				x += 3.3 // a word gap wider than any kerning
			}
			// Back to the left margin on the next line.
			total := 0.0
			for i, w := range words {
				if i == len(words)-1 {
					break
				}
				for _, r := range w {
					total += float64(width(int(r))) / 1000 * 11
				}
				total += 3.3
			}
			fmt.Fprintf(&content, "%.2f -14 Td\n", -total)
		}
		content.WriteString("ET\n")
	}

	var cmap strings.Builder
	cmap.WriteString("/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n")
	for i := 0; i < len(used); i += 100 {
		chunk := used[i:min(i+100, len(used))]
		fmt.Fprintf(&cmap, "%d beginbfchar\n", len(chunk))
		for _, r := range chunk {
			fmt.Fprintf(&cmap, "<%04X> <%04X>\n", r, r)
		}
		cmap.WriteString("endbfchar\n")
	}
	cmap.WriteString("endcmap CMapName currentdict /CMap defineresource pop end end\n")

	var w strings.Builder
	for _, r := range used {
		fmt.Fprintf(&w, "%d [%d] ", r, width(r))
	}

	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> /XObject << /Im1 8 0 R >> >> /Contents 4 0 R >>",
		"STREAM:" + content.String(),
		"<< /Type /Font /Subtype /Type0 /BaseFont /TestSans /Encoding /Identity-H /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
		"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /TestSans /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 520 /W [" + w.String() + "] >>",
		"STREAM:" + cmap.String(),
		"IMAGE",
	}
	return writePDF(objs, o)
}

func hexCIDs(s string) string {
	var b strings.Builder
	for _, r := range s {
		fmt.Fprintf(&b, "%04X", r)
	}
	return b.String()
}

var pdfPad = []byte{0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
	0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A}

func padPassword(pw string) []byte {
	b := append([]byte(pw), pdfPad...)
	return b[:32]
}

func xorKey(key []byte, b byte) []byte {
	out := make([]byte, len(key))
	for i := range key {
		out[i] = key[i] ^ b
	}
	return out
}

func rc4Crypt(key, data []byte) []byte {
	c, err := rc4.NewCipher(key)
	if err != nil {
		panic(err)
	}
	out := make([]byte, len(data))
	c.XORKeyStream(out, data)
	return out
}

// writePDF serialises objects (numbered from 1) with a correct xref table.
// "STREAM:" objects become content streams, "IMAGE" a 1×1 grey image.
// With o.Encrypt, streams are encrypted with the standard security handler
// (revision 3, 128-bit RC4) using o.UserPassword and an owner password.
func writePDF(objs []string, o PDFOptions) []byte {
	id := []byte("pobratim-test-id")
	var key []byte
	var encDict string
	if o.Encrypt {
		// Standard security handler, revision 3, 128-bit RC4 (PDF 32000-1
		// §7.6.3, algorithms 2, 3 and 5).
		var perms int32 = -3904
		oKey := md5.Sum(padPassword("owner-secret"))
		for i := 0; i < 50; i++ {
			oKey = md5.Sum(oKey[:])
		}
		oEntry := rc4Crypt(oKey[:], padPassword(o.UserPassword))
		for i := 1; i <= 19; i++ {
			oEntry = rc4Crypt(xorKey(oKey[:], byte(i)), oEntry)
		}
		h := md5.New()
		h.Write(padPassword(o.UserPassword))
		h.Write(oEntry)
		var p [4]byte
		binary.LittleEndian.PutUint32(p[:], uint32(perms))
		h.Write(p[:])
		h.Write(id)
		key = h.Sum(nil)
		for i := 0; i < 50; i++ {
			k := md5.Sum(key)
			key = k[:]
		}
		u := md5.Sum(append(append([]byte{}, pdfPad...), id...))
		uEntry := rc4Crypt(key, u[:])
		for i := 1; i <= 19; i++ {
			uEntry = rc4Crypt(xorKey(key, byte(i)), uEntry)
		}
		uEntry = append(uEntry, make([]byte, 16)...)
		encDict = fmt.Sprintf("<< /Filter /Standard /V 2 /R 3 /Length 128 /O <%X> /U <%X> /P %d >>", oEntry, uEntry, perms)
	}
	objKey := func(num int) []byte {
		b := append([]byte{}, key...)
		b = append(b, byte(num), byte(num>>8), byte(num>>16), 0, 0)
		s := md5.Sum(b)
		return s[:min(len(key)+5, 16)]
	}

	var buf bytes.Buffer
	fmt.Fprintf(&buf, "%%PDF-%s\n%%\xE2\xE3\xCF\xD3\n", o.Version)
	offsets := make([]int, 0, len(objs)+1)
	all := append([]string{}, objs...)
	if o.Encrypt {
		all = append(all, encDict)
	}
	for i, obj := range all {
		num := i + 1
		offsets = append(offsets, buf.Len())
		fmt.Fprintf(&buf, "%d 0 obj\n", num)
		switch {
		case strings.HasPrefix(obj, "STREAM:") || obj == "IMAGE":
			var data []byte
			dict := ""
			if obj == "IMAGE" {
				data = []byte{0x80}
				dict = "/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 "
			} else {
				data = []byte(strings.TrimPrefix(obj, "STREAM:"))
			}
			if o.Compress {
				var z bytes.Buffer
				zw := zlib.NewWriter(&z)
				zw.Write(data)
				zw.Close()
				data = z.Bytes()
				dict += "/Filter /FlateDecode "
			}
			if o.Encrypt {
				data = rc4Crypt(objKey(num), data)
			}
			fmt.Fprintf(&buf, "<< %s/Length %d >>\nstream\n", dict, len(data))
			buf.Write(data)
			buf.WriteString("\nendstream\nendobj\n")
		default:
			buf.WriteString(obj)
			buf.WriteString("\nendobj\n")
		}
	}
	xref := buf.Len()
	fmt.Fprintf(&buf, "xref\n0 %d\n0000000000 65535 f \n", len(all)+1)
	for _, off := range offsets {
		fmt.Fprintf(&buf, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&buf, "trailer\n<< /Size %d /Root 1 0 R /ID [<%X> <%X>]", len(all)+1, id, id)
	if o.Encrypt {
		fmt.Fprintf(&buf, " /Encrypt %d 0 R", len(all))
	}
	fmt.Fprintf(&buf, " >>\nstartxref\n%d\n%%%%EOF\n", xref)
	return buf.Bytes()
}

var (
	clauseTop = regexp.MustCompile(`^(\d+)\.\s+(.*)$`)
	clauseSub = regexp.MustCompile(`^(\d+)\.(\d+)\.\s+(.*)$`)
)

// DOCXFromText turns plain text into a .docx, one paragraph per line. Lines
// numbered "N." and "N.M." in an unbroken sequence become automatically
// numbered paragraphs, as in a real agreement typed in a word processor, so
// the numbers must be rendered back by the extractor; other lines are kept
// literally.
func DOCXFromText(text string) []byte {
	var paras []Para
	top, sub := 0, 0
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if m := clauseSub.FindStringSubmatch(line); m != nil && m[1] == strconv.Itoa(top) && m[2] == strconv.Itoa(sub+1) {
			sub++
			paras = append(paras, Para{Text: m[3], NumID: "1", Level: 1})
			continue
		}
		if m := clauseTop.FindStringSubmatch(line); m != nil && m[1] == strconv.Itoa(top+1) {
			top, sub = top+1, 0
			paras = append(paras, Para{Text: m[2], NumID: "1", Level: 0})
			continue
		}
		paras = append(paras, Para{Text: line})
	}
	return DOCX(paras)
}

// ODTFromText turns plain text into an .odt, one paragraph per line.
func ODTFromText(text string) []byte {
	var paras []string
	for _, line := range strings.Split(text, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			paras = append(paras, line)
		}
	}
	return ODT(paras)
}
