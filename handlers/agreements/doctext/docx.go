package doctext

import (
	"context"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
)

// A .docx is a zip of XML parts. The text lives in word/document.xml; clause
// numbers such as "2.1." are usually not text at all but automatic numbering
// defined in word/numbering.xml (directly or through a paragraph style in
// word/styles.xml), so they are rendered here: agreements are read and
// quoted by clause number.

func isWordML(space string) bool {
	return strings.HasSuffix(space, "wordprocessingml/2006/main") || strings.HasSuffix(space, "ooxml/wordprocessingml/main")
}

func attr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

func extractDOCX(ctx context.Context, data []byte, lim Limits) (Text, error) {
	a, err := openArchive(ctx, data, lim)
	if err != nil {
		return Text{}, err
	}
	num, err := readNumbering(a)
	if err != nil {
		return Text{}, err
	}
	if err := readStyles(a, num); err != nil {
		return Text{}, err
	}
	rc, ok, err := a.open("word/document.xml")
	if err != nil {
		return Text{}, err
	}
	if !ok {
		return Text{}, xmlErr("word/document.xml", io.ErrUnexpectedEOF)
	}
	defer rc.Close()

	var (
		out      strings.Builder
		para     strings.Builder
		inPara   int // depth of open w:p elements
		inText   bool
		skip     int // depth inside a subtree whose text is ignored
		numID    string
		ilvl     = -1
		pStyle   string
		inNumPr  bool
		inPPr    bool
		runeSeen int
	)
	flush := func() {
		text := strings.TrimSpace(para.String())
		prefix := num.label(numID, ilvl, pStyle)
		para.Reset()
		numID, ilvl, pStyle = "", -1, ""
		if text == "" && prefix == "" {
			return
		}
		if prefix != "" {
			text = strings.TrimSpace(prefix + " " + text)
		}
		out.WriteString(text)
		out.WriteByte('\n')
		runeSeen += len(text)
	}
	dec := xml.NewDecoder(rc)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return Text{}, xmlErr("word/document.xml", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if skip > 0 {
				skip++
				continue
			}
			switch {
			case t.Name.Local == "Fallback": // mc:Fallback repeats mc:Choice
				skip = 1
				continue
			case !isWordML(t.Name.Space):
				continue
			}
			switch t.Name.Local {
			case "p":
				if inPara > 0 {
					flush() // a text box paragraph inside a paragraph
				}
				inPara++
			case "t":
				inText = true
			case "pPr":
				inPPr = true
			case "tab":
				if inPara > 0 && !inPPr {
					para.WriteByte('\t')
				}
			case "br", "cr":
				para.WriteByte('\n')
			case "noBreakHyphen":
				para.WriteByte('-')
			case "numPr":
				inNumPr = true
			case "ilvl":
				if inNumPr {
					ilvl, _ = strconv.Atoi(attr(t, "val"))
				}
			case "numId":
				if inNumPr {
					numID = attr(t, "val")
				}
			case "pStyle":
				pStyle = attr(t, "val")
			}
		case xml.EndElement:
			if skip > 0 {
				skip--
				continue
			}
			if !isWordML(t.Name.Space) {
				continue
			}
			switch t.Name.Local {
			case "p":
				flush()
				if inPara > 0 {
					inPara--
				}
			case "t":
				inText = false
			case "numPr":
				inNumPr = false
			case "pPr":
				inPPr = false
			case "tc": // table cell: keep cells apart
				out.WriteByte('\n')
			}
		case xml.CharData:
			if inText && skip == 0 {
				para.Write(t)
			}
		}
		if runeSeen > lim.MaxRunes*4 {
			break // far past what will be kept
		}
	}
	flush()
	return Text{Body: out.String(), Format: FormatDOCX, Encoding: "utf-8"}, nil
}

// numbering renders automatic list labels.
type numbering struct {
	abstract map[string]map[int]*numLevel // abstractNumId → level
	nums     map[string]numInstance       // numId → instance
	styles   map[string]styleNum          // paragraph styleId → numbering
	counters map[string][]int             // counter key → per-level counters
	started  map[string][]bool
}

type numLevel struct {
	start   int
	format  string
	text    string
	isLegal bool
}

type numInstance struct {
	abstractID string
	overrides  map[int]int // level → startOverride
}

type styleNum struct {
	numID   string
	ilvl    int
	basedOn string
}

