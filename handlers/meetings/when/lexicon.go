package when

// langSet is a set of the languages a word belongs to.
type langSet uint8

const (
	langRU langSet = 1 << iota
	langBE
	langEN
)

// wordKind is the grammatical role of a lexicon entry.
type wordKind uint8

const (
	wMonth      wordKind = iota + 1 // value: 1–12
	wWeekday                        // value: time.Weekday
	wRelDay                         // value: days from today
	wTonight                        // today, in the evening
	wAfter                          // "after" in "day after tomorrow"
	wUnit                           // value: unit
	wUnitAmount                     // value: unit, amount: halves (полчаса)
	wNumber                         // value: halves (два → 4); hours and amounts
	wAmount                         // value: halves; amounts only (a, an, пару)
	wHalf                           // "half"
	wTimePrep                       // в, у, ў, а, at
	wDatePrep                       // на, on
	wThrough                        // через, праз, in
	wNext                           // следующий, наступны, next
	wThis                           // этот, гэты, this
	wMeridiem                       // value: partAM or partPM
	wPartOfDay                      // value: dayPart; genitive after an hour (утра, вечара)
	wPartAdverb                     // value: dayPart; утром, увечары, evening
	wHourWord                       // ч, часов, гадзіне, o'clock; value 1 when the word alone means one o'clock (в час)
	wMinuteWord                     // мин, хвілін, minutes
	wYearWord                       // г, года
	wOrdinal                        // st, nd, rd, th, -го, -е, -га
	wAnd                            // и, і, ды, and
	wOf                             // of
	wThe                            // the
	wNoon                           // полдень, поўдзень, noon
	wMidnight                       // полночь, поўнач, midnight
)

type unit int

const (
	unitMinute unit = iota + 1
	unitHour
	unitDay
	unitWeek
	unitMonth
	unitYear
)

// dayPart is a part of the day that fixes the reading of a 12-hour clock.
type dayPart int

const (
	partNone dayPart = iota
	partAM
	partPM
	partMorning
	partAfternoon
	partEvening
	partNight
)

type entry struct {
	kind   wordKind
	value  int
	amount int
	langs  langSet
}

var (
	// lexicon maps a normalised word to its entries.
	lexicon = map[string][]entry{}
	// folded maps a folded word (see fold) to the entries of every lexicon
	// word that folds to it; it is consulted only when lexicon has no entry.
	folded = map[string][]entry{}
)

func lookup(word string) []entry {
	if es, ok := lexicon[word]; ok {
		return es
	}
	return folded[fold(word)]
}

// find returns the entry of kind k of a word token.
func find(t *token, k wordKind) (entry, bool) {
	for _, e := range t.entries {
		if e.kind == k {
			return e, true
		}
	}
	return entry{}, false
}

func merge(m map[string][]entry, key string, e entry) {
	es := m[key]
	for i := range es {
		if es[i].kind == e.kind && es[i].value == e.value && es[i].amount == e.amount {
			es[i].langs |= e.langs
			return
		}
	}
	m[key] = append(es, e)
}

func add(l langSet, k wordKind, v int, words ...string) {
	for _, w := range words {
		merge(lexicon, normaliseWord(w), entry{kind: k, value: v, langs: l})
	}
}

func addAmount(l langSet, u unit, halves int, words ...string) {
	for _, w := range words {
		merge(lexicon, normaliseWord(w), entry{kind: wUnitAmount, value: int(u), amount: halves, langs: l})
	}
}

