// Package stem turns Russian, Belarusian and English text into search keys:
// words are split, function words dropped, each word reduced to its stem and
// the stem folded so that the two Cyrillic spellings of one root meet.
//
// Russian and English words are stemmed with the Snowball stemmers of
// github.com/kljensen/snowball. Snowball has no Belarusian stemmer, so
// Belarusian words lose their inflectional endings by a suffix list in the
// same spirit (the ending must lie after the first vowel, the longest known
// ending wins).
//
// Folding then maps the regular differences of Belarusian and Russian
// spelling onto one form: ё/э → е, і/ы → и, ў → в, о → а (akanye), я → е
// (yakanye), дз → д and ц → т (dzekanye, tsekanye), щ → шч, a prothetic в
// before an initial у dropped, soft and hard signs and apostrophes dropped,
// doubled consonants made single. "турызм" and "туризм", "эканоміка" and
// "экономика", "жыллё" and "жильё" get the same key. Folding loses
// distinctions a reader would make, which is the point for search and
// harmless for ranking within a result list.
package stem

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/russian"
)

// Languages a text can be stemmed as.
const (
	RU = "ru"
	BE = "be"
	EN = "en"
)

// MinKey is the shortest key Keys returns, in letters.
const MinKey = 3

// Tokens splits s into lower-case words. Hyphenated compounds give their
// parts; the Belarusian apostrophe stays inside a word ("аб'ект"); digits
// form words of their own.
func Tokens(s string) []string {
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
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		case isApostrophe(r) && b.Len() > 0 && i+1 < len(runes) && unicode.IsLetter(runes[i+1]):
			b.WriteByte('\'')
		default:
			flush()
		}
	}
	flush()
	return out
}

func isApostrophe(r rune) bool { return r == '\'' || r == '’' || r == 'ʼ' }

// Lang guesses the language of a text from its letters: Latin letters make
// it English, і or ў Belarusian, и, ъ or щ Russian; otherwise fallback.
func Lang(s, fallback string) string {
	var latin, cyr, be, ru int
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z':
			latin++
		case r == 'і' || r == 'ў':
			be++
			cyr++
		case r == 'и' || r == 'ъ' || r == 'щ':
			ru++
			cyr++
		case unicode.Is(unicode.Cyrillic, r):
			cyr++
		}
	}
	switch {
	case latin > cyr:
		return EN
	case be > ru:
		return BE
	case ru > be:
		return RU
	}
	return fallback
}

// Word reduces a lower-case word to its stem. The word's own letters decide
// the stemmer where they can (Latin → English, і/ў → Belarusian, и/ъ/щ →
// Russian); lang decides otherwise.
func Word(word, lang string) string {
	word = strings.ReplaceAll(word, "ё", "е")
	switch {
	case word == "":
		return ""
	case isLatin(word):
		return english.Stem(word, false)
	case strings.ContainsAny(word, "іў'"):
		return beStem(word)
	case strings.ContainsAny(word, "иъщ"):
		return russian.Stem(word, false)
	case lang == BE:
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

// folds are the single-letter replacements of Fold.
var folds = map[rune]string{
	'ё': "е", 'э': "е", 'і': "и", 'ы': "и", 'ў': "в", 'о': "а", 'я': "е",
	'ц': "т", 'щ': "шч", 'ь': "", 'ъ': "", '\'': "", '’': "", 'ʼ': "",
}

// Fold maps a lower-case Russian or Belarusian stem onto the spelling both
// languages share (see the package documentation). Latin text is returned
// unchanged.
func Fold(s string) string {
	if isLatin(s) {
		return s
	}
	s = strings.ReplaceAll(s, "дз", "д")
	// Belarusian puts a prothetic в before a word-initial у: вуліца, улица.
	if strings.HasPrefix(s, "ву") {
		s = strings.TrimPrefix(s, "в")
	}
	var b strings.Builder
	b.Grow(len(s))
	var last rune
	for _, r := range s {
		rep, ok := folds[r]
		if !ok {
			rep = string(r)
		}
		for _, c := range rep {
			if c == last && !isVowel(c) {
				continue // doubled consonant
			}
			b.WriteRune(c)
			last = c
		}
	}
	return b.String()
}

func isVowel(r rune) bool { return strings.ContainsRune("аеиоуыэюяёі", r) }

// Key returns the search key of one lower-case word: its folded stem.
func Key(word, lang string) string { return Fold(Word(word, lang)) }

// Keys returns the search keys of a text's content words, in order, without
// repeats: function words, numbers and keys shorter than MinKey letters are
// left out.
func Keys(text, lang string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range Tokens(text) {
		if utf8.RuneCountInString(t) < 2 || Stopword(t) || allDigits(t) {
			continue
		}
		k := Key(t, lang)
		if utf8.RuneCountInString(k) < MinKey || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, k)
	}
	return out
}

func allDigits(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// Stopword reports whether a lower-case word is a function word of one of
// the three languages.
func Stopword(w string) bool { return stopwords[strings.ReplaceAll(w, "ё", "е")] }

var stopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
		и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было вот от меня
		еще нет о из ему теперь когда даже ну ли если уже или ни быть был него до вас нибудь опять уж вам ведь там
		потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже
		себе под будет ж тогда кто этот того потому этого какой совсем ним здесь этом один почти мой тем чтобы нее сейчас
		были куда зачем всех никогда можно при наконец два об другой хоть после над больше тот через эти нас про всего
		них какая много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им более
		всегда конечно всю между также который которые которых которая которое наш наши нашего нашем это
		і ў з са не што ён на я як а то ўсе усе яна так яго але ты да у ж вы за б па толькі мне было вось ад мяне яшчэ
		няма аб ёй калі нават ці ўжо або ні быць быў вам там потым сябе нічога можа яны тут дзе ёсць трэба для мы іх
		чым была сам без чаго раз таксама пад будзе тады хто гэты таго гэтага які зусім тым каб пры пасля над больш
		той праз гэтыя нас пра усіх якая шмат тры гэту мая перад гэтай гэта гэтым паміж якія якое наш нашы нашага
		the a an and or of to in on for by with at from as is are be been this that these those was were it its
		their they we our how what which who not no into about over after before than then so
	`) {
		m[w] = true
	}
	return m
}()
