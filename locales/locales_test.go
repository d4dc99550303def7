package locales

import (
	"io"
	"log/slog"
	"strings"
	"testing"
	"testing/fstest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// sample fills every template variable the message files use.
var sample = Args{
	"Name": "Anna", "Command": "/x", "Place": "Vitebsk", "Region": "Vitebsk Region",
	"Field": HTML("Date signed"), "Size": HTML("120 KB"), // Agreements.
	"Count": 3, "Total": 10, "Page": 1, "Pages": 2, "Km": 120, "Population": 366000,
	"Reasons": HTML("a, b"), "List": HTML("-"), "Zone": "Europe/Minsk", "Time": "10:00",
	"Date": "25.12.2026", "Query": "q", "Kind": "town", "Source": "GeoNames", "Phone": "+375",
	"Position": "mayor", "Areas": "tourism", "Partner": "Smolensk", "Examples": HTML("-"),
	"From": "Smolensk", "Role": "member", "Link": "https://t.me/x?start=y", "Action": "approve", "Subject": "member:1", "Detail": "-",
	"To": 10, // Maps.
	// Practices.
	"Result": "tourist flow +40% in two years",
	// Meetings.
	"Weekday": "Friday", "Day": 25, "Month": "December", "Year": 2026, "Topic": "tourism", "Venue": "Town hall",
	"In": "1 hour", "OrganiserTime": "16:00", "OrganiserZone": "Moscow, UTC+3", "Title": HTML("Visit"), "Was": "24.12", "N": 1,
	// Broadcasts and forums.
	"Audience": HTML("all members"), "When": "now", "Author": "Anna", "ID": 7, "Sent": 9, "Blocked": 1, "Failed": 0,
	"Duration": "6m40s", "State": "sending", "Left": 3, "Skipped": 0, "Rate": "25.0", "ETA": "2s", "Dates": "26.06–28.06.2027",
	"City": "Vitebsk", "Sections": "Culture", "Capacity": "300", "Going": 2, "Maybe": 1, "Waitlist": 0, "Deadline": "20.06.2027",
	"Answer": "going", "Section": "Culture",
}

func TestEveryMessageInEveryLanguage(t *testing.T) {
	c, err := Load(quiet)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.IDs("en")) < 20 {
		t.Fatalf("only %d English messages loaded; the files did not parse as expected", len(c.IDs("en")))
	}
	for _, e := range c.Check(sample) {
		t.Error(e)
	}
	// Templates must not leave a placeholder unfilled.
	for _, lang := range Languages {
		for _, id := range c.IDs(lang) {
			var s string
			if c.IsPlural(id) {
				s = c.Plural(lang, id, 5, sample)
			} else {
				s = c.Text(lang, id, sample)
			}
			if strings.Contains(s, "<no value>") || strings.TrimSpace(s) == "" {
				t.Errorf("%s %s renders as %q", lang, id, s)
			}
		}
	}
}

func TestBelarusianIsNotRussian(t *testing.T) {
	c, err := Load(quiet)
	if err != nil {
		t.Fatal(err)
	}
	same := 0
	for _, id := range c.IDs("be") {
		if c.IsPlural(id) {
			continue
		}
		if c.Text("be", id, sample) == c.Text("ru", id, sample) {
			same++
			t.Logf("identical in be and ru: %s", id)
		}
	}
	if same > len(c.IDs("be"))/10 {
		t.Fatalf("%d of %d Belarusian messages are identical to Russian", same, len(c.IDs("be")))
	}
}

func TestCheckFindsProblems(t *testing.T) {
	fsys := fstest.MapFS{
		"en.toml": {Data: []byte("a = \"A {{.Name}}\"\nb = \"B\"\n[n]\none = \"{{.Count}} town\"\nother = \"{{.Count}} towns\"\n")},
		"ru.toml": {Data: []byte("a = \"А {{.Name}}\"\n[n]\none = \"{{.Count}} город\"\nother = \"{{.Count}} городов\"\n")},
		"be.toml": {Data: []byte("a = \"А {{.Name\"\nb = \"Б\"\n[n]\none = \"x\"\nfew = \"y\"\nmany = \"z\"\nother = \"w\"\n")},
	}
	c, err := LoadFS(fsys, quiet)
	if err != nil {
		// A broken template may already be refused at load time; that is a
		// finding too.
		return
	}
	errs := c.Check(Args{"Name": "x"})
	joined := ""
	for _, e := range errs {
		joined += e.Error() + "\n"
	}
	for _, want := range []string{`ru: message "b" missing`, `ru: plural message "n" needs`, `be: message "a"`} {
		if !strings.Contains(joined, want) {
			t.Errorf("Check did not report %q; got:\n%s", want, joined)
		}
	}
}

func TestMatch(t *testing.T) {
	for code, want := range map[string]string{
		"be": "be", "be-BY": "be", "ru": "ru", "RU": "ru", "en": "en", "en-GB": "en",
		"uk": "ru", "pl": "ru", "": "ru", "kk": "ru", "zh-hans": "ru",
	} {
		if got := Match(code); got != want {
			t.Errorf("Match(%q) = %q, want %q", code, got, want)
		}
	}
}

func TestTemplateDataIsEscaped(t *testing.T) {
	c, err := Load(quiet)
	if err != nil {
		t.Fatal(err)
	}
	got := c.Text("en", "start.greeting", Args{"Name": "<b>x</b> & co"})
	if !strings.Contains(got, "&lt;b&gt;x&lt;/b&gt; &amp; co") || strings.Contains(got, "<b>x") {
		t.Fatalf("name not escaped: %q", got)
	}
	got = c.Text("en", "start.greeting", Args{"Name": HTML("<i>ok</i>")})
	if !strings.Contains(got, "<i>ok</i>") {
		t.Fatalf("HTML value escaped: %q", got)
	}
}

func TestMissingFallsBackToEnglishThenID(t *testing.T) {
	fsys := fstest.MapFS{
		"en.toml": {Data: []byte("a = \"A\"\n")},
		"ru.toml": {Data: []byte("b = \"Б\"\n")},
		"be.toml": {Data: []byte("b = \"Б\"\n")},
	}
	c, err := LoadFS(fsys, quiet)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Text("ru", "a", nil); got != "A" {
		t.Errorf("missing ru message = %q, want the English %q", got, "A")
	}
	if got := c.Text("be", "zzz", nil); got != "zzz" {
		t.Errorf("message missing everywhere = %q, want its id", got)
	}
}

func TestFeatureFilesAndDuplicates(t *testing.T) {
	base := fstest.MapFS{
		"en.toml":          {Data: []byte("a = \"A\"\n")},
		"ru.toml":          {Data: []byte("a = \"А\"\n")},
		"be.toml":          {Data: []byte("a = \"А\"\n")},
		"meetings.en.toml": {Data: []byte("m = \"M\"\n")},
		"meetings.ru.toml": {Data: []byte("m = \"М\"\n")},
		"meetings.be.toml": {Data: []byte("m = \"М\"\n")},
	}
	c, err := LoadFS(base, quiet)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Text("be", "m", nil); got != "М" {
		t.Fatalf("feature message = %q", got)
	}
	base["meetings.ru.toml"] = &fstest.MapFile{Data: []byte("a = \"again\"\n")}
	if _, err := LoadFS(base, quiet); err == nil || !strings.Contains(err.Error(), "defined twice") {
		t.Fatalf("duplicate id across files: %v", err)
	}
}