func init() {
	const ru, be, en, rube = langRU, langBE, langEN, langRU | langBE

	months := [12]struct{ ru, be, en []string }{
		{[]string{"январь", "января", "янв"}, []string{"студзень", "студзеня", "студз"}, []string{"january", "jan"}},
		{[]string{"февраль", "февраля", "фев", "февр"}, []string{"люты", "лютага", "лют"}, []string{"february", "feb"}},
		{[]string{"март", "марта", "мар"}, []string{"сакавік", "сакавіка", "сак"}, []string{"march", "mar"}},
		{[]string{"апрель", "апреля", "апр"}, []string{"красавік", "красавіка", "крас"}, []string{"april", "apr"}},
		{[]string{"май", "мая"}, []string{"май", "мая", "травень", "траўня", "трав"}, []string{"may"}},
		{[]string{"июнь", "июня", "июн"}, []string{"чэрвень", "чэрвеня", "чэрв"}, []string{"june", "jun"}},
		{[]string{"июль", "июля", "июл"}, []string{"ліпень", "ліпеня", "ліп"}, []string{"july", "jul"}},
		{[]string{"август", "августа", "авг"}, []string{"жнівень", "жніўня", "жн", "жнів"}, []string{"august", "aug"}},
		{[]string{"сентябрь", "сентября", "сен", "сент"}, []string{"верасень", "верасня", "вер"}, []string{"september", "sep", "sept"}},
		{[]string{"октябрь", "октября", "окт"}, []string{"кастрычнік", "кастрычніка", "каст", "кастр"}, []string{"october", "oct"}},
		{[]string{"ноябрь", "ноября", "ноя", "нояб"}, []string{"лістапад", "лістапада", "ліст"}, []string{"november", "nov"}},
		{[]string{"декабрь", "декабря", "дек"}, []string{"снежань", "снежня", "снеж"}, []string{"december", "dec"}},
	}
	for i, m := range months {
		add(ru, wMonth, i+1, m.ru...)
		add(be, wMonth, i+1, m.be...)
		add(en, wMonth, i+1, m.en...)
	}

	// Weekdays in time.Weekday order, Sunday first.
	weekdays := [7]struct{ ru, be, en []string }{
		{[]string{"воскресенье", "вс", "вск", "воскр"}, []string{"нядзеля", "нядзелю", "нд"}, []string{"sunday", "sun"}},
		{[]string{"понедельник", "пн", "пон"}, []string{"панядзелак", "пн", "пнд"}, []string{"monday", "mon"}},
		{[]string{"вторник", "вт"}, []string{"аўторак", "ўторак", "аўт", "аў"}, []string{"tuesday", "tue", "tues"}},
		{[]string{"среда", "среду", "ср"}, []string{"серада", "сераду", "ср"}, []string{"wednesday", "wed"}},
		{[]string{"четверг", "чт", "чтв"}, []string{"чацвер", "чц", "чацв"}, []string{"thursday", "thu", "thur", "thurs"}},
		{[]string{"пятница", "пятницу", "пт"}, []string{"пятніца", "пятніцу", "пт"}, []string{"friday", "fri"}},
		{[]string{"суббота", "субботу", "сб"}, []string{"субота", "суботу", "сб"}, []string{"saturday", "sat"}},
	}
	for i, d := range weekdays {
		add(ru, wWeekday, i, d.ru...)
		add(be, wWeekday, i, d.be...)
		add(en, wWeekday, i, d.en...)
	}

	add(ru, wRelDay, 0, "сегодня")
	add(ru, wRelDay, 1, "завтра")
	add(ru, wRelDay, 2, "послезавтра")
	add(be, wRelDay, 0, "сёння")
	add(be, wRelDay, 1, "заўтра")
	add(be, wRelDay, 2, "паслязаўтра")
	add(en, wRelDay, 0, "today")
	add(en, wRelDay, 1, "tomorrow", "tmrw")
	add(en, wTonight, 0, "tonight")
	add(en, wAfter, 0, "after")

	add(ru, wUnit, int(unitMinute), "минута", "минуту", "минуты", "минут", "мин")
	add(be, wUnit, int(unitMinute), "хвіліна", "хвіліну", "хвіліны", "хвілін", "хв")
	add(en, wUnit, int(unitMinute), "minute", "minutes", "min", "mins")
	add(ru, wUnit, int(unitHour), "час", "часа", "часов", "ч")
	add(be, wUnit, int(unitHour), "гадзіна", "гадзіну", "гадзіны", "гадзін", "гадз")
	add(en, wUnit, int(unitHour), "hour", "hours", "hr", "hrs", "h")
	add(ru, wUnit, int(unitDay), "день", "дня", "дней", "дн", "сутки", "суток")
	add(be, wUnit, int(unitDay), "дзень", "дня", "дні", "дзён", "сутак")
	add(en, wUnit, int(unitDay), "day", "days")
	add(ru, wUnit, int(unitWeek), "неделя", "неделю", "недели", "недель", "нед")
	add(be, wUnit, int(unitWeek), "тыдзень", "тыдня", "тыдні", "тыдняў")
	add(en, wUnit, int(unitWeek), "week", "weeks", "wk", "wks")
	add(ru, wUnit, int(unitMonth), "месяц", "месяца", "месяцев", "мес")
	add(be, wUnit, int(unitMonth), "месяц", "месяца", "месяцы", "месяцаў")
	add(en, wUnit, int(unitMonth), "month", "months")
	add(ru, wUnit, int(unitYear), "год", "года", "лет")
	add(be, wUnit, int(unitYear), "год", "гады", "гадоў", "года")
	add(en, wUnit, int(unitYear), "year", "years", "yr", "yrs")
	addAmount(ru, unitHour, 1, "полчаса")
	addAmount(be, unitHour, 1, "паўгадзіны")
	addAmount(ru, unitMonth, 12, "полгода")
	addAmount(be, unitMonth, 12, "паўгода")

	cardinals := []struct {
		n          int
		ru, be, en []string
	}{
		{1, []string{"один", "одна", "одну"}, []string{"адзін", "адна", "адну"}, []string{"one"}},
		{2, []string{"два", "две"}, []string{"два", "дзве"}, []string{"two"}},
		{3, []string{"три"}, []string{"тры"}, []string{"three"}},
		{4, []string{"четыре"}, []string{"чатыры"}, []string{"four"}},
		{5, []string{"пять"}, []string{"пяць"}, []string{"five"}},
		{6, []string{"шесть"}, []string{"шэсць"}, []string{"six"}},
		{7, []string{"семь"}, []string{"сем"}, []string{"seven"}},
		{8, []string{"восемь"}, []string{"восем"}, []string{"eight"}},
		{9, []string{"девять"}, []string{"дзевяць"}, []string{"nine"}},
		{10, []string{"десять"}, []string{"дзесяць"}, []string{"ten"}},
		{11, []string{"одиннадцать"}, []string{"адзінаццаць"}, []string{"eleven"}},
		{12, []string{"двенадцать"}, []string{"дванаццаць"}, []string{"twelve"}},
		{15, []string{"пятнадцать"}, []string{"пятнаццаць"}, []string{"fifteen"}},
		{20, []string{"двадцать"}, []string{"дваццаць"}, []string{"twenty"}},
		{30, []string{"тридцать"}, []string{"трыццаць"}, []string{"thirty"}},
		{40, []string{"сорок"}, []string{"сорак"}, []string{"forty"}},
	}
	for _, c := range cardinals {
		add(ru, wNumber, 2*c.n, c.ru...)
		add(be, wNumber, 2*c.n, c.be...)
		add(en, wNumber, 2*c.n, c.en...)
	}
	add(ru, wNumber, 3, "полтора", "полторы")
	add(be, wNumber, 3, "паўтара", "паўтары")
	add(en, wAmount, 2, "a", "an")
	add(rube, wAmount, 4, "пару")
	add(en, wAmount, 4, "couple")
	add(en, wHalf, 1, "half")

	add(ru, wTimePrep, 0, "в", "во")
	add(be, wTimePrep, 0, "у", "ў", "а")
	add(en, wTimePrep, 0, "at")
	add(rube, wDatePrep, 0, "на")
	add(en, wDatePrep, 0, "on")
	add(ru, wThrough, 0, "через")
	add(be, wThrough, 0, "праз")
	add(en, wThrough, 0, "in")
	add(ru, wNext, 0, "следующий", "следующую", "следующее", "следующая", "след")
	add(be, wNext, 0, "наступны", "наступную", "наступнае", "наступная")
	add(en, wNext, 0, "next")
	add(ru, wThis, 0, "этот", "эту", "это", "эта", "ближайший", "ближайшую", "ближайшее", "ближайшая")
	add(be, wThis, 0, "гэты", "гэтую", "гэтае", "гэтая", "бліжэйшы", "бліжэйшую", "бліжэйшае", "бліжэйшая")
	add(en, wThis, 0, "this", "coming")

	add(en, wMeridiem, int(partAM), "am")
	add(en, wMeridiem, int(partPM), "pm")
	add(ru, wPartOfDay, int(partMorning), "утра")
	add(ru, wPartOfDay, int(partAfternoon), "дня")
	add(ru, wPartOfDay, int(partEvening), "вечера")
	add(ru, wPartOfDay, int(partNight), "ночи")
	add(be, wPartOfDay, int(partMorning), "раніцы")
	add(be, wPartOfDay, int(partAfternoon), "дня")
	add(be, wPartOfDay, int(partEvening), "вечара")
	add(be, wPartOfDay, int(partNight), "ночы")
	add(ru, wPartAdverb, int(partMorning), "утром")
	add(ru, wPartAdverb, int(partAfternoon), "днём")
	add(ru, wPartAdverb, int(partEvening), "вечером")
	add(ru, wPartAdverb, int(partNight), "ночью")
	add(be, wPartAdverb, int(partMorning), "раніцай", "раніцою", "зранку")
	add(be, wPartAdverb, int(partAfternoon), "удзень", "ўдзень", "днём")
	add(be, wPartAdverb, int(partEvening), "увечары", "ўвечары", "вечарам")
	add(be, wPartAdverb, int(partNight), "уначы", "ўначы", "ноччу")
	add(en, wPartAdverb, int(partMorning), "morning")
	add(en, wPartAdverb, int(partAfternoon), "afternoon")
	add(en, wPartAdverb, int(partEvening), "evening")
	add(en, wPartAdverb, int(partNight), "night")

	add(ru, wHourWord, 1, "час")
	add(ru, wHourWord, 0, "часа", "часов", "ч")
	add(be, wHourWord, 0, "гадзіне", "гадзіна", "гадзіны", "гадзін", "гадз")
	add(en, wHourWord, 0, "h", "o'clock", "oclock")
	add(ru, wMinuteWord, 0, "мин", "минута", "минуты", "минут")
	add(be, wMinuteWord, 0, "хв", "хвіліна", "хвіліны", "хвілін")
	add(en, wMinuteWord, 0, "min", "mins", "minutes")
	add(ru, wYearWord, 0, "г", "год", "года", "году")
	add(be, wYearWord, 0, "г", "год", "года", "годзе")
	add(en, wOrdinal, 0, "st", "nd", "rd", "th")
	add(ru, wOrdinal, 0, "го", "е", "ое")
	add(be, wOrdinal, 0, "га")
	add(ru, wAnd, 0, "и")
	add(be, wAnd, 0, "і", "ды")
	add(en, wAnd, 0, "and")
	add(en, wOf, 0, "of")
	add(en, wThe, 0, "the")
	add(ru, wNoon, 0, "полдень")
	add(be, wNoon, 0, "поўдзень", "апоўдні")
	add(en, wNoon, 0, "noon", "midday")
	add(ru, wMidnight, 0, "полночь")
	add(be, wMidnight, 0, "поўнач", "апоўначы")
	add(en, wMidnight, 0, "midnight")

	for key, es := range lexicon {
		for _, e := range es {
			merge(folded, fold(key), e)
		}
	}
}
