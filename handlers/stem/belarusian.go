package stem

import (
	"strings"
	"unicode/utf8"
)

const beVowels = "аеёіоуыэюя"

// beEndings are Belarusian inflectional endings (nouns, adjectives,
// participles, verbs), longest first so that "ямі" is tried before "і".
var beEndings = func() []string {
	list := []string{
		// adjectives and participles
		"ымі", "імі", "ага", "яга", "аму", "яму", "ую", "юю", "ая", "яя", "ое", "ае", "ее", "ыя", "ія",
		"ых", "іх", "ым", "ім", "ай", "ой", "ей", "ы", "і",
		// nouns
		"амі", "ямі", "ах", "ях", "ам", "ям", "аў", "яў", "оў", "ёў", "еў", "ою", "ёю", "ём", "ом", "ем",
		"яй", "а", "я", "у", "ю", "е", "о", "ё", "ь",
		// verbs and adverbial participles
		"юцца", "уцца", "ецца", "іцца", "ыцца", "ацца", "яцца", "цца", "ючы", "учы", "ячы", "ачы",
		"юць", "уць", "аць", "яць", "іць", "ыць", "ець", "ваць", "лася", "ліся", "ўся", "ся",
		"ла", "лі", "ло", "еце", "іце", "ць", "ці", "еш", "ыш", "іш", "ў",
	}
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
