// Package audience chooses the recipients of a broadcast: all members, or
// those of some countries, regions, municipalities, areas of cooperation,
// roles or the registrants of a forum. Criteria of different kinds combine
// (a member must meet each kind chosen); values of one kind are
// alternatives (Russia or Belarus).
package audience

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/pobratim/pobratim/store"
)

// Audience is what a coordinator chose. The zero Audience is every member.
type Audience struct {
	Countries []string     // "RU", "BY"
	Regions   []string     // region codes, "RU.47"
	Places    []int64      // municipality ids
	Areas     []string     // areas of cooperation declared by the member's municipality
	Roles     []store.Role // member, coordinator, admin
	Forum     int64        // registrants (going or maybe) of this forum; 0 for none
}

// All reports whether the audience is every member.
func (a Audience) All() bool {
	return len(a.Countries) == 0 && len(a.Regions) == 0 && len(a.Places) == 0 && len(a.Areas) == 0 &&
		len(a.Roles) == 0 && a.Forum == 0
}

// Facts are what the criteria are checked against besides the member.
type Facts struct {
	// Place returns the country and region code of a municipality.
	Place func(id int64) (country, region string, ok bool)
	// Areas are the areas each municipality declared.
	Areas map[int64][]string
	// Registrants are the members registered for Audience.Forum.
	Registrants map[int64]bool
}

// Select returns the recipients the audience reaches, in order. Members
// who muted announcements are left out unless mandatory.
func Select(a Audience, rs []store.Recipient, mandatory bool, f Facts) []store.Recipient {
	var out []store.Recipient
	for _, r := range rs {
		if r.Muted && !mandatory {
			continue
		}
		if a.Matches(r.Member, f) {
			out = append(out, r)
		}
	}
	return out
}

// Matches reports whether the audience reaches m.
func (a Audience) Matches(m store.Member, f Facts) bool {
	if len(a.Roles) > 0 && !slices.Contains(a.Roles, m.Role) {
		return false
	}
	if a.Forum != 0 && !f.Registrants[m.UserID] {
		return false
	}
	if len(a.Places) > 0 && !slices.Contains(a.Places, m.MunicipalityID) {
		return false
	}
	if len(a.Countries) > 0 || len(a.Regions) > 0 {
		country, region, ok := "", "", false
		if f.Place != nil && m.MunicipalityID != 0 {
			country, region, ok = f.Place(m.MunicipalityID)
		}
		if !ok {
			return false
		}
		if len(a.Countries) > 0 && !slices.Contains(a.Countries, country) {
			return false
		}
		if len(a.Regions) > 0 && !slices.Contains(a.Regions, region) {
			return false
		}
	}
	if len(a.Areas) > 0 {
		found := false
		for _, area := range f.Areas[m.MunicipalityID] {
			if slices.Contains(a.Areas, area) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// Toggle adds v to the list, or removes it when it is there.
func Toggle[T comparable](list []T, v T) []T {
	if i := slices.Index(list, v); i >= 0 {
		return slices.Delete(slices.Clone(list), i, i+1)
	}
	return append(slices.Clone(list), v)
}

// ErrInvalid is returned by Decode for text Encode could not have made.
var ErrInvalid = errors.New("audience: invalid")

// Encode returns a compact text form, stable for equal audiences, for
// dialog state and the broadcast's record: "c=BY,RU;r=RU.47;p=1,2;a=culture;o=member;f=3".
func (a Audience) Encode() string {
	var parts []string
	add := func(key string, vals []string) {
		if len(vals) > 0 {
			vals = slices.Clone(vals)
			slices.Sort(vals)
			parts = append(parts, key+"="+strings.Join(vals, ","))
		}
	}
	add("c", a.Countries)
	add("r", a.Regions)
	places := make([]string, len(a.Places))
	for i, p := range a.Places {
		places[i] = strconv.FormatInt(p, 10)
	}
	add("p", places)
	add("a", a.Areas)
	roles := make([]string, len(a.Roles))
	for i, r := range a.Roles {
		roles[i] = string(r)
	}
	add("o", roles)
	if a.Forum != 0 {
		parts = append(parts, "f="+strconv.FormatInt(a.Forum, 10))
	}
	return strings.Join(parts, ";")
}

// Decode reads what Encode wrote.
func Decode(s string) (Audience, error) {
	var a Audience
	if s == "" {
		return a, nil
	}
	for _, part := range strings.Split(s, ";") {
		key, val, ok := strings.Cut(part, "=")
		if !ok || val == "" {
			return Audience{}, fmt.Errorf("%w: %q", ErrInvalid, part)
		}
		vals := strings.Split(val, ",")
		switch key {
		case "c":
			a.Countries = vals
		case "r":
			a.Regions = vals
		case "a":
			a.Areas = vals
		case "o":
			for _, v := range vals {
				a.Roles = append(a.Roles, store.Role(v))
			}
		case "p":
			for _, v := range vals {
				n, err := strconv.ParseInt(v, 10, 64)
				if err != nil {
					return Audience{}, fmt.Errorf("%w: place %q", ErrInvalid, v)
				}
				a.Places = append(a.Places, n)
			}
		case "f":
			n, err := strconv.ParseInt(val, 10, 64)
			if err != nil {
				return Audience{}, fmt.Errorf("%w: forum %q", ErrInvalid, val)
			}
			a.Forum = n
		default:
			return Audience{}, fmt.Errorf("%w: key %q", ErrInvalid, key)
		}
	}
	return a, nil
}
