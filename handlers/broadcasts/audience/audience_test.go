package audience_test

import (
	"reflect"
	"testing"

	"github.com/pobratim/pobratim/handlers/broadcasts/audience"
	"github.com/pobratim/pobratim/store"
)

// Municipalities of the tests: 1 Vitebsk (BY.07), 2 Minsk (BY.04),
// 3 Smolensk (RU.69), 4 Pskov (RU.60).
var places = map[int64][2]string{1: {"BY", "BY.07"}, 2: {"BY", "BY.04"}, 3: {"RU", "RU.69"}, 4: {"RU", "RU.60"}}

var facts = audience.Facts{
	Place: func(id int64) (string, string, bool) {
		p, ok := places[id]
		return p[0], p[1], ok
	},
	Areas:       map[int64][]string{1: {"culture", "tourism"}, 3: {"tourism"}, 4: {"economy"}},
	Registrants: map[int64]bool{11: true, 14: true},
}

func recipients() []store.Recipient {
	m := func(id, place int64, role store.Role, muted bool) store.Recipient {
		return store.Recipient{Member: store.Member{UserID: id, MunicipalityID: place, Role: role}, Muted: muted}
	}
	return []store.Recipient{
		m(11, 1, store.RoleMember, false),
		m(12, 2, store.RoleCoordinator, false),
		m(13, 3, store.RoleMember, true),
		m(14, 4, store.RoleAdmin, false),
		m(15, 0, store.RoleMember, false),  // no municipality
		m(16, 99, store.RoleMember, false), // a municipality not in the directory
	}
}

func ids(rs []store.Recipient) []int64 {
	var out []int64
	for _, r := range rs {
		out = append(out, r.UserID)
	}
	return out
}

func TestSelect(t *testing.T) {
	for _, tc := range []struct {
		name      string
		a         audience.Audience
		mandatory bool
		want      []int64
	}{
		{"all but the muted", audience.Audience{}, false, []int64{11, 12, 14, 15, 16}},
		{"mandatory reaches the muted", audience.Audience{}, true, []int64{11, 12, 13, 14, 15, 16}},
		{"Belarus", audience.Audience{Countries: []string{"BY"}}, false, []int64{11, 12}},
		{"both countries leave out the unknown", audience.Audience{Countries: []string{"BY", "RU"}}, true, []int64{11, 12, 13, 14}},
		{"region", audience.Audience{Regions: []string{"BY.07", "RU.60"}}, false, []int64{11, 14}},
		{"country and region combine", audience.Audience{Countries: []string{"RU"}, Regions: []string{"BY.07", "RU.60"}}, false, []int64{14}},
		{"municipality list", audience.Audience{Places: []int64{2, 3}}, true, []int64{12, 13}},
		{"area", audience.Audience{Areas: []string{"tourism"}}, true, []int64{11, 13}},
		{"areas are alternatives", audience.Audience{Areas: []string{"culture", "economy"}}, false, []int64{11, 14}},
		{"role", audience.Audience{Roles: []store.Role{store.RoleCoordinator, store.RoleAdmin}}, false, []int64{12, 14}},
		{"forum registrants", audience.Audience{Forum: 7}, false, []int64{11, 14}},
		{"forum registrants in Russia", audience.Audience{Forum: 7, Countries: []string{"RU"}}, false, []int64{14}},
		{"nobody", audience.Audience{Areas: []string{"economy"}, Countries: []string{"BY"}}, true, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ids(audience.Select(tc.a, recipients(), tc.mandatory, facts))
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestEncodeDecode(t *testing.T) {
	for _, a := range []audience.Audience{
		{},
		{Countries: []string{"RU", "BY"}},
		{Regions: []string{"RU.47"}, Places: []int64{-5, 625144}, Areas: []string{"culture"},
			Roles: []store.Role{store.RoleMember}, Forum: 3},
	} {
		s := a.Encode()
		b, err := audience.Decode(s)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if b.Encode() != s {
			t.Fatalf("round trip %q → %q", s, b.Encode())
		}
		if a.All() != (s == "") {
			t.Fatalf("%q: All = %v", s, a.All())
		}
	}
	if got := (audience.Audience{Countries: []string{"RU", "BY"}}).Encode(); got != "c=BY,RU" {
		t.Fatalf("encode is not stable: %q", got)
	}
	for _, bad := range []string{"x=1", "c=", "p=abc", "f=1,2", "c"} {
		if _, err := audience.Decode(bad); err == nil {
			t.Errorf("%q decoded", bad)
		}
	}
}

func TestToggle(t *testing.T) {
	l := audience.Toggle([]string{"RU"}, "BY")
	l = audience.Toggle(l, "RU")
	if !reflect.DeepEqual(l, []string{"BY"}) {
		t.Fatalf("toggle: %v", l)
	}
}
