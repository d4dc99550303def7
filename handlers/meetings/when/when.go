package when

import (
	"errors"
	"sort"
	"strings"
	"time"
	"unicode"
)

// Result is what Parse understood.
type Result struct {
	// At is the chosen moment, in the requested location. For a date
	// without a time it is the start of that day. It is zero when
	// Ambiguous is set.
	At time.Time
	// HasTime is false when only a date was given; the caller then asks
	// for the time.
	HasTime bool
	// Ambiguous holds the two readings of an hour that could be morning or
	// afternoon ("в 5" → 05:00 and 17:00), or of a midnight that could
	// start or end the named day, earliest first. Parse never guesses
	// between them.
	Ambiguous []time.Time
	// Rest is the text after the phrase, trimmed of separators:
	// "25.12 15:00 Town hall, tourism forum" leaves "Town hall, tourism forum".
	Rest string
	// Lang is "ru", "be" or "en" by the words of the phrase, or "" when it
	// was written in digits only.
	Lang string
}

var (
	// ErrUnrecognised is returned when the text does not start with a date
	// or a time.
	ErrUnrecognised = errors.New("when: no date or time recognised")
	// ErrPast is returned, with the Result filled so the caller can show
	// it, when the moment (or every reading of it) is already in the past.
	ErrPast = errors.New("when: moment is in the past")
	// ErrInvalid is returned for a date or time that cannot exist: 31.02,
	// 29.02 outside a leap year, 25:00, a part of the day that does not fit
	// the hour ("20 am", "8 дня"), or a weekday that does not match the
	// date ("пятница, 28 ноября" when the 28th is a Saturday).
	ErrInvalid = errors.New("when: impossible date")
)

// Parse reads a date/time phrase at the start of text (or the whole text),
// relative to now in loc. A nil loc means UTC. See the package
// documentation for the accepted forms and the rules.
func Parse(text string, now time.Time, loc *time.Location) (Result, error) {
	if loc == nil {
		loc = time.UTC
	}
	now = now.In(loc)
	p := parser{toks: tokenize(text)}
	for p.i < len(p.toks) && p.toks[p.i].kind == punctToken {
		p.i++
	}
	first := p.i
	var ph phrase
	if err := p.parse(&ph); err != nil {
		return Result{}, err
	}
	if !ph.hasDay() && !ph.hasClock {
		return Result{}, ErrUnrecognised
	}
	res := Result{
		Rest: trimRest(text[p.toks[p.end-1].end:]),
		Lang: language(p.toks[first:p.end]),
	}
	err := ph.resolve(&res, now, loc)
	if err != nil && !errors.Is(err, ErrPast) {
		return Result{}, err
	}
	return res, err
}

func trimRest(s string) string {
	s = strings.TrimLeftFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",;:.!?…-–—|/\\»”)", r)
	})
	return strings.TrimRightFunc(s, unicode.IsSpace)
}

// language votes: every word of the phrase counts for each language it
// belongs to; ties go to Russian, then Belarusian.
func language(toks []token) string {
	var votes [3]int
	for _, t := range toks {
		var l langSet
		for _, e := range t.entries {
			l |= e.langs
		}
		for i := range votes {
			if l&(1<<i) != 0 {
				votes[i]++
			}
		}
	}
	best, lang := 0, ""
	for i, name := range [3]string{"ru", "be", "en"} {
		if votes[i] > best {
			best, lang = votes[i], name
		}
	}
	return lang
}

// resolve turns the phrase into moments relative to now.
func (ph *phrase) resolve(res *Result, now time.Time, loc *time.Location) error {
	today := civilOf(now)
	var day civil
	hasDay := true
	switch {
	case ph.hasSpan:
		moved := ph.span.calendar(now)
		if !ph.hasClock {
			res.At, res.HasTime = moved.Add(ph.span.exact), true
			return nil
		}
		day = civilOf(moved)
	case ph.hasDate:
		day = ph.date
		if !ph.yearGiven {
			day.year = today.year
			if day.before(today) {
				day.year++
			}
		}
		if !day.valid() {
			return ErrInvalid
		}
	case ph.hasRelDay:
		day = today.addDays(ph.relDay)
	case ph.hasWeekday:
		day = today.addDays(weekdayOffset(today.weekday(), ph.weekday, ph.mode))
	default:
		hasDay = false
	}
	if ph.hasWeekday && (ph.hasDate || ph.hasRelDay) && day.weekday() != ph.weekday {
		return ErrInvalid
	}

	if !ph.hasClock {
		res.At = day.at(0, 0, 0, loc)
		if day.before(today) {
			return ErrPast
		}
		return nil
	}
	res.HasTime = true
	c := ph.clock
	if c.minute > 59 || c.second > 59 {
		return ErrInvalid
	}
	hours, midnight, err := c.hours(ph.adverb)
	if err != nil {
		return err
	}

	var cands []time.Time
	if !hasDay {
		// A time alone is its next occurrence; midnight is the coming one.
		for _, h := range hours {
			t := today.at(h, c.minute, c.second, loc)
			if t.Before(now) {
				t = today.addDays(1).at(h, c.minute, c.second, loc)
			}
			cands = append(cands, t)
		}
		sort.Slice(cands, func(i, j int) bool { return cands[i].Before(cands[j]) })
		if len(cands) == 1 {
			res.At = cands[0]
		} else {
			res.Ambiguous = cands
		}
		return nil
	}

	if midnight {
		cands = []time.Time{day.at(0, 0, 0, loc), day.addDays(1).at(0, 0, 0, loc)}
	} else {
		for _, h := range hours {
			cands = append(cands, day.at(h, c.minute, c.second, loc))
		}
	}
	if len(cands) == 1 {
		res.At = cands[0]
		if res.At.Before(now) {
			return ErrPast
		}
		return nil
	}
	// Two readings: one already past leaves the other; both past is ErrPast.
	var ahead []time.Time
	for _, t := range cands {
		if !t.Before(now) {
			ahead = append(ahead, t)
		}
	}
	switch len(ahead) {
	case 1:
		res.At = ahead[0]
	case 0:
		res.Ambiguous = cands
		return ErrPast
	default:
		res.Ambiguous = cands
	}
	return nil
}

