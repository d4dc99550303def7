package summary

import (
	"strings"
	"unicode/utf8"

	"github.com/pobratim/pobratim/handlers/stem"
)

// Words are split and stemmed by the shared stemmer of handlers/stem:
// Snowball for Russian and English, its own suffix stripper for Belarusian.

func tokens(s string) []string { return stem.Tokens(s) }

func stemWord(word, lang string) string { return stem.Word(word, lang) }

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
		if st := stemWord(t, lang); utf8.RuneCountInString(st) >= 2 {
			out = append(out, st)
		}
	}
	return out
}
