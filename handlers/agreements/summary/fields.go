package summary

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ---- Title ----

var agreementWordRe = regexp.MustCompile(`(?i)^(соглашение|договор|меморандум|протокол|пагадненне|дамова|дагавор|мемарандум|пратакол|agreement|memorandum|protocol|treaty)(?:\P{L}|$)`)

// agreementWords, in any case, mark a text as an agreement.
var agreementAnyRe = regexp.MustCompile(`(?i)(соглашени|договор|меморандум|пагадненн|дамов[аыеу]|мемарандум|agreement|memorandum\b)`)

// title finds the heading that opens with "СОГЛАШЕНИЕ", "ПАГАДНЕННЕ",
// "AGREEMENT" … near the top and joins the lines that continue it.
func title(lines []string) (string, int) {
	seen := 0
	for i, ln := range lines {
		ln = strings.TrimSpace(ln)
		if ln == "" {
			continue
		}
		seen++
		if seen > 40 {
			break
		}
		if !agreementWordRe.MatchString(ln) || utf8.RuneCountInString(ln) > 250 {
			continue
		}
		parts := []string{collapseSpaces(ln)}
		for j := i + 1; j < len(lines) && j <= i+6; j++ {
			next := strings.TrimSpace(lines[j])
			if next == "" || hasDate(next) || strings.HasPrefix(next, "г. ") || utf8.RuneCountInString(next) > 250 {
				break
			}
			if l, _ := lineClause(next); l != "" {
				break
			}
			parts = append(parts, collapseSpaces(next))
		}
		return titleCase(strings.Join(parts, " ")), i
	}
	return "", -1
}

func collapseSpaces(s string) string { return strings.Join(strings.Fields(s), " ") }

// titleCase turns a capitalised keyword ("СОГЛАШЕНИЕ о …") into
// "Соглашение о …", and a title typed all in capitals into sentence case.
func titleCase(s string) string {
	if isAllCaps(s) {
		return capitalize(strings.ToLower(s))
	}
	words := strings.SplitN(s, " ", 2)
	if isAllCaps(words[0]) {
		words[0] = capitalize(strings.ToLower(words[0]))
	}
	return strings.Join(words, " ")
}

// ---- Parties ----

var (
	preambleCueRe = regexp.MustCompile(`(?i)(\sв лице\s|\s[уў] асобе\s|с одной стороны|з аднаго боку|именуем|імянуюцца|далей\s*[–—-]|далее\s*[–—-]|represented by|on the one hand|hereinafter)`)
	splitStrong   = []*regexp.Regexp{
		regexp.MustCompile(`,?\s*с одной стороны,?\s+и\s+`),
		regexp.MustCompile(`,?\s*з аднаго боку,?\s+і\s+`),
		regexp.MustCompile(`(?i),?\s*on the one (?:hand|part|side),?\s+and\s+`),
	}
	splitWeak = regexp.MustCompile(`,\s+(?:и|і|and)\s+[«"“]?\p{Lu}`)
	// Where a party's name ends: representation, aliases, parentheses.
	partyStop = []string{" в лице", " у асобе", " ў асобе", "(", ",", " именуем", " імянуем", " далее", " далей",
		" с другой стороны", " з другога боку", " in the person of", " represented by", " hereinafter", " acting", " on the other"}
	betweenRe = regexp.MustCompile(`(?i)\s(?:между|паміж|between)\s+(.+)$`)
)

// parties finds the preamble ("X в лице …, с одной стороны, и Y …") and
// returns each party's name as written, with the full phrase as Raw.
func parties(segs []segment, titleText string) []Party {
	for _, s := range segs {
		if s.Heading || !preambleCueLC.MatchString(s.lower) {
			continue
		}
		chunks := splitParties(s.Text)
		if len(chunks) < 2 {
			continue
		}
		var out []Party
		for _, c := range chunks {
			if p, ok := makeParty(c); ok {
				out = append(out, p)
			}
		}
		if len(out) >= 2 {
			return out
		}
	}
	// No preamble: "Соглашение … между X и Y".
	if m := betweenRe.FindStringSubmatch(titleText); m != nil {
		var out []Party
		for _, c := range regexp.MustCompile(`\s+(?:и|і|and)\s+`).Split(m[1], -1) {
			if p, ok := makeParty(c); ok {
				out = append(out, p)
			}
		}
		if len(out) >= 2 {
			return out
		}
	}
	return nil
}

