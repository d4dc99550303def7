package practices

import (
	"slices"
	"strings"
	"testing"

	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/handlers/practices/index"
	"github.com/pobratim/pobratim/store"
)

// seedPractices publishes practices in the three languages from both
// countries and returns them by a short name.
func seedPractices(f *fixture) map[string]store.Practice {
	vitebsk := f.member(101, "Vitebsk", "be", store.RoleMember, "намеснік старшыні")
	smolensk := f.member(102, "Smolensk", "ru", store.RoleMember, "заместитель главы")
	pskov := f.member(103, "Pskov", "en", store.RoleMember, "head of IT")
	orsha := f.member(104, "Orsha", "ru", store.RoleMember, "")
	navahrudak := f.member(105, "Navahrudak", "be", store.RoleMember, "")
	return map[string]store.Practice{
		"chagall": f.publish(vitebsk, "Vitebsk", store.Practice{Lang: "be", Title: "Турыстычны маршрут па мясцінах Шагала",
			Areas: []string{"tourism", "culture"}, Problem: "Турысты не затрымліваліся ў горадзе больш за адзін дзень.",
			Actions: "Распрацавалі маршрут, навучылі гідаў, выпусцілі карту.", Result: "турыстычны паток +40% за два гады", ContactOK: true}),
		"embankment": f.publish(smolensk, "Smolensk", store.Practice{Lang: "ru", Title: "Благоустройство набережной Днепра",
			Areas: []string{"urban"}, Problem: "Набережная была заброшена.", Actions: "Провели конкурс проектов с жителями.",
			Result: "посещаемость выросла втрое", ContactOK: true}),
		"opendata": f.publish(pskov, "Pskov", store.Practice{Lang: "en", Title: "Open data portal for city services",
			Areas: []string{"economy"}, Problem: "Businesses could not find municipal data.", Actions: "Published 120 datasets.",
			Result: "300 requests a month", ContactOK: true}),
		"bicycle": f.publish(orsha, "Orsha", store.Practice{Lang: "ru", Title: "Велосипедные дорожки вдоль реки",
			Areas: []string{"transport"}, Problem: "Не было безопасных маршрутов для велосипедистов.", Actions: "Построили 12 км дорожек.",
			Result: "12 км за год", ContactOK: false}),
		"yards": f.publish(navahrudak, "Navahrudak", store.Practice{Lang: "be", Title: "Добраўпарадкаванне двароў разам з жыхарамі",
			Areas: []string{"urban"}, Problem: "Двары не рамантаваліся дзесяцігоддзямі.", Actions: "Жыхары самі выбіралі праекты.",
			Result: "40 двароў за год", ContactOK: true}),
	}
}

