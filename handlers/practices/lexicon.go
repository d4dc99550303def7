package practices

import (
	"strings"
	"unicode/utf8"

	"github.com/pobratim/pobratim/handlers/stem"
)

// areaWords are words, in the three languages, that name an area of
// cooperation or something that clearly belongs to it. A search word whose
// key begins with the key of one of them also finds the practices filed
// under that area: "благоустройство" finds a Belarusian practice in
// "urban" that never uses the Russian word. The words are matched by key,
// so one form of each is enough.
var areaWords = map[string]string{
	"tourism": `туризм турист туристический экскурсия маршрут гостиница достопримечательность паломничество агроусадьба
		турызм турыст турыстычны экскурсія гасцініца славутасць аграсядзіба
		tourism tourist tour excursion hotel sightseeing`,
	"economy": `экономика торговля инвестиции инвестор предпринимательство бизнес экспорт ярмарка
		эканоміка гандаль інвестыцыі інвестар прадпрымальніцтва бізнес экспарт кірмаш
		economy trade investment investor business entrepreneurship export fair`,
	"industry": `промышленность завод предприятие производство бренд продукция
		прамысловасць прадпрыемства вытворчасць брэнд прадукцыя
		industry factory manufacturing brand production`,
	"education": `образование школа школьник студент университет колледж обучение учитель
		адукацыя школьнік студэнт універсітэт каледж навучанне настаўнік
		education school student university college teacher training kindergarten`,
	"healthcare": `здравоохранение здоровье медицина медицинский больница поликлиника врач санаторий реабилитация
		здароўе медыцына медыцынскі бальніца паліклініка урач доктар санаторый рэабілітацыя
		healthcare health medicine medical hospital clinic doctor sanatorium rehabilitation`,
	"culture": `культура музей театр библиотека фестиваль концерт наследие ремесло
		тэатр бібліятэка фестываль канцэрт спадчына рамяство
		culture museum theatre theater library festival concert heritage craft`,
	"youth_sport": `молодёжь молодёжный спорт спортивный стадион волонтёр соревнование
		моладзь моладзевы спартыўны стадыён валанцёр спаборніцтва
		youth sport stadium volunteer competition`,
	"urban": `благоустройство двор парк сквер набережная улица освещение среда городской ЖКХ отходы мусор жильё
		добраўпарадкаванне набярэжная вуліца асвятленне асяроддзе гарадскі ЖКГ адходы смецце жыллё
		urban park square embankment street lighting housing waste utilities`,
	"agriculture": `сельский хозяйство агро ферма фермер урожай молоко агрогородок
		сельскі гаспадарка ураджай малако аграгарадок
		agriculture farm farmer harvest dairy crop`,
	"transport": `транспорт логистика автобус дорога маршрут велосипед вокзал трамвай троллейбус
		транспарт лагістыка аўтобус дарога веласіпед вакзал тралейбус
		transport logistics bus road bicycle cycling station tram`,
}

// minAreaPrefix is the shortest area word key that a longer search key may
// begin with and still count as naming the area.
const minAreaPrefix = 4

// areaKeys maps the key of every area word to its areas.
var areaKeys = func() map[string][]string {
	m := map[string][]string{}
	for area, words := range areaWords {
		for _, w := range strings.Fields(words) {
			w = strings.ToLower(w)
			k := stem.Key(w, stem.Lang(w, stem.RU))
			if !containsString(m[k], area) {
				m[k] = append(m[k], area)
			}
		}
	}
	return m
}()

// areasOfKey returns the areas a search key names: those of an area word
// with the same key, or with a key the search key begins with.
func areasOfKey(key string) []string {
	var out []string
	for k, areas := range areaKeys {
		if k == key || (utf8.RuneCountInString(k) >= minAreaPrefix && strings.HasPrefix(key, k)) {
			for _, a := range areas {
				if !containsString(out, a) {
					out = append(out, a)
				}
			}
		}
	}
	sortAreas(out)
	return out
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
