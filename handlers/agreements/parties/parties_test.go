package parties

import (
	"sync"
	"testing"

	"github.com/pobratim/pobratim/handlers/partners/directory"
)

var loadDir = sync.OnceValues(directory.Load)

func dir(t *testing.T) *directory.Directory {
	t.Helper()
	d, err := loadDir()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestFindMunicipalities(t *testing.T) {
	d := dir(t)
	for _, tc := range []struct {
		name, raw string
		want      string // the place's Russian name
		region    string // its region code, to tell homonyms apart
		unsure    bool   // the match needs checking by a person
	}{
		// The parties of the evaluation set, as the summariser reads them.
		{"Администрация города Смоленска", "Администрация города Смоленска (Российская Федерация) в лице Главы", "Смоленск", "RU.69", false},
		{"Витебский городской исполнительный комитет", "", "Витебск", "BY.07", false},
		{"Администрация муниципального образования «Город Великие Луки»", "", "Великие Луки", "RU.60", false},
		{"Полоцкий городской исполнительный комитет", "", "Полоцк", "BY.07", false},
		{"Оршанский районный исполнительный комитет", "Оршанский районный исполнительный комитет (Республика Беларусь)", "Орша", "BY.07", false},
		{"Администрация муниципального образования «Рославльский район» Смоленской области", "", "Рославль", "RU.69", false},
		{"Лідскі раённы выканаўчы камітэт", "", "Лида", "BY.03", false},
		{"Адміністрацыя горада Пскова", "", "Псков", "RU.60", false},
		{"Навагрудскі раённы выканаўчы камітэт Гродзенскай вобласці Рэспублікі Беларусь", "", "Новогрудок", "BY.03", false},
		{"Адміністрацыя муніцыпальнага ўтварэння «Вяземскі раён» Смаленскай вобласці Расійскай Федэрацыі", "", "Вязьма", "RU.69", true},
		{"Гомельский городской исполнительный комитет", "", "Гомель", "BY.02", false},
		{"Брянская городская администрация", "", "Брянск", "RU.10", false},
		// Other common forms.
		{"Administration of the City of Pskov", "", "Псков", "RU.60", false},
		{"Минский городской исполнительный комитет", "", "Минск", "BY.04", false},
		{"Брестский городской исполнительный комитет", "", "Брест", "BY.01", false},
		{"Совет депутатов города Гродно", "", "Гродно", "BY.03", false},
	} {
		m := Find(d, tc.name, tc.raw)
		p, ok := d.ByID(m.PlaceID)
		if !ok || p.NameRU != tc.want || p.RegionCode != tc.region {
			t.Errorf("%q → %+v (%s %s), want %s in %s", tc.name, m, p.NameRU, p.RegionCode, tc.want, tc.region)
			continue
		}
		if m.Sure == tc.unsure {
			t.Errorf("%q → %s, sure = %v", tc.name, p.NameRU, m.Sure)
		}
	}
}

func TestFindRegions(t *testing.T) {
	d := dir(t)
	for name, want := range map[string]string{
		"Витебский областной исполнительный комитет":   "BY.07",
		"Гродзенскі абласны выканаўчы камітэт":         "BY.03",
		"Администрация Смоленской области":             "RU.69",
		"Правительство Брянской области":               "RU.10",
		"Могилевский областной исполнительный комитет": "BY.06",
	} {
		m := Find(d, name, "")
		if m.Region != want || m.PlaceID != 0 {
			t.Errorf("%q → %+v, want region %s", name, m, want)
		}
	}
}

func TestFindNothing(t *testing.T) {
	d := dir(t)
	for _, name := range []string{"", "Стороны", "Общество с ограниченной ответственностью", "   ", "\xff\xfe"} {
		if m := Find(d, name, ""); m.Found() && m.Sure {
			p, _ := d.ByID(m.PlaceID)
			t.Errorf("%q → %+v (%s), want nothing sure", name, m, p.NameRU)
		}
	}
}

func FuzzFind(f *testing.F) {
	d, err := loadDir()
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"Администрация города Смоленска", "«Город Великие Луки»", "Витебский областной", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		Find(d, s, s)
	})
}
