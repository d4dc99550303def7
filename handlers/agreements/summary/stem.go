package summary

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/russian"
)

// Russian and English words are stemmed with the Snowball stemmers of
// github.com/kljensen/snowball. Snowball has no Belarusian stemmer, so
// beStem strips inflectional endings in the same spirit: the ending must lie
// after the first vowel, and the longest known ending wins.

// tokens splits s into lower-case words; hyphenated compounds
// ("торгово-экономический") give their parts, and the Belarusian apostrophe
// stays inside a word ("аб'ект").
func tokens(s string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	runes := []rune(s)
	for i, r := range runes {
		switch {
		case unicode.IsLetter(r):
			b.WriteRune(unicode.ToLower(r))
		case (r == '\'' || r == '’' || r == 'ʼ') && b.Len() > 0 && i+1 < len(runes) && unicode.IsLetter(runes[i+1]):
			b.WriteByte('\'')
		case unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			flush()
		}
	}
	flush()
	return out
}

func hasRune(s string, set string) bool { return strings.ContainsAny(s, set) }

// stem reduces a lower-case word to its stem in the language of its
// sentence; the word's own letters override the sentence's language.
func stem(word, lang string) string {
	word = strings.ReplaceAll(word, "ё", "е")
	switch {
	case word == "":
		return ""
	case isLatin(word):
		return english.Stem(word, false)
	case hasRune(word, "іў'"):
		return beStem(word)
	case hasRune(word, "иъщ"):
		return russian.Stem(word, false)
	case lang == LangBE:
		return beStem(word)
	}
	return russian.Stem(word, false)
}

func isLatin(s string) bool {
	for _, r := range s {
		if r >= 'a' && r <= 'z' {
			return true
		}
	}
	return false
}

const beVowels = "аеёіоуыэюя"

// beEndings are Belarusian inflectional endings (nouns, adjectives,
// participles, verbs), matched longest first.
var beEndings = func() []string {
	list := []string{
		// adjectives and participles
		"ымі", "імі", "ага", "яга", "аму", "яму", "ую", "юю", "ая", "яя", "ое", "ае", "ее", "ыя", "ія",
		"ых", "іх", "ым", "ім", "ай", "ой", "ей", "ы", "і",
		// nouns
		"амі", "ямі", "ах", "ях", "ам", "ям", "аў", "яў", "оў", "ёў", "еў", "ою", "ёю", "ём", "ом", "ем",
		"яй", "а", "я", "у", "ю", "е", "о", "ь",
		// verbs and adverbial participles
		"юцца", "уцца", "ецца", "іцца", "ыцца", "ацца", "яцца", "цца", "ючы", "учы", "ячы", "ачы",
		"юць", "уць", "аць", "яць", "іць", "ыць", "ець", "ваць", "лася", "ліся", "ўся", "ся",
		"ла", "лі", "ло", "еце", "іце", "ць", "ці", "еш", "ыш", "іш", "ў",
	}
	// Longest first, so that "ямі" is tried before "і".
	for i := 1; i < len(list); i++ {
		for j := i; j > 0 && utf8.RuneCountInString(list[j]) > utf8.RuneCountInString(list[j-1]); j-- {
			list[j], list[j-1] = list[j-1], list[j]
		}
	}
	return list
}()

// beStem strips one inflectional ending after the first vowel, then a
// trailing soft sign, keeping at least two letters of stem.
func beStem(word string) string {
	runes := []rune(word)
	rv := -1
	for i, r := range runes {
		if strings.ContainsRune(beVowels, r) {
			rv = i + 1
			break
		}
	}
	if rv < 0 {
		return word
	}
	for _, e := range beEndings {
		er := utf8.RuneCountInString(e)
		if len(runes)-er < max(rv, 2) {
			continue
		}
		if strings.HasSuffix(word, e) {
			runes = runes[:len(runes)-er]
			break
		}
	}
	if n := len(runes); n > 2 && runes[n-1] == 'ь' {
		runes = runes[:n-1]
	}
	return string(runes)
}

// stopwords are function words of the three languages, and words present
// in every agreement that say nothing about this one.
var stopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
		и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было вот от меня
		еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь опять уж вам ведь там
		потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже
		себе под будет ж тогда кто этот того потому этого какой совсем ним здесь этом один почти мой тем чтобы нее сейчас
		были куда зачем всех никогда можно при наконец два об другой хоть после над больше тот через эти нас про всего
		них какая много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им более
		всегда конечно всю между также а также том числе которые который которых настоящего настоящим настоящее
		настоящий соглашение соглашения соглашению соглашением договор договора стороны сторон сторонами сторона
		і ў з са не што ён на я як а то ўсе яна так яго але ты да у ж вы за б па толькі мне было вось ад мяне яшчэ няма
		аб з ёй калі нават ці ўжо або ні быць быў да вам там потым сябе нічога можа яны тут дзе ёсць трэба для мы іх
		чым была сам без чаго раз таксама пад будзе тады хто гэты таго гэтага які зусім тым каб пры пасля над больш
		той праз гэтыя нас пра усіх якая шмат тры гэту мая перад гэтай гэта гэтым таксама паміж а таксама тым ліку
		якія які якая якое бакі бакоў бок боку бакамі пагадненне пагаднення пагадненні дамова дамовы
		the a an and or of to in on for by with at from as is are be been this that these those shall will may
		it its their they other each any such party parties agreement hereby
	`) {
		m[w] = true
	}
	return m
}()

// stems returns the content stems of a sentence for ranking.
func stems(s, lang string) []string {
	var out []string
	for _, t := range tokens(s) {
		if utf8.RuneCountInString(t) < 3 || stopwords[t] || allDigits(t) {
			continue
		}
		if st := stem(t, lang); utf8.RuneCountInString(st) >= 2 {
			out = append(out, st)
		}
	}
	return out
}