func splitParties(text string) []string {
	for _, re := range splitStrong {
		if loc := re.FindStringIndex(text); loc != nil {
			return []string{text[:loc[0]], text[loc[1]:]}
		}
	}
	var out []string
	rest := text
	for len(out) < 5 {
		loc := splitWeak.FindStringIndex(rest)
		if loc == nil {
			break
		}
		// Keep the capital letter (and an opening quote) with the next party.
		_, size := utf8.DecodeLastRuneInString(rest[:loc[1]])
		cut := loc[1] - size
		for cut > loc[0] && strings.ContainsAny(rest[cut-1:cut], "«\"") {
			cut--
		}
		if strings.HasSuffix(rest[:cut], "«") || strings.HasSuffix(rest[:cut], "“") {
			cut -= len("«")
		}
		out = append(out, rest[:loc[0]])
		rest = rest[cut:]
	}
	return append(out, rest)
}

func makeParty(chunk string) (Party, bool) {
	raw := collapseSpaces(strings.TrimSpace(chunk))
	// The last party's phrase runs into "именуемые в дальнейшем «Стороны»".
	for _, stop := range []string{", с другой стороны", ", з другога боку", ", on the other", ", именуемые", ", далее", ", якія далей", ", далей", ", вместе именуемые", ", hereinafter"} {
		if i := strings.Index(raw, stop); i > 0 {
			raw = raw[:i]
		}
	}
	name := raw
	for _, stop := range partyStop {
		if i := strings.Index(name, stop); i > 0 {
			name = name[:i]
		}
	}
	name = strings.Trim(strings.TrimSpace(name), ",.;: ")
	if strings.HasPrefix(name, "the ") {
		name = "The " + name[len("the "):]
	}
	if utf8.RuneCountInString(name) < 4 || utf8.RuneCountInString(name) > 200 {
		return Party{}, false
	}
	r, _ := utf8.DecodeRuneInString(name)
	if !unicode.IsUpper(r) && r != '«' && r != '"' {
		return Party{}, false
	}
	if utf8.RuneCountInString(raw) > 400 {
		raw = string([]rune(raw)[:400])
	}
	return Party{Name: name, Raw: raw}, true
}

// ---- Dates ----

var months = map[string]int{
	"января": 1, "февраля": 2, "марта": 3, "апреля": 4, "мая": 5, "июня": 6, "июля": 7, "августа": 8,
	"сентября": 9, "октября": 10, "ноября": 11, "декабря": 12,
	"студзеня": 1, "лютага": 2, "сакавіка": 3, "красавіка": 4, "чэрвеня": 6, "ліпеня": 7,
	"жніўня": 8, "верасня": 9, "кастрычніка": 10, "лістапада": 11, "снежня": 12,
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
	"september": 9, "october": 10, "november": 11, "december": 12,
}

var (
	dateWordRe = regexp.MustCompile(`(?i)[«"“]?(\d{1,2})[»"”]?\s+(\p{L}+)\s+(\d{4})`)
	dateEnRe   = regexp.MustCompile(`(?i)\b(january|february|march|april|may|june|july|august|september|october|november|december)\s+(\d{1,2}),?\s+(\d{4})`)
	dateNumRe  = regexp.MustCompile(`\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b`)
)

type dateAt struct {
	d   Date
	pos int
}

