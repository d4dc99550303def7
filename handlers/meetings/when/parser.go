package when

import (
	"strings"
	"time"
)

type weekMode uint8

const (
	weekPlain weekMode = iota // "в пятницу": the next Friday after today
	weekThis                  // "в эту пятницу": today if it is Friday, else the next one
	weekNext                  // "в следующую пятницу": the Friday of next week
)

// span is a relative offset: calendar parts move the wall clock, exact is
// elapsed time.
type span struct {
	months, days int
	exact        time.Duration
}

// add adds an amount given in halves of u; it reports false for half days,
// weeks, months or years, which have no clear meaning.
func (s *span) add(halves int, u unit) bool {
	switch u {
	case unitMinute:
		s.exact += time.Duration(halves) * 30 * time.Second
	case unitHour:
		s.exact += time.Duration(halves) * 30 * time.Minute
	default:
		if halves%2 != 0 {
			return false
		}
		n := halves / 2
		switch u {
		case unitDay:
			s.days += n
		case unitWeek:
			s.days += 7 * n
		case unitMonth:
			s.months += n
		case unitYear:
			s.months += 12 * n
		}
	}
	return true
}

// clock is a time of day as written.
type clock struct {
	hour, minute, second int
	// padded is set for an hour written with a leading zero ("09:30"),
	// which marks a 24-hour clock.
	padded bool
	// part is a qualifier written right after the time (pm, утра, вечара).
	part     dayPart
	midnight bool
}

// phrase collects the components of a date/time phrase.
type phrase struct {
	relDay    int
	hasRelDay bool

	date      civil
	yearGiven bool
	hasDate   bool

	weekday    time.Weekday
	mode       weekMode
	hasWeekday bool

	span    span
	hasSpan bool

	clock    clock
	hasClock bool

	// adverb is a part of the day given apart from the hour ("вечером").
	adverb dayPart
}

func (ph *phrase) hasDay() bool {
	return ph.hasRelDay || ph.hasDate || ph.hasWeekday || ph.hasSpan
}

type parser struct {
	toks []token
	i    int
	// end is the index after the last token of the phrase.
	end int
}

func (p *parser) at(off int) *token {
	j := p.i + off
	if j < 0 || j >= len(p.toks) {
		return nil
	}
	return &p.toks[j]
}

// word consumes the current token if it is a word with an entry of kind k.
func (p *parser) word(k wordKind) (entry, bool) {
	t := p.at(0)
	if t == nil || t.kind != wordToken {
		return entry{}, false
	}
	e, ok := find(t, k)
	if ok {
		p.i++
	}
	return e, ok
}

// punct consumes the current token if it is the punctuation mark r and,
// when glued is set, is written right after the previous token.
func (p *parser) punct(r string, glued bool) bool {
	t := p.at(0)
	if t == nil || t.kind != punctToken || t.text != r || (glued && t.spaced) {
		return false
	}
	p.i++
	return true
}

func isGluedPunct(t *token, set string) bool {
	return t != nil && t.kind == punctToken && !t.spaced && strings.Contains(set, t.text)
}

func isGluedNumber(t *token) bool {
	return t != nil && t.kind == numberToken && !t.spaced
}

func isNumber(t *token, maxLen int) bool {
	return t != nil && t.kind == numberToken && len(t.text) <= maxLen
}

// parse reads components until none follows. Components may be separated
// by commas; each kind appears at most once.
func (p *parser) parse(ph *phrase) error {
	for n := 0; ; n++ {
		start := p.i
		if n > 0 {
			p.skipSeparators()
		}
		ok, err := p.component(ph)
		if err != nil {
			return err
		}
		if !ok {
			p.i = start
			return nil
		}
		p.end = p.i
	}
}

// skipSeparators skips commas and closing quotes or brackets between
// components: "завтра, в 10", "«завтра» в 10".
func (p *parser) skipSeparators() {
	for t := p.at(0); t != nil && t.kind == punctToken; t = p.at(0) {
		switch t.text {
		case ",", "»", "”", ")":
			p.i++
		default:
			return
		}
	}
}