func readNumbering(a *archive) (*numbering, error) {
	n := &numbering{
		abstract: map[string]map[int]*numLevel{},
		nums:     map[string]numInstance{},
		styles:   map[string]styleNum{},
		counters: map[string][]int{},
		started:  map[string][]bool{},
	}
	rc, ok, err := a.open("word/numbering.xml")
	if err != nil || !ok {
		return n, err
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	var (
		absID  string
		lvl    *numLevel
		numID  string
		ovrLvl = -1
	)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, xmlErr("word/numbering.xml", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		v := attr(se, "val")
		switch se.Name.Local {
		case "abstractNum":
			absID, numID = attr(se, "abstractNumId"), ""
			n.abstract[absID] = map[int]*numLevel{}
		case "num":
			numID, absID = attr(se, "numId"), ""
			n.nums[numID] = numInstance{overrides: map[int]int{}}
		case "lvl":
			if absID != "" {
				i, _ := strconv.Atoi(attr(se, "ilvl"))
				if i >= 0 && i < 9 {
					lvl = &numLevel{start: 1, format: "decimal"}
					n.abstract[absID][i] = lvl
				}
			}
		case "start":
			if lvl != nil && absID != "" {
				lvl.start, _ = strconv.Atoi(v)
			}
		case "numFmt":
			if lvl != nil && absID != "" {
				lvl.format = v
			}
		case "lvlText":
			if lvl != nil && absID != "" {
				lvl.text = v
			}
		case "isLgl":
			if lvl != nil {
				lvl.isLegal = v != "0" && v != "false"
			}
		case "abstractNumId":
			if numID != "" {
				inst := n.nums[numID]
				inst.abstractID = v
				n.nums[numID] = inst
			}
		case "lvlOverride":
			ovrLvl, _ = strconv.Atoi(attr(se, "ilvl"))
		case "startOverride":
			if numID != "" && ovrLvl >= 0 {
				s, _ := strconv.Atoi(v)
				n.nums[numID].overrides[ovrLvl] = s
			}
		}
	}
	return n, nil
}

func readStyles(a *archive, n *numbering) error {
	rc, ok, err := a.open("word/styles.xml")
	if err != nil || !ok {
		return err
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	var id string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return xmlErr("word/styles.xml", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "style":
			id = ""
			if attr(se, "type") == "paragraph" {
				id = attr(se, "styleId")
				n.styles[id] = styleNum{ilvl: -1}
			}
		case "basedOn", "numId", "ilvl":
			if id == "" {
				continue
			}
			s := n.styles[id]
			switch se.Name.Local {
			case "basedOn":
				s.basedOn = attr(se, "val")
			case "numId":
				s.numID = attr(se, "val")
			case "ilvl":
				s.ilvl, _ = strconv.Atoi(attr(se, "val"))
			}
			n.styles[id] = s
		}
	}
}

// label advances the counters for a numbered paragraph and returns its label
// ("2.1.", "а)"), or "" for a paragraph without numbering.
func (n *numbering) label(numID string, ilvl int, style string) string {
	if numID == "" || ilvl < 0 {
		// Inherit from the paragraph style chain.
		for i, s := 0, style; s != "" && i < 10; i++ {
			st, ok := n.styles[s]
			if !ok {
				break
			}
			if numID == "" && st.numID != "" {
				numID = st.numID
			}
			if ilvl < 0 && st.ilvl >= 0 {
				ilvl = st.ilvl
			}
			s = st.basedOn
		}
	}
	if ilvl < 0 {
		ilvl = 0
	}
	if numID == "" || numID == "0" || ilvl > 8 {
		return ""
	}
	inst, ok := n.nums[numID]
	if !ok {
		return ""
	}
	levels := n.abstract[inst.abstractID]
	lv := levels[ilvl]
	if lv == nil {
		return ""
	}
	key := "a" + inst.abstractID
	if len(inst.overrides) > 0 {
		key = "n" + numID
	}
	if n.counters[key] == nil {
		n.counters[key] = make([]int, 9)
		n.started[key] = make([]bool, 9)
	}
	cnt, started := n.counters[key], n.started[key]
	startOf := func(l int) int {
		if s, ok := inst.overrides[l]; ok {
			return s
		}
		if lv := levels[l]; lv != nil {
			return lv.start
		}
		return 1
	}
	if started[ilvl] {
		cnt[ilvl]++
	} else {
		cnt[ilvl], started[ilvl] = startOf(ilvl), true
	}
	for l := ilvl + 1; l < 9; l++ {
		started[l] = false
	}
	if cnt[ilvl] > 1_000_000 || cnt[ilvl] < -1_000_000 {
		cnt[ilvl] = 1 // absurd start values are not worth rendering
	}
	if lv.format == "bullet" {
		return "–"
	}
	if lv.format == "none" {
		return ""
	}
	text := lv.text
	for l := 0; l <= ilvl; l++ {
		ph := "%" + strconv.Itoa(l+1)
		if !strings.Contains(text, ph) {
			continue
		}
		if !started[l] {
			cnt[l], started[l] = startOf(l), true
		}
		f := "decimal"
		if lvl := levels[l]; lvl != nil && !lv.isLegal {
			f = lvl.format
		}
		text = strings.ReplaceAll(text, ph, formatNumber(cnt[l], f))
	}
	return strings.TrimSpace(text)
}

func formatNumber(v int, format string) string {
	switch format {
	case "lowerLetter", "upperLetter":
		s := alphaLabel(v, "abcdefghijklmnopqrstuvwxyz")
		if format == "upperLetter" {
			s = strings.ToUpper(s)
		}
		return s
	case "russianLower", "russianUpper":
		s := alphaLabel(v, "абвгдежзиклмнопрстуфхцчшщэюя")
		if format == "russianUpper" {
			s = strings.ToUpper(s)
		}
		return s
	case "lowerRoman", "upperRoman":
		s := roman(v)
		if format == "lowerRoman" {
			s = strings.ToLower(s)
		}
		return s
	case "decimalZero":
		if v < 10 && v >= 0 {
			return "0" + strconv.Itoa(v)
		}
	}
	return strconv.Itoa(v)
}

func alphaLabel(v int, alphabet string) string {
	letters := []rune(alphabet)
	if v <= 0 || v > 10*len(letters) {
		return strconv.Itoa(v)
	}
	v--
	r := letters[v%len(letters)]
	return strings.Repeat(string(r), v/len(letters)+1)
}

func roman(v int) string {
	if v <= 0 || v >= 4000 {
		return strconv.Itoa(v)
	}
	vals := []int{1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1}
	syms := []string{"M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"}
	var b strings.Builder
	for i, x := range vals {
		for v >= x {
			b.WriteString(syms[i])
			v -= x
		}
	}
	return b.String()
}