// found returns which of the seeded practices a message lists.
func found(text string, seeded map[string]store.Practice) []string {
	var out []string
	for name, p := range seeded {
		if strings.Contains(text, p.Title) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

func TestSearchInEachLanguage(t *testing.T) {
	f := newFixture(t)
	seeded := seedPractices(f)
	asker := f.member(200, "Bryansk", "ru", store.RoleMember, "")
	for _, tc := range []struct {
		lang, query string
		want        []string
		why         string
	}{
		{"ru", "туристический маршрут", []string{"chagall"}, "Russian words find a Belarusian practice by stems and area"},
		{"ru", "туризм", []string{"chagall"}, "an area name is the area's filter"},
		{"be", "турызм", []string{"chagall"}, "the same in Belarusian"},
		{"en", "tourism", []string{"chagall"}, "the same in English"},
		{"be", "набярэжная", []string{"embankment", "yards"}, "a Belarusian word finds the Russian practice by stem, and urban ones by area"},
		{"ru", "благоустройство дворов", []string{"embankment", "yards"}, "through the area: the Belarusian practice never says благоустройство"},
		{"ru", "Витебск", []string{"bicycle", "chagall"}, "the name of the municipality (Vitebsk) and of the region (Orsha)"},
		{"be", "Шагала", []string{"chagall"}, "a word of the text"},
		{"en", "Belarus cycling", []string{"bicycle"}, "country name and area in English"},
		{"en", "open data", []string{"opendata"}, "English words"},
		{"ru", "проекты", []string{"embankment", "yards"}, "a Russian word finds the Belarusian праекты"},
		{"ru", "квантовые компьютеры", nil, "nothing matches"},
		{"ru", "", []string{"bicycle", "chagall", "embankment", "opendata", "yards"}, "no words: everything"},
	} {
		asker.Language = tc.lang
		must(t, f.db.SetLanguage(f.ctx, asker.UserID, tc.lang, f.now))
		must(t, f.command(asker, "practices", tc.query))
		got := f.out.last(t, 200)
		if names := found(got.msg.Text, seeded); !slices.Equal(names, tc.want) {
			t.Errorf("%s %q (%s): found %v, want %v\n%s", tc.lang, tc.query, tc.why, names, tc.want, got.msg.Text)
		}
	}
}

func TestSearchFiltersAndPaging(t *testing.T) {
	f := newFixture(t)
	seeded := seedPractices(f)
	u := f.member(200, "Bryansk", "en", store.RoleMember, "")
	must(t, f.command(u, "practices", ""))
	all := f.out.last(t, 200)
	if !strings.Contains(all.msg.Text, f.cat.Plural("en", "practices.found", 5, nil)) {
		t.Fatalf("header: %q", all.msg.Text)
	}
	// Five fit one page: no "more".
	for _, l := range buttonLabels(all.msg) {
		if l == f.text("en", "practices.button.more", nil) {
			t.Fatal("a page of 5 offers more")
		}
	}
	// The practice whose authors do not take questions has no ask button.
	if n := strings.Count(strings.Join(buttonLabels(all.msg), "|"), f.text("en", "practice.button.ask", nil)); n != 4 {
		t.Fatalf("%d ask buttons, want 4", n)
	}

	// Country: any → Russia → Belarus.
	_, err := f.press(u, all.id, f.button(all, f.text("en", "practices.button.country.any", nil)))
	must(t, err)
	ru := f.out.last(t, 200)
	if got := found(ru.msg.Text, seeded); !slices.Equal(got, []string{"embankment", "opendata"}) {
		t.Fatalf("Russia: %v", got)
	}
	_, err = f.press(u, all.id, f.button(ru, f.text("en", "practices.button.country.ru", nil)))
	must(t, err)
	by := f.out.last(t, 200)
	if got := found(by.msg.Text, seeded); !slices.Equal(got, []string{"bicycle", "chagall", "yards"}) {
		t.Fatalf("Belarus: %v", got)
	}

	// Size: 100,000–500,000 in Belarus is Vitebsk and Orsha.
	_, err = f.press(u, all.id, f.button(by, f.text("en", "practices.button.size", nil)))
	must(t, err)
	sizes := f.out.last(t, 200)
	_, err = f.press(u, all.id, f.button(sizes, f.text("en", "band.3", nil)))
	must(t, err)
	if got := found(f.out.last(t, 200).msg.Text, seeded); !slices.Equal(got, []string{"bicycle", "chagall"}) {
		t.Fatalf("Belarus, 100–500k: %v", got)
	}

	// Area picker, then region picker with counts.
	_, err = f.press(u, all.id, f.button(all, f.text("en", "practices.button.area", nil)))
	must(t, err)
	picker := f.out.last(t, 200)
	_, err = f.press(u, all.id, f.button(picker, f.text("en", "area.urban", nil)))
	must(t, err)
	urban := f.out.last(t, 200)
	if got := found(urban.msg.Text, seeded); !slices.Equal(got, []string{"embankment", "yards"}) {
		t.Fatalf("urban: %v", got)
	}
	_, err = f.press(u, all.id, f.button(urban, f.text("en", "practices.button.region", nil)))
	must(t, err)
	regions := f.out.last(t, 200)
	smolenskRegion, _ := f.dir.Region("RU.69")
	_, err = f.press(u, all.id, f.button(regions, smolenskRegion.Name("en")+" (1)"))
	must(t, err)
	if got := found(f.out.last(t, 200).msg.Text, seeded); !slices.Equal(got, []string{"embankment"}) {
		t.Fatalf("urban in the Smolensk region: %v", got)
	}

	// Recommended only: none yet, then one.
	_, err = f.press(u, all.id, f.button(all, f.text("en", "practices.button.recommended", nil)))
	must(t, err)
	if got := found(f.out.last(t, 200).msg.Text, seeded); len(got) != 0 {
		t.Fatalf("recommended before any: %v", got)
	}
	if _, err := f.db.RecommendPractice(f.ctx, seeded["yards"].ID, 1, true, f.now); err != nil {
		t.Fatal(err)
	}
	_, err = f.press(u, all.id, f.button(all, f.text("en", "practices.button.recommended", nil)))
	must(t, err)
	if got := found(f.out.last(t, 200).msg.Text, seeded); !slices.Equal(got, []string{"yards"}) {
		t.Fatalf("recommended: %v", got)
	}

	// Paging over twelve more practices.
	author := f.member(106, "Minsk", "ru", store.RoleMember, "")
	for i := range 12 {
		f.publish(author, "Minsk", store.Practice{Title: "Практика номер " + string(rune('A'+i)), Areas: []string{"education"}, Terms: ""})
	}
	must(t, f.command(u, "practices", ""))
	first := f.out.last(t, 200)
	_, err = f.press(u, first.id, f.button(first, f.text("en", "practices.button.more", nil)))
	must(t, err)
	second := f.out.last(t, 200)
	if !second.edit || !strings.Contains(second.msg.Text, "\n6. ") || strings.Contains(second.msg.Text, "\n5. ") {
		t.Fatalf("page 2: %q", second.msg.Text)
	}
	// Forged or stale list buttons are refused.
	for _, d := range []callback.Data{
		callback.New(FeatureList, "p", "1", "0"),
		callback.New(FeatureList, "p", "999", "0", "0", "-", "0", "0", "-", "0"),
		callback.New(FeatureList, "p", "0", "0", "99", "-", "0", "0", "-", "0"),
		callback.New(FeatureList, "p", "0", "0", "0", "PL", "0", "0", "-", "0"),
		callback.New(FeatureList, "p", "0", "0", "0", "-", "0", "0", "XX.99", "0"),
	} {
		if _, err := f.press(u, first.id, d); err == nil {
			t.Errorf("%v accepted", d)
		}
	}
}

func TestTermsFoldAndNameAreas(t *testing.T) {
	terms := Terms("Благоустройство и туристические маршруты, 2024", "ru")
	if len(terms) != 3 {
		t.Fatalf("terms = %+v", terms)
	}
	if !slices.Equal(terms[0].Areas, []string{"urban"}) {
		t.Errorf("благоустройство names %v", terms[0].Areas)
	}
	if !slices.Contains(terms[1].Areas, "tourism") || len(terms[1].Keys) != 2 {
		t.Errorf("туристические: %+v", terms[1])
	}
	if !slices.Contains(terms[2].Areas, "tourism") || !slices.Contains(terms[2].Areas, "transport") {
		t.Errorf("маршруты: %+v", terms[2])
	}
	if got := Terms(strings.Repeat("слово ", 100), "ru"); len(got) != 1 {
		t.Errorf("repeated word gave %d terms", len(got))
	}
	long := ""
	for i := range 20 {
		long += string(rune('а'+i)) + "бвгд "
	}
	if got := Terms(long, "ru"); len(got) != maxQueryWords {
		t.Errorf("%d terms from 20 words, want at most %d", len(got), maxQueryWords)
	}
}

// TestIndexFollowsOtherInstances: two services over one database — as two
// bot instances — see each other's changes at their next search.
func TestIndexFollowsOtherInstances(t *testing.T) {
	f := newFixture(t)
	other := &Service{DB: f.db, Dir: f.dir, Dialogs: f.s.Dialogs, Now: f.s.Now}
	author := f.member(10, "Vitebsk", "ru", store.RoleMember, "")
	coordinator := f.member(11, "Minsk", "ru", store.RoleCoordinator, "")
	count := func(s *Service, words string) int {
		t.Helper()
		_, n, err := s.find(f.ctx, index.Query{Terms: Terms(words, "ru")}, 0, 5)
		must(t, err)
		return n
	}
	if count(other, "музей") != 0 || count(f.s, "музей") != 0 {
		t.Fatal("found something in an empty database")
	}
	p := f.publish(author, "Vitebsk", store.Practice{Title: "Школьный музей", Areas: []string{"education"}})
	if count(other, "музей") != 1 {
		t.Fatal("the other instance does not see a new practice")
	}
	// This instance edits it; the other finds the new words only.
	p.Title = "Школьный театр"
	_, err := f.s.update(f.ctx, f.request(author), p)
	must(t, err)
	if count(other, "музей") != 0 || count(other, "театр") != 1 {
		t.Fatal("the other instance does not see an edit")
	}
	// The other instance hides it; this one stops finding it.
	_, err = other.DB.HidePractice(f.ctx, p.ID, coordinator.UserID, true, "", f.now)
	must(t, err)
	if count(f.s, "театр") != 0 {
		t.Fatal("this instance still finds a practice hidden by the other")
	}
}

func TestAnAreaNameIsTheAreaFilter(t *testing.T) {
	f := newFixture(t)
	u := f.member(200, "Bryansk", "ru", store.RoleMember, "")
	for _, tc := range []struct {
		query  string
		filter bool
	}{
		{"туризм", true}, {"Туризма", true}, {"адукацыя", true}, {"urban environment and housing", true},
		{"транспорт и логистика", true}, {"парк", false}, {"туристический маршрут", false},
	} {
		must(t, f.command(u, "practices", tc.query))
		text := f.out.last(t, 200).msg.Text
		if isFilter := !strings.Contains(text, "🔎"); isFilter != tc.filter {
			t.Errorf("%q: read as an area filter %v, want %v: %q", tc.query, isFilter, tc.filter, text)
		}
	}
}