func (p *parser) component(ph *phrase) (bool, error) {
	if p.relativeSpan(ph) || p.relativeDay(ph) || p.weekdayName(ph) {
		return true, nil
	}
	if ok, err := p.date(ph); ok || err != nil {
		return ok, err
	}
	if ok, err := p.clockTime(ph); ok || err != nil {
		return ok, err
	}
	return p.partAdverb(ph), nil
}

// relativeSpan reads "через 2 часа", "праз 3 дні", "in an hour and 30 minutes".
func (p *parser) relativeSpan(ph *phrase) bool {
	if ph.hasDay() {
		return false
	}
	start := p.i
	if _, ok := p.word(wThrough); !ok {
		return false
	}
	var s span
	n := 0
	for {
		save := p.i
		if n > 0 {
			p.punct(",", false)
			p.word(wAnd)
		}
		halves, u, ok := p.amount()
		if !ok || !s.add(halves, u) {
			p.i = save
			break
		}
		n++
	}
	if n == 0 || (ph.hasClock && s.exact != 0) {
		p.i = start
		return false
	}
	ph.span, ph.hasSpan = s, true
	return true
}

// amount reads an amount and its unit: "2 часа", "час", "1,5 hours",
// "полтора часа", "an hour", "half an hour", "полчаса".
func (p *parser) amount() (halves int, u unit, ok bool) {
	start := p.i
	if e, ok := p.word(wUnitAmount); ok {
		return e.amount, unit(e.value), true
	}
	halves = 2
	if t := p.at(0); isNumber(t, 4) {
		halves = 2 * t.value
		p.i++
		if isGluedPunct(p.at(0), ",.") && isGluedNumber(p.at(1)) && p.at(1).text == "5" {
			halves++
			p.i += 2
		}
	} else if e, ok := p.word(wNumber); ok {
		halves = e.value
	} else if e, ok := p.word(wAmount); ok {
		halves = e.value
		if e, ok := p.word(wAmount); ok { // "a couple of"
			halves = e.value
			p.word(wOf)
		}
	} else if _, ok := p.word(wHalf); ok {
		halves = 1
		p.word(wAmount)
	}
	e, ok := p.word(wUnit)
	if !ok {
		p.i = start
		return 0, 0, false
	}
	p.punct(".", true)
	return halves, unit(e.value), true
}

// relativeDay reads "сегодня", "заўтра", "the day after tomorrow", "tonight".
func (p *parser) relativeDay(ph *phrase) bool {
	if ph.hasRelDay || ph.hasDate || ph.hasSpan {
		return false
	}
	start := p.i
	p.word(wDatePrep)
	p.word(wThe)
	if e, ok := p.word(wRelDay); ok {
		ph.relDay = e.value
	} else if _, ok := p.word(wTonight); ok {
		ph.relDay = 0
		if ph.adverb == partNone {
			ph.adverb = partEvening
		}
	} else if p.dayAfterTomorrow() {
		ph.relDay = 2
	} else {
		p.i = start
		return false
	}
	ph.hasRelDay = true
	return true
}

func (p *parser) dayAfterTomorrow() bool {
	start := p.i
	if t := p.at(0); t != nil && t.text == "day" {
		p.i++
		if _, ok := p.word(wAfter); ok {
			if e, ok := p.word(wRelDay); ok && e.value == 1 {
				return true
			}
		}
	}
	p.i = start
	return false
}

// weekdayName reads "в пятницу", "у наступны аўторак", "next Friday".
func (p *parser) weekdayName(ph *phrase) bool {
	if ph.hasWeekday || ph.hasSpan {
		return false
	}
	start := p.i
	if _, ok := p.word(wTimePrep); !ok {
		p.word(wDatePrep)
	}
	mode := weekPlain
	if _, ok := p.word(wNext); ok {
		mode = weekNext
	} else if _, ok := p.word(wThis); ok {
		mode = weekThis
	}
	e, ok := p.word(wWeekday)
	if !ok {
		p.i = start
		return false
	}
	p.punct(".", true)
	ph.weekday, ph.mode, ph.hasWeekday = time.Weekday(e.value), mode, true
	return true
}

