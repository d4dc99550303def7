package doctext

import (
	"context"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
)

const odfTextNS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"

// extractODT reads content.xml of an OpenDocument text: paragraphs and
// headings become lines; notes, annotations and tracked deletions are left
// out, since they are not the agreement's text.
func extractODT(ctx context.Context, data []byte, lim Limits) (Text, error) {
	a, err := openArchive(ctx, data, lim)
	if err != nil {
		return Text{}, err
	}
	rc, ok, err := a.open("content.xml")
	if err != nil {
		return Text{}, err
	}
	if !ok {
		return Text{}, xmlErr("content.xml", io.ErrUnexpectedEOF)
	}
	defer rc.Close()

	var (
		out   strings.Builder
		para  strings.Builder
		depth int // open text:p / text:h
		skip  int
		seen  int
	)
	flush := func() {
		if s := strings.TrimSpace(para.String()); s != "" {
			out.WriteString(s)
			out.WriteByte('\n')
			seen += len(s)
		}
		para.Reset()
	}
	dec := xml.NewDecoder(rc)
	for seen <= lim.MaxRunes*4 {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return Text{}, xmlErr("content.xml", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if skip > 0 {
				skip++
				continue
			}
			switch t.Name.Local {
			case "annotation", "tracked-changes":
				skip = 1
				continue
			}
			if t.Name.Space != odfTextNS {
				continue
			}
			switch t.Name.Local {
			case "note":
				skip = 1
			case "p", "h":
				if depth > 0 {
					flush()
				}
				depth++
			case "s":
				c, err := strconv.Atoi(attr(t, "c"))
				if err != nil || c < 1 {
					c = 1
				}
				para.WriteString(strings.Repeat(" ", min(c, 64)))
			case "tab":
				para.WriteByte('\t')
			case "line-break":
				para.WriteByte('\n')
			}
		case xml.EndElement:
			if skip > 0 {
				skip--
				continue
			}
			if t.Name.Space == odfTextNS && (t.Name.Local == "p" || t.Name.Local == "h") {
				flush()
				if depth > 0 {
					depth--
				}
			}
		case xml.CharData:
			if depth > 0 && skip == 0 {
				para.Write(t)
			}
		}
	}
	flush()
	return Text{Body: out.String(), Format: FormatODT, Encoding: "utf-8"}, nil
}
