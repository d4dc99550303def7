package summary

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// Area keys reported in Card.Areas.
const (
	AreaTourism     = "tourism"
	AreaEconomy     = "economy"
	AreaIndustry    = "industry"
	AreaEducation   = "education"
	AreaHealthcare  = "healthcare"
	AreaCulture     = "culture"
	AreaYouthSport  = "youth_sport"
	AreaUrban       = "urban"
	AreaAgriculture = "agriculture"
	AreaTransport   = "transport"
)

// areaLexicon lists, per area, words in Russian, Belarusian and English.
// They are stemmed once with the same stemmers as the text, so any
// inflected form matches.
var areaLexicon = map[string]string{
	AreaTourism: `туризм туристический турист экскурсия экскурсионный гостиничный
		турызм турыстычны турыст экскурсія экскурсійны
		tourism tourist tourists excursion`,
	AreaEconomy: `экономика экономический торговля торговый товарооборот инвестиция инвестиционный предпринимательство
		предприниматель ярмарка бизнес экспорт импорт экспортный деловой
		эканоміка эканамічны гандаль гандлёвы тавараабарот інвестыцыя інвестыцыйны прадпрымальніцтва
		прадпрымальнік кірмаш бізнес экспарт імпарт дзелавы
		economy economic trade investment investments business entrepreneurship export import`,
	AreaIndustry: `промышленность промышленный машиностроение машиностроительный станкостроительный производство
		производственный завод кооперация промышленно
		прамысловасць прамысловы машынабудаванне машынабудаўнічы станкабудаўнічы вытворчасць вытворчы завод кааперацыя
		industry industrial manufacturing factory factories`,
	AreaEducation: `образование образовательный школа школьный студент педагог педагогический учитель университет
		колледж обучение выпускник
		адукацыя адукацыйны школа школьны навучэнец студэнт педагог педагагічны настаўнік універсітэт каледж навучанне
		education educational school schools student students teacher teachers university universities`,
	AreaHealthcare: `здравоохранение медицинский медицина врач больница лечение поликлиника санаторный санаторно медик
		здароўе медыцынскі медыцына урач бальніца лячэнне паліклініка санаторны
		health healthcare medical medicine hospital hospitals doctors`,
	AreaCulture: `культура культурный искусство музей театр фестиваль концерт творческий библиотека наследие
		культура культурны мастацтва музей тэатр фестываль канцэрт творчы бібліятэка спадчына
		culture cultural art arts museum museums theatre festival festivals heritage`,
	AreaYouthSport: `молодежь молодежный спорт спортивный физкультура соревнование турнир дети детский юношество
		моладзь моладзевы спорт спартыўны фізкультура спаборніцтва турнір дзеці дзіцячы
		youth sport sports athletic athletes competition competitions children`,
	AreaUrban: `градостроительство благоустройство жилищно коммунальный жилищный энергосбережение теплоснабжение
		водоснабжение архитектура
		горадабудаўніцтва добраўпарадкаванне жыллёва камунальны жыллёвы энергазберажэнне цеплазабеспячэнне
		водазабеспячэнне архітэктура
		urban housing utilities architecture`,
	AreaAgriculture: `сельскохозяйственный агропромышленный аграрный растениеводство животноводство фермер фермерский
		урожай агрокомплекс
		сельскагаспадарчы аграпрамысловы аграрны раслінаводства жывёлагадоўля фермер фермерскі ураджай сельскай гаспадаркі
		agriculture agricultural farming farm farms farmer farmers agrarian`,
	AreaTransport: `транспорт транспортный перевозка логистика логистический пассажирский автобус железнодорожный
		авиасообщение грузовой
		транспарт транспартны перавозка лагістыка лагістычны пасажырскі аўтобус чыгуначны грузавы
		transport transportation logistics freight passenger railway railways`,
}

// areaStems maps a stem to its area, built from areaLexicon. Belarusian
// words are recognised by their letters or listed after Russian ones; each
// word is stemmed by the stemmer its letters call for.
var areaStems = func() map[string]string {
	m := map[string]string{}
	keys := make([]string, 0, len(areaLexicon))
	for k := range areaLexicon {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, area := range keys {
		for _, w := range strings.Fields(areaLexicon[area]) {
			for _, lang := range []string{LangRU, LangBE} {
				m[stemWord(w, lang)] = area
			}
		}
	}
	// Two-word Belarusian phrases: "сельская гаспадарка" is agriculture,
	// "ахова здароўя" healthcare; the single words are too general.
	delete(m, stemWord("сельскай", LangBE))
	delete(m, stemWord("гаспадаркі", LangBE))
	return m
}()

// areas counts lexicon hits per area; an area is reported when the text
// mentions it at least twice, so one passing word does not make an area.
func areas(segs []segment) []string {
	count := map[string]int{}
	type hit struct {
		area string
		ok   bool
	}
	memo := map[string]hit{} // lang+word → area, words repeat a lot
	for _, s := range segs {
		toks := tokens(s.Text)
		for i, t := range toks {
			// "муниципальное образование" is a municipality, not schooling.
			if i > 0 && strings.HasPrefix(toks[i-1], "муниципальн") && strings.HasPrefix(t, "образовани") {
				continue
			}
			h, seen := memo[s.Lang+t]
			if !seen {
				st := stemWord(t, s.Lang)
				h.area, h.ok = areaStems[st]
				if !h.ok && utf8.RuneCountInString(st) >= 7 {
					h.area, h.ok = areaByPrefix(st)
				}
				memo[s.Lang+t] = h
			}
			area, ok := h.area, h.ok
			if ok {
				count[area]++
			}
			// Phrases.
			if i+1 < len(toks) {
				pair := t + " " + toks[i+1]
				switch {
				case strings.HasPrefix(pair, "сельск") && strings.Contains(pair, " гаспадар"),
					strings.HasPrefix(pair, "сельск") && strings.Contains(pair, " хозяйств"):
					count[AreaAgriculture]++
				case strings.HasPrefix(pair, "ахов") && strings.Contains(pair, " здароў"):
					count[AreaHealthcare]++
				case strings.HasPrefix(pair, "дорожн") && strings.Contains(pair, " движени"),
					strings.HasPrefix(pair, "дарожн") && strings.Contains(pair, " рух"):
					count[AreaTransport]++
				case strings.HasPrefix(pair, "городск") && strings.Contains(pair, " сред"),
					strings.HasPrefix(pair, "гарадск") && strings.Contains(pair, " асяродд"):
					count[AreaUrban]++
				}
			}
		}
	}
	var out []string
	for area, n := range count {
		if n >= 2 {
			out = append(out, area)
		}
	}
	sort.Strings(out)
	return out
}

// longAreaStems are the lexicon stems of six letters or more, longest
// first (ties by stem), for prefix matching.
var longAreaStems = func() []string {
	var out []string
	for st := range areaStems {
		if utf8.RuneCountInString(st) >= 6 {
			out = append(out, st)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		li, lj := utf8.RuneCountInString(out[i]), utf8.RuneCountInString(out[j])
		if li != lj {
			return li > lj
		}
		return out[i] < out[j]
	})
	return out
}()

// areaByPrefix lets a long stem match a lexicon stem it extends
// ("производствен…" → "производств"); the longest lexicon stem wins.
func areaByPrefix(st string) (string, bool) {
	for _, lex := range longAreaStems {
		if strings.HasPrefix(st, lex) {
			return areaStems[lex], true
		}
	}
	return "", false
}