// date reads a calendar date: numeric, day-month or month-day.
func (p *parser) date(ph *phrase) (bool, error) {
	if ph.hasDate || ph.hasRelDay || ph.hasSpan {
		return false, nil
	}
	start := p.i
	p.word(wDatePrep)
	p.word(wThe)
	var d civil
	ok, yearGiven, err := p.numericDate(&d)
	if !ok && err == nil {
		ok, yearGiven = p.dayMonth(&d)
	}
	if !ok && err == nil {
		ok, yearGiven = p.monthDay(&d)
	}
	if err != nil {
		return false, err
	}
	if !ok {
		p.i = start
		return false, nil
	}
	if d.month < 1 || d.month > 12 || d.day < 1 || d.day > 31 {
		return false, ErrInvalid
	}
	ph.date, ph.yearGiven, ph.hasDate = d, yearGiven, true
	return true, nil
}

// numericDate reads 25.12, 25.12.26, 25.12.2026, 25/12/2026, 25-12-2026
// and 2026-12-25 (or 2026.12.25). A hyphenated date needs its year, so that
// "10-12" is never a date.
func (p *parser) numericDate(d *civil) (ok, yearGiven bool, err error) {
	a, sep, b := p.at(0), p.at(1), p.at(2)
	if !isNumber(a, 4) || !isGluedPunct(sep, "./-") || !isGluedNumber(b) {
		return false, false, nil
	}
	var c *token
	if s2, n := p.at(3), p.at(4); isGluedPunct(s2, sep.text) && isGluedNumber(n) {
		c = n
	}
	switch {
	case len(a.text) == 4:
		if c == nil {
			return false, false, nil
		}
		if len(b.text) > 2 || len(c.text) > 2 {
			return false, false, ErrInvalid
		}
		*d = civil{year: a.value, month: time.Month(b.value), day: c.value}
		yearGiven = true
	case len(a.text) <= 2 && len(b.text) <= 2:
		*d = civil{month: time.Month(b.value), day: a.value}
		if c == nil {
			if sep.text == "-" {
				return false, false, nil
			}
			if sep.text == "." && (b.value == 0 || b.value > 12) && len(b.text) == 2 && a.value <= 23 && b.value <= 59 {
				// No month is numbered so: "15.30" is a time.
				return false, false, nil
			}
			break
		}
		switch len(c.text) {
		case 2:
			d.year = 2000 + c.value
		case 4:
			d.year = c.value
		default:
			return false, false, ErrInvalid
		}
		yearGiven = true
	default:
		return false, false, nil
	}
	if c != nil {
		p.i += 5
		if t := p.at(0); len(a.text) == 4 && t != nil && t.kind == wordToken && !t.spaced && t.text == "t" && isGluedNumber(p.at(1)) {
			p.i++ // 2026-12-25T15:00
		}
		p.yearWord()
	} else {
		p.i += 3
		if sep.text == "." {
			p.punct(".", true) // "25.12."
		}
	}
	return true, yearGiven, nil
}

// dayMonth reads "25 декабря", "25-го декабря", "25 снежня 2026 г.",
// "25th of December".
func (p *parser) dayMonth(d *civil) (ok, yearGiven bool) {
	start := p.i
	a := p.at(0)
	if !isNumber(a, 2) {
		return false, false
	}
	p.i++
	p.ordinal()
	p.word(wOf)
	e, ok := p.word(wMonth)
	if !ok {
		p.i = start
		return false, false
	}
	p.punct(".", true)
	*d = civil{month: time.Month(e.value), day: a.value}
	if y, ok := p.spacedYear(false); ok {
		d.year, yearGiven = y, true
	}
	return true, yearGiven
}

