package main

import (
	"math/rand/v2"
)

// The mix: what simulated members do, as scripts of steps. A script is
// picked by weight when a member has finished the previous one; each step
// waits for the bot's answer to the one before. Adding a command to the
// load is one line in mix.
var mix = []script{
	{name: "start", weight: 6, steps: steps(say("/start"))},
	{name: "help", weight: 3, steps: steps(say("/help"))},
	{name: "partners", weight: 18, steps: steps(sayPlace("/partners "), pressIf("partners:page:"))},
	{name: "city", weight: 9, steps: steps(sayPlace("/city "), pressIf("city:pick:"))},
	{name: "municipality", weight: 2, steps: steps(opens(sayPlace("/municipality ")))},
	{name: "about", weight: 2, steps: steps(say("/about"))},
	{name: "language", weight: 3, steps: steps(say("/language"), pressIf("lang:set:"))},
	{name: "interests", weight: 2, members: true, steps: steps(say("/interests"))},
	{name: "meetings", weight: 9, members: true, steps: steps(say("/meetings"))},
	{name: "visit", weight: 8, members: true, steps: steps(
		opens(say("/visit")), dialog(places...), pressIf("visit:place:"), dialog(whens...), pressIf("visit:at:"),
		dialog(venues...), dialog(topics...), pressIf("visit:make"))},
	{name: "visit-one-line", weight: 4, members: true, steps: steps(
		opens(say(oneLineVisits...)), pressIf("visit:place:"), pressIf("visit:at:"), pressIf("visit:make"))},
	{name: "agreements", weight: 6, steps: steps(say("/agreements"), pressIf("agr:"))},
	{name: "practices", weight: 5, steps: steps(say("/practices", "/practices туризм", "/practices адкрытыя даныя",
		"/practices open data", "/practices благоустройство дворов"), pressIf("practices:"))},
	{name: "forums", weight: 3, members: true, steps: steps(say("/forums"), pressIf("fr:open:"))},
	{name: "chatter", weight: 4, steps: steps(dialog("Добрый день", "Дзякуй!", "спасибо", "hello", "а как найти партнёров?"))},
	{name: "cancel", weight: 1, steps: steps(opens(say("/cancel")))},
}

// places are how people write the places they ask about: Russian,
// Belarusian and English names, lower case, typos.
var places = []string{
	"Витебск", "Vitebsk", "Віцебск", "Vitsyebsk", "витебск", "Витепск",
	"Смоленск", "Smolensk", "Смаленск", "смоленск", "Смоленкс",
	"Минск", "Мінск", "Minsk",
	"Гродно", "Гродна", "Hrodna", "Grodno",
	"Брест", "Brest", "Брэст",
	"Псков", "Pskov", "Пскоў",
	"Могилёв", "Могилев", "Магілёў", "Mogilev", "Mahilyow",
	"Гомель", "Homiel", "Gomel", "Гомел",
	"Брянск", "Bryansk", "Бранск",
	"Пинск", "Пінск", "Pinsk",
	"Орша", "Orsha", "Ворша",
	"Полоцк", "Полацк", "Polotsk",
	"Новополоцк", "Наваполацк",
	"Барановичи", "Баранавічы",
	"Бобруйск", "Бабруйск", "Babruysk",
	"Лида", "Ліда", "Мозырь", "Мазыр", "Слуцк", "Слуцак",
	"Великие Луки", "Velikiye Luki", "Невель", "Вязьма", "Рославль",
	"Калуга", "Тверь", "Курск", "Орёл", "Орел", "Ярославль", "Казань", "Kazan",
	"Санкт-Петербург", "Москва", "Масква", "Moscow", "Калининград",
}

// whens are answers to "when?" in the three languages.
var whens = []string{
	"завтра в 10", "послезавтра в 15:30", "25 декабря в 15:00", "в пятницу в 11", "через неделю в 14",
	"в следующий вторник в 9:30", "заўтра а 10", "25 снежня а 15:00", "tomorrow at 10", "next Friday at 11am",
}

var venues = []string{"Ратуша", "Гарвыканкам, зала пасяджэнняў", "City hall", "Дом культуры", "Администрация района, каб. 214"}

var topics = []string{"Туризм и культурный обмен", "Абмен досведам у ЖКГ", "Youth exchange", "Побратимские связи: план на год", "Открытые данные"}

var oneLineVisits = []string{
	"/visit Витебск завтра в 10 Ратуша, туризм",
	"/visit Смоленск 25.12 15:00 Администрация, обмен опытом",
	"/visit Гродна заўтра а 11 Гарвыканкам, культура",
	"/visit Pskov tomorrow at 3pm City hall, youth exchange",
	"/visit Орша в пятницу в 9",
}

// script is one thing a member does with the bot.
type script struct {
	name    string
	weight  int
	members bool // only verified members may (the others would be refused)
	steps   []step
}

// step is one update a member sends.
type step struct {
	texts    []string // a text message, one of these
	prefix   string   // or a press of a button whose data starts with prefix
	optional bool     // a press skipped when the last answer has no such button
	dialog   bool     // the text answers a dialog: it needs the state store
	state    bool     // a command that starts or ends a dialog: it needs the state store
}

func steps(s ...step) []step { return s }

func say(texts ...string) step    { return step{texts: texts} }
func dialog(texts ...string) step { return step{texts: texts, dialog: true} }

// opens marks a command that starts or ends a dialog.
func opens(s step) step {
	s.state = true
	return s
}

// pressIf presses the first button of the bot's latest keyboard in the
// chat whose data starts with prefix, if there is one.
func pressIf(prefix string) step { return step{prefix: prefix, optional: true} }

// sayPlace is a command followed by a place, spelled one of many ways.
func sayPlace(command string) step {
	texts := make([]string, len(places))
	for i, p := range places {
		texts[i] = command + p
	}
	return step{texts: texts}
}

// picker chooses scripts by weight.
type picker struct {
	all, open []script // open: those for members who are not verified
	allW      int
	openW     int
}

func newPicker(scripts []script) *picker {
	p := &picker{}
	for _, s := range scripts {
		p.all = append(p.all, s)
		p.allW += s.weight
		if !s.members {
			p.open = append(p.open, s)
			p.openW += s.weight
		}
	}
	return p
}

func (p *picker) pick(rng *rand.Rand, verified bool) *script {
	list, total := p.open, p.openW
	if verified {
		list, total = p.all, p.allW
	}
	n := rng.IntN(total)
	for i := range list {
		if n < list[i].weight {
			return &list[i]
		}
		n -= list[i].weight
	}
	return &list[len(list)-1]
}

// scriptByName returns the script of mix with the given name.
func scriptByName(name string) (script, bool) {
	for _, s := range mix {
		if s.name == name {
			return s, true
		}
	}
	return script{}, false
}

// stateless reports whether a step works without the state store: a
// command that starts no dialog.
func (s step) stateless() bool { return len(s.texts) > 0 && !s.dialog && !s.state }