// findDates returns the calendar dates written in s, in order.
func findDates(s string) []dateAt {
	var out []dateAt
	for _, m := range dateWordRe.FindAllStringSubmatchIndex(s, -1) {
		mon, ok := months[strings.ToLower(s[m[4]:m[5]])]
		if !ok {
			continue
		}
		if d, ok := makeDate(s[m[6]:m[7]], mon, s[m[2]:m[3]]); ok {
			out = append(out, dateAt{d, m[0]})
		}
	}
	for _, m := range dateEnRe.FindAllStringSubmatchIndex(s, -1) {
		if d, ok := makeDate(s[m[6]:m[7]], months[strings.ToLower(s[m[2]:m[3]])], s[m[4]:m[5]]); ok {
			out = append(out, dateAt{d, m[0]})
		}
	}
	for _, m := range dateNumRe.FindAllStringSubmatchIndex(s, -1) {
		if d, ok := makeDate(s[m[6]:m[7]], atoi(s[m[4]:m[5]]), s[m[2]:m[3]]); ok {
			out = append(out, dateAt{d, m[0]})
		}
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].pos < out[j-1].pos; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func makeDate(y string, m int, d string) (Date, bool) {
	year, err1 := strconv.Atoi(y)
	day, err2 := strconv.Atoi(d)
	if err1 != nil || err2 != nil || year < 1900 || year > 2200 || m < 1 || m > 12 || day < 1 || day > daysIn(year, m) {
		return Date{}, false
	}
	return Date{Year: year, Month: m, Day: day}, true
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func hasDate(s string) bool { return len(findDates(s)) > 0 }

var (
	signedCueRe  = regexp.MustCompile(`(?i)(совершено|подписано|подписан[оа]? |дата подписания|учынена|падпісана|падпісаны|дата падпісання|done at|done in|signed (?:at|in|on))`)
	inForceRe    = regexp.MustCompile(`(?i)(вступа\p{L}* в силу|вступит в силу|[уў]ступа\p{L}* ў сілу|[уў]ступіць ў сілу|enters? into force|shall enter into force|comes? into force|take effect|takes effect)`)
	signatureRef = regexp.MustCompile(`(?i)(подписани|падпісанн|signature|signing)`)
)

// signedDate prefers the date in "Совершено в … 15 мая 2019 года" and
// "подписано …", then a short date line above the preamble ("г. Витебск,
// 15 мая 2019 г."). Dates inside the body, such as those of treaties cited
// in the preamble, are not signing dates.
func signedDate(segs []segment, lines []string, preambleLine int) *Date {
	for _, s := range segs {
		if signedCueLC.MatchString(s.lower) {
			if ds := findDates(s.Text); len(ds) > 0 {
				d := ds[0].d
				return &d
			}
		}
	}
	limit := preambleLine
	if limit < 0 {
		limit = min(len(lines), 15)
	}
	for i := 0; i < limit && i < len(lines); i++ {
		ln := strings.TrimSpace(lines[i])
		if ln == "" || utf8.RuneCountInString(ln) > 160 {
			continue
		}
		if ds := findDates(ln); len(ds) > 0 {
			d := ds[0].d
			return &d
		}
	}
	return nil
}

// inForce reads the entry-into-force clause: an explicit date, or "from
// the date of signing", which is the signing date.
func inForce(segs []segment, signed *Date) *Date {
	for _, s := range segs {
		if !inForceLC.MatchString(s.lower) {
			continue
		}
		loc := inForceRe.FindStringIndex(s.Text)
		if loc == nil {
			continue
		}
		tail := s.Text[loc[1]:]
		if ds := findDates(tail); len(ds) > 0 {
			d := ds[0].d
			return &d
		}
		if signatureRef.MatchString(firstWords(tail, 8)) {
			return signed
		}
		return nil
	}
	return nil
}

func firstWords(s string, n int) string {
	f := strings.Fields(s)
	if len(f) > n {
		f = f[:n]
	}
	return strings.Join(f, " ")
}

// ---- Term, renewal, notice ----

var numberWords = map[string]int{
	"один": 1, "одного": 1, "одну": 1, "одна": 1, "одном": 1, "два": 2, "двух": 2, "две": 2, "три": 3, "трех": 3, "трёх": 3,
	"четыре": 4, "четырех": 4, "четырёх": 4, "пять": 5, "пяти": 5, "шесть": 6, "шести": 6, "семь": 7, "семи": 7,
	"восемь": 8, "восьми": 8, "девять": 9, "девяти": 9, "десять": 10, "десяти": 10, "одиннадцать": 11, "одиннадцати": 11,
	"двенадцать": 12, "двенадцати": 12, "пятнадцать": 15, "пятнадцати": 15, "двадцать": 20, "двадцати": 20,
	"тридцать": 30, "тридцати": 30,
	"адзін": 1, "аднаго": 1, "адну": 1, "адна": 1, "дзве": 2, "тры": 3, "трох": 3, "чатыры": 4, "чатырох": 4,
	"пяць": 5, "пяці": 5, "шэсць": 6, "шасці": 6, "сем": 7, "сямі": 7, "восем": 8, "васьмі": 8, "дзевяць": 9,
	"дзевяці": 9, "дзесяць": 10, "дзесяці": 10, "адзінаццаць": 11, "дванаццаць": 12, "дванаццаці": 12,
	"пятнаццаць": 15, "пятнаццаці": 15, "дваццаць": 20, "дваццаці": 20, "трыццаць": 30,
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
	"eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
}

// numAlt matches a number in digits or in words ("двадцать пять").
var numAlt = func() string {
	words := make([]string, 0, len(numberWords))
	for w := range numberWords {
		words = append(words, w)
	}
	// Longest first so that "пятнадцать" is not read as "пят…".
	sort.Slice(words, func(i, j int) bool {
		if len(words[i]) != len(words[j]) {
			return len(words[i]) > len(words[j])
		}
		return words[i] < words[j]
	})
	w := strings.Join(words, "|")
	return `\d{1,3}|(?:` + w + `)(?:\s+(?:` + w + `))?`
}()

// unitEnd stands for a word boundary after a Cyrillic word, which \b (ASCII
// only in RE2) cannot express.
const unitEnd = `(?:\P{L}|$)`

var (
	// A number (digits or words, optionally "5 (пять)") followed by a unit.
	durationRe    = regexp.MustCompile(`(?i)(?:^|\P{L})(` + numAlt + `)(?:\s*\(([^)]{1,30})\))?\s+(лет|года|год|году|годом|гадоў|гады|годы|месяцев|месяца|месяц|месяцаў|месяцы|years?|months?)` + unitEnd)
	oneYearRe     = regexp.MustCompile(`(?i)(сроком на|тэрмінам на|на срок в|на тэрмін у)\s+(год|месяц)` + unitEnd)
	termCueRe     = regexp.MustCompile(`(?i)(сроком на|на срок|в течение|действует|действовать|тэрмінам на|на тэрмін|на працягу|дзейнічае|дзейнічаць|for a (?:period|term) of|for an? (?:initial )?(?:period|term) of|valid for|remain in force for|for)\s*$`)
	indefRe       = regexp.MustCompile(`(?i)(неопредел[её]нн\p{L}* срок|бессрочн|без ограничения срока|нявызначан\p{L}* тэрмін|бестэрмінов|бестэрмінова|indefinite|indefinitely|unlimited (?:period|duration))`)
	renewalRe     = regexp.MustCompile(`(?i)(автоматически\s+(?:продлева|продлен|пролонгир)|считается\s+продл[её]нн|продлевается\s+на\s+(?:каждые|каждый|следующ|последующ)|пролонгируется|аўтаматычна\s+(?:падаўжа|працягва|пралангу)|лічыцца\s+(?:падоўжан|працягнут|пралангаван)|падаўжаецца\s+на\s+(?:наступн|кожны)|automatically\s+(?:renew|extend|prolong)|(?:renewed|extended|prolonged)\s+(?:automatically|for (?:successive|subsequent|further|consecutive))|tacit)`)
	noticeCueRe   = regexp.MustCompile(`(?i)(уведом|уведамл|паведам|паведамл|notif|notice|письменн|пісьмов|in writing)`)
	terminationRe = regexp.MustCompile(`(?i)(прекрат|прекращ|расторг|выйти из|выхода из|спын|скасав|terminat|withdraw|denounc)`)
	noticeRe      = regexp.MustCompile(`(?i)(?:^|\P{L})(?:за|not later than|at least|no less than|no later than)\s+(` + numAlt + `)(?:\s*\(([^)]{1,30})\))?\s+(месяцев|месяца|месяц|месяцаў|месяцы|дней|дня|день|дзён|дні|дзень|лет|года|год|гадоў|гады|years?|months?|days?)` + unitEnd)
	renewWordRe   = regexp.MustCompile(`(?i)(продл|пролонг|падаўж|падоўж|працяг|renew|extend|prolong)`)
)

// parseNumber reads "5", "пять", "двадцать пять", "5 (пять)".
func parseNumber(s string) (int, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if allDigits(s) {
		n := atoi(s)
		return n, n > 0
	}
	total, ok := 0, false
	for _, w := range strings.Fields(s) {
		w = strings.ReplaceAll(w, "ё", "е")
		if n, found := numberWords[w]; found {
			total += n
			ok = true
		} else if n, found := numberWords[strings.ReplaceAll(w, "е", "ё")]; found {
			total += n
			ok = true
		} else {
			return 0, false
		}
	}
	return total, ok
}

// duration converts a match of durationRe into a Term.
func duration(num, alt, unit string) (Term, bool) {
	n, ok := parseNumber(num)
	if !ok && alt != "" {
		n, ok = parseNumber(alt)
	}
	if !ok || n <= 0 || n > 100 {
		return Term{}, false
	}
	u := strings.ToLower(unit)
	switch {
	case strings.HasPrefix(u, "мес") || strings.HasPrefix(u, "month"):
		return Term{Years: n / 12, Months: n % 12}, true
	case strings.HasPrefix(u, "д") || strings.HasPrefix(u, "day"):
		return Term{}, false
	}
	return Term{Years: n}, true
}

// term finds the agreement's duration: "заключается сроком на пять лет",
// "тэрмінам на 5 гадоў", "for a period of five years", or an indefinite term.
func term(segs []segment) *Term {
	var fallback *Term
	for _, s := range segs {
		if indefLC.MatchString(s.lower) && !renewalLC.MatchString(s.lower) {
			return &Term{Indefinite: true, Raw: indefRe.FindString(s.Text)}
		}
		if !hasUnit(s.lower) {
			continue
		}
		for _, m := range durationRe.FindAllStringSubmatchIndex(s.Text, -1) {
			before := s.Text[max(0, m[0]-40):m[0]]
			if !termCueRe.MatchString(before) {
				continue
			}
			alt := ""
			if m[4] >= 0 {
				alt = s.Text[m[4]:m[5]]
			}
			t, ok := duration(s.Text[m[2]:m[3]], alt, s.Text[m[6]:m[7]])
			if !ok {
				continue
			}
			t.Raw = strings.Trim(s.Text[max(0, lastCueStart(before))+max(0, m[0]-40):m[1]], " .,;:)")
			if renewWordLC.MatchString(s.lower) {
				if fallback == nil {
					fallback = &t
				}
				continue
			}
			return &t
		}
		if m := oneYearRe.FindStringSubmatch(s.Text); m != nil && fallback == nil && !renewWordLC.MatchString(s.lower) {
			t, _ := duration("1", "", m[2])
			t.Raw = m[0]
			return &t
		}
	}
	return fallback
}

func lastCueStart(before string) int {
	loc := termCueRe.FindStringIndex(before)
	if loc == nil {
		return len(before)
	}
	return loc[0]
}

// renewal reports automatic renewal and the sentence that grants it.
func renewal(segs []segment) (bool, string, int) {
	for i, s := range segs {
		if renewalLC.MatchString(s.lower) {
			return true, s.Text, i
		}
	}
	return false, "", -1
}

// notice finds the notice period: first in the renewal clause ("если ни
// одна из Сторон не уведомит … за шесть месяцев"), then in a termination
// clause ("письменно уведомив … не менее чем за шесть месяцев").
func notice(segs []segment, renewalIdx int) *Term {
	try := func(seg segment) *Term {
		if !noticeCueLC.MatchString(seg.lower) {
			return nil
		}
		s := seg.Text
		for _, m := range noticeRe.FindAllStringSubmatchIndex(s, -1) {
			alt := ""
			if m[4] >= 0 {
				alt = s[m[4]:m[5]]
			}
			if t, ok := duration(s[m[2]:m[3]], alt, s[m[6]:m[7]]); ok {
				t.Raw = strings.Trim(s[m[0]:m[1]], " .,;:)")
				return &t
			}
		}
		return nil
	}
	if renewalIdx >= 0 {
		if t := try(segs[renewalIdx]); t != nil {
			return t
		}
	}
	for _, s := range segs {
		if terminationLC.MatchString(s.lower) {
			if t := try(s); t != nil {
				return t
			}
		}
	}
	return nil
}