// monthDay reads "December 25", "Dec. 25th, 2026".
func (p *parser) monthDay(d *civil) (ok, yearGiven bool) {
	start := p.i
	e, ok := p.word(wMonth)
	if !ok {
		return false, false
	}
	p.punct(".", true)
	a := p.at(0)
	if !isNumber(a, 2) || isGluedPunct(p.at(1), ":.") {
		p.i = start
		return false, false
	}
	p.i++
	p.ordinal()
	*d = civil{month: time.Month(e.value), day: a.value}
	if y, ok := p.spacedYear(true); ok {
		d.year, yearGiven = y, true
	}
	return true, yearGiven
}

// ordinal consumes an ordinal ending glued to a day number: 25th, 25-го.
func (p *parser) ordinal() {
	start := p.i
	p.punct("-", true)
	if t := p.at(0); t != nil && !t.spaced {
		if _, ok := p.word(wOrdinal); ok {
			return
		}
	}
	p.i = start
}

// spacedYear reads a four-digit year after a written date, optionally
// after a comma, and a year word ("г.", "года"). Only years 1900–2199 are
// taken, so that "25 декабря 1500 участников" keeps its number.
func (p *parser) spacedYear(comma bool) (int, bool) {
	start := p.i
	if comma {
		p.punct(",", false)
	}
	t := p.at(0)
	if t == nil || t.kind != numberToken || len(t.text) != 4 || t.value < 1900 || t.value > 2199 || isGluedPunct(p.at(1), ":.") {
		p.i = start
		return 0, false
	}
	p.i++
	p.yearWord()
	return t.value, true
}

func (p *parser) yearWord() {
	if _, ok := p.word(wYearWord); ok {
		p.punct(".", true)
	}
}

// clockTime reads a time of day with an optional preposition.
func (p *parser) clockTime(ph *phrase) (bool, error) {
	if ph.hasClock || ph.span.exact != 0 {
		return false, nil
	}
	start := p.i
	_, timePrep := p.word(wTimePrep)
	datePrep := false
	if !timePrep {
		_, datePrep = p.word(wDatePrep)
	}
	var c clock
	ok, err := p.clockBody(&c, timePrep || datePrep || ph.hasDay(), timePrep)
	if err != nil {
		return false, err
	}
	if !ok {
		p.i = start
		return false, nil
	}
	ph.clock, ph.hasClock = c, true
	return true, nil
}

// clockBody reads the time itself. In a slot (after a preposition or a
// date) "15.30" and "15-30" are times; a bare hour ("10") is taken only
// after a time preposition (в, у, ў, а, at) or with a qualifier or an hour
// word ("3pm", "10 утра", "15ч").
func (p *parser) clockBody(c *clock, slot, bareAllowed bool) (bool, error) {
	if _, ok := p.word(wNoon); ok {
		c.hour, c.padded = 12, true
		return true, nil
	}
	if _, ok := p.word(wMidnight); ok {
		c.midnight = true
		return true, nil
	}
	t := p.at(0)
	if t == nil {
		return false, nil
	}
	explicit := false
	switch t.kind {
	case numberToken:
		if len(t.text) > 2 {
			return false, nil
		}
		c.hour = t.value
		c.padded = len(t.text) == 2 && t.text[0] == '0'
		p.i++
		var err error
		if explicit, err = p.minutes(c, slot); err != nil {
			return false, err
		}
		if !explicit && isGluedPunct(p.at(0), ":.-") && isGluedNumber(p.at(1)) {
			// "10.12.2026" after a preposition, "10-12-…": not a time.
			return false, nil
		}
		if !explicit && p.hourWord() {
			explicit = true
			p.minutesAfterHourWord(c)
		}
	case wordToken:
		if e, ok := find(t, wNumber); ok && e.value%2 == 0 && e.value >= 2 && e.value <= 24 {
			c.hour = e.value / 2
			p.i++
			explicit = p.hourWord()
		} else if e, ok := find(t, wHourWord); ok && e.value == 1 && bareAllowed {
			// "в час дня": the hour word alone is one o'clock.
			c.hour = 1
			p.i++
		} else {
			return false, nil
		}
	default:
		return false, nil
	}
	qualified := p.qualifier(c)
	return explicit || qualified || bareAllowed, nil
}

