package callback

import (
	"errors"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	for _, d := range []Data{
		New("lang", "set", "be"),
		New("partners", "more", "625665", "10"),
		New("x", "y"),
		New("meet", "snooze", "-1", "2026-12-25T15.00"),
	} {
		s, err := d.Encode()
		if err != nil {
			t.Fatalf("Encode(%+v): %v", d, err)
		}
		got, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q): %v", s, err)
		}
		if got.Feature != d.Feature || got.Action != d.Action || strings.Join(got.Args, "|") != strings.Join(d.Args, "|") {
			t.Fatalf("round trip %+v → %q → %+v", d, s, got)
		}
	}
}

func TestRejects(t *testing.T) {
	for _, s := range []string{
		"", "lang", ":set", "lang:", "Lang:set", "lang:set:b e", "lang:set:<b>",
		"lang:set:" + strings.Repeat("a", 60), "ланг:set", "lang:set:\x00", "lang:set:бе",
	} {
		if _, err := Parse(s); !errors.Is(err, ErrInvalid) {
			t.Errorf("Parse(%q) = %v, want ErrInvalid", s, err)
		}
	}
	if _, err := New("a", "b", strings.Repeat("1", 61)).Encode(); !errors.Is(err, ErrInvalid) {
		t.Errorf("Encode of 65 bytes = %v, want ErrInvalid", err)
	}
	if _, err := New("a", "b", strings.Repeat("1", 60)).Encode(); err != nil {
		t.Errorf("Encode of 64 bytes: %v", err)
	}
	if _, err := New("a", "b", "x:y").Encode(); !errors.Is(err, ErrInvalid) {
		t.Errorf("Encode with ':' in an argument = %v, want ErrInvalid", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"lang:set:be", "a:b", "", "::::", "x:y:\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err != nil {
			return
		}
		back, err := d.Encode()
		if err != nil || back != s {
			t.Fatalf("Parse(%q) accepted but Encode gives %q, %v", s, back, err)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	for b.Loop() {
		if _, err := Parse("partners:more:625665:10"); err != nil {
			b.Fatal(err)
		}
	}
}