// hours returns the hour readings of c: one, or two when a bare hour 1–7
// has no qualifier. midnight is set for a midnight that needs a day to
// choose between its start and its end.
func (c clock) hours(adverb dayPart) (hours []int, midnight bool, err error) {
	if c.midnight {
		return []int{0}, true, nil
	}
	h := c.hour
	if h > 23 {
		return nil, false, ErrInvalid
	}
	part := c.part
	if part == partNone {
		if h == 0 || h >= 13 || c.padded {
			return []int{h}, false, nil
		}
		part = adverb
	}
	if part != partNone {
		h, midnight, ok := applyPart(h, part)
		if !ok {
			return nil, false, ErrInvalid
		}
		return []int{h}, midnight, nil
	}
	if h >= 8 {
		return []int{h}, false, nil // 8–12: working hours, not 20–24
	}
	return []int{h, h + 12}, false, nil
}

// applyPart reads hour h (0–23) in a part of the day. It reports false for
// combinations that name no time: "8 дня", "12 вечера", "20 am".
func applyPart(h int, part dayPart) (hour int, midnight, ok bool) {
	if h >= 13 {
		switch part {
		case partPM:
			return h, false, true
		case partAfternoon:
			return h, false, h <= 18
		case partEvening:
			return h, false, h >= 15
		case partNight:
			return h, false, h >= 21
		}
		return 0, false, false
	}
	switch part {
	case partAM:
		return h % 12, false, true
	case partPM:
		if h == 0 {
			return 0, false, false
		}
		return h%12 + 12, false, true
	case partMorning:
		return h, false, h >= 1 && h <= 11
	case partAfternoon:
		if h == 11 || h == 12 {
			return h, false, true
		}
		return h + 12, false, h >= 1 && h <= 6
	case partEvening:
		return h + 12, false, h >= 3 && h <= 11
	case partNight:
		switch {
		case h == 12:
			return 0, true, true
		case h >= 1 && h <= 5:
			return h, false, true
		case h >= 9 && h <= 11:
			return h + 12, false, true
		}
	}
	return 0, false, false
}

// weekdayOffset counts the days from a today that is a `from` to the
// wanted weekday.
func weekdayOffset(from, want time.Weekday, mode weekMode) int {
	delta := (int(want) - int(from) + 7) % 7
	switch mode {
	case weekPlain:
		if delta == 0 {
			delta = 7
		}
	case weekNext:
		// Weeks start on Monday: days to next Monday, then into that week.
		delta = 8 - isoWeekday(from) + isoWeekday(want) - 1
	}
	return delta
}

func isoWeekday(d time.Weekday) int {
	if d == time.Sunday {
		return 7
	}
	return int(d)
}

// calendar moves now by the calendar part of s on the wall clock of its
// location. Adding months keeps the day of month where the target month
// has it and takes the month's last day otherwise (31 January + 1 month =
// 28 or 29 February).
func (s span) calendar(now time.Time) time.Time {
	if s.months == 0 && s.days == 0 {
		return now
	}
	y, m, d := now.Date()
	hh, mm, ss := now.Clock()
	target := civil{year: y, month: m, day: 1}.addMonths(s.months)
	if last := daysIn(target.year, target.month); d > last {
		d = last
	}
	return time.Date(target.year, target.month, d+s.days, hh, mm, ss, now.Nanosecond(), now.Location())
}

// civil is a calendar date without a location.
type civil struct {
	year  int
	month time.Month
	day   int
}

func civilOf(t time.Time) civil {
	y, m, d := t.Date()
	return civil{y, m, d}
}

// noon gives date arithmetic a time far from any DST change.
func (c civil) noon() time.Time {
	return time.Date(c.year, c.month, c.day, 12, 0, 0, 0, time.UTC)
}

func (c civil) addDays(n int) civil {
	return civilOf(c.noon().AddDate(0, 0, n))
}

func (c civil) addMonths(n int) civil {
	return civilOf(time.Date(c.year, c.month+time.Month(n), 1, 12, 0, 0, 0, time.UTC))
}

func (c civil) weekday() time.Weekday { return c.noon().Weekday() }

func (c civil) before(o civil) bool {
	if c.year != o.year {
		return c.year < o.year
	}
	if c.month != o.month {
		return c.month < o.month
	}
	return c.day < o.day
}

func (c civil) valid() bool {
	return c.month >= time.January && c.month <= time.December && c.day >= 1 && c.day <= daysIn(c.year, c.month)
}

// at is the wall time h:m:s of the day in loc. A wall time skipped by a
// daylight-saving change is resolved as time.Date resolves it.
func (c civil) at(h, m, s int, loc *time.Location) time.Time {
	return time.Date(c.year, c.month, c.day, h, m, s, 0, loc)
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 12, 0, 0, 0, time.UTC).Day()
}