// minutes reads ":30" (and ":00:00"), or ".30" and "-30" in a slot.
func (p *parser) minutes(c *clock, slot bool) (bool, error) {
	sep, n := p.at(0), p.at(1)
	if !isGluedPunct(sep, ":.-") || !isGluedNumber(n) {
		return false, nil
	}
	if sep.text == ":" {
		if len(n.text) != 2 {
			return false, ErrInvalid
		}
		c.minute = n.value
		p.i += 2
		if isGluedPunct(p.at(0), ":") && isGluedNumber(p.at(1)) && len(p.at(1).text) == 2 {
			c.second = p.at(1).value
			p.i += 2
		}
		return true, nil
	}
	if len(n.text) != 2 || (isGluedPunct(p.at(2), sep.text) && isGluedNumber(p.at(3))) {
		return false, nil
	}
	if !slot && (sep.text == "-" || n.value <= 12) {
		return false, nil
	}
	c.minute = n.value
	p.i += 2
	return true, nil
}

func (p *parser) hourWord() bool {
	if _, ok := p.word(wHourWord); ok {
		p.punct(".", true)
		return true
	}
	return false
}

// minutesAfterHourWord reads the minutes of "15ч30", "15 ч 30 мин",
// "3 часа 30 минут"; a spaced number needs its minute word.
func (p *parser) minutesAfterHourWord(c *clock) {
	n := p.at(0)
	if !isNumber(n, 2) {
		return
	}
	if !n.spaced {
		c.minute = n.value
		p.i++
		if _, ok := p.word(wMinuteWord); ok {
			p.punct(".", true)
		}
		return
	}
	if m := p.at(1); m != nil && m.kind == wordToken {
		if _, ok := find(m, wMinuteWord); ok {
			c.minute = n.value
			p.i += 2
			p.punct(".", true)
		}
	}
}

// qualifier reads what fixes a 12-hour reading: am, p.m., утра, вечара,
// вечером, in the evening, at night.
func (p *parser) qualifier(c *clock) bool {
	start := p.i
	if e, ok := p.word(wMeridiem); ok {
		p.punct(".", true)
		c.part = dayPart(e.value)
		return true
	}
	if part, ok := p.dottedMeridiem(); ok {
		c.part = part
		return true
	}
	if e, ok := p.word(wPartOfDay); ok {
		c.part = dayPart(e.value)
		return true
	}
	if _, ok := p.word(wThrough); ok {
		p.word(wThe)
	} else {
		p.word(wTimePrep)
	}
	if e, ok := p.word(wPartAdverb); ok {
		c.part = dayPart(e.value)
		return true
	}
	p.i = start
	return false
}

// dottedMeridiem reads "a.m." and "p.m.".
func (p *parser) dottedMeridiem() (dayPart, bool) {
	a, dot, m := p.at(0), p.at(1), p.at(2)
	if a == nil || a.kind != wordToken || (a.text != "a" && a.text != "p") ||
		!isGluedPunct(dot, ".") || m == nil || m.kind != wordToken || m.spaced || m.text != "m" {
		return partNone, false
	}
	p.i += 3
	p.punct(".", true)
	if a.text == "a" {
		return partAM, true
	}
	return partPM, true
}

// partAdverb reads a part of the day given apart from the hour: "вечером",
// "увечары", "this morning", "tomorrow in the evening".
func (p *parser) partAdverb(ph *phrase) bool {
	if ph.adverb != partNone {
		return false
	}
	start := p.i
	_, this := p.word(wThis)
	if !this {
		if _, ok := p.word(wThrough); ok {
			p.word(wThe)
		} else {
			p.word(wTimePrep)
		}
	}
	e, ok := p.word(wPartAdverb)
	if !ok {
		p.i = start
		return false
	}
	ph.adverb = dayPart(e.value)
	if this && !ph.hasDay() {
		ph.relDay, ph.hasRelDay = 0, true
	}
	return true
}
