package agreements

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pobratim/pobratim/handlers/csvimport"
	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/store"
)

// requiredColumns must be in the header of an import file.
var requiredColumns = []string{"party_a", "party_b", "stage", "signed_on", "title", "areas"}

// ImportCSV reads the association's registry of agreements, a CSV file with
// a header row, and stores it in one transaction together with the
// reminders of the agreements' deadlines.
//
// Columns, in any order: party_a, party_b (and party_c, party_d … for more
// parties), stage, signed_on, title, areas; optionally in_force_on, term,
// auto_renewal, notice_months, status. A party is a directory id, a place
// name the directory resolves to one municipality (add the region after a
// comma for homonyms: "Kirovsk, Murmansk"), or a region as "region:BY.07"
// or by its name. stage is intent, agreement, twinning, programme or
// friendship (empty: agreement); signed_on a date (2019-05-15 or
// 15.05.2019) or a year; areas lists area keys separated by ";"; term is
// "5y", "18m", a number of years or "indefinite"; auto_renewal yes or no;
// status in_force, expired or terminated (empty: in_force).
//
// Every bad row is reported with its line and reason; if there is any,
// nothing is imported. A row that repeats another, or an agreement already
// in the registry, is a bad row, so importing a file twice imports nothing
// the second time.
func ImportCSV(ctx context.Context, db *store.DB, dir *directory.Directory, r io.Reader, now time.Time) (csvimport.Report, error) {
	var list []store.Agreement
	var partyCols []string
	seen := map[string]int{}
	var storeErr error
	errs, err := csvimport.Read(r, requiredColumns, func(row csvimport.Row) []string {
		if partyCols == nil {
			partyCols = []string{}
			for _, c := range row.Columns {
				if strings.HasPrefix(c, "party_") {
					partyCols = append(partyCols, c)
				}
			}
			slices.Sort(partyCols)
		}
		a, problems := agreementRow(dir, row.Get, partyCols)
		if len(problems) == 0 {
			key := sameKey(a)
			if prev, dup := seen[key]; dup {
				problems = append(problems, fmt.Sprintf("the same agreement as line %d", prev))
			} else if id, err := inRegistry(ctx, db, a); err != nil {
				storeErr = err
			} else if id != 0 {
				problems = append(problems, fmt.Sprintf("already in the registry as agreement No. %d", id))
			}
			seen[key] = row.Line
		}
		if len(problems) == 0 {
			list = append(list, a)
		}
		return problems
	})
	if err != nil {
		return csvimport.Report{}, fmt.Errorf("agreements: import: %w", err)
	}
	if storeErr != nil {
		return csvimport.Report{}, storeErr
	}
	if len(errs) > 0 {
		return csvimport.Report{Errors: errs}, csvimport.ErrBadRows
	}
	jobs := func(a store.Agreement) []store.Job { return deadlineJobs(dir, a, now) }
	if _, err := db.ImportAgreements(ctx, list, jobs, now); err != nil {
		return csvimport.Report{}, fmt.Errorf("agreements: import: %w", err)
	}
	return csvimport.Report{Rows: len(list)}, nil
}

// agreementRow validates one row and says everything wrong with it.
func agreementRow(dir *directory.Directory, get func(string) string, partyCols []string) (store.Agreement, []string) {
	a := store.Agreement{Origin: store.OriginImport}
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	for _, c := range append(slices.Clone(partyCols), "stage", "signed_on", "title", "areas", "in_force_on", "term",
		"auto_renewal", "notice_months", "status") {
		if !utf8.ValidString(get(c)) {
			bad("%s is not valid UTF-8", c)
			return a, problems
		}
	}
	for _, c := range partyCols {
		v := get(c)
		if v == "" {
			if c == "party_a" || c == "party_b" {
				bad("%s is empty", c)
			}
			continue
		}
		id, region, reason := resolveParty(dir, v)
		switch {
		case reason != "":
			bad("%s %q: %s", c, v, reason)
		case id != 0 && slices.Contains(a.Parties, id), region != "" && slices.Contains(a.Regions, region):
			bad("%s %q is already a party of this agreement", c, v)
		case id != 0:
			a.Parties = append(a.Parties, id)
		default:
			a.Regions = append(a.Regions, region)
		}
	}
	if len(problems) == 0 && len(a.Parties) == 0 {
		bad("at least one party must be a municipality")
	}
	a.Stage = store.StageAgreement
	if s := strings.ToLower(get("stage")); s != "" {
		if st, ok := stageAliases[s]; ok {
			a.Stage = st
		} else {
			bad("stage %q is not one of %s", s, strings.Join(store.Stages, ", "))
		}
	}
	if s := get("signed_on"); s != "" {
		day, ok := parseDay(s, true)
		if !ok {
			bad("signed_on %q is not a date such as 2019-05-15, 15.05.2019 or a year", s)
		}
		a.SignedOn = day
	}
	if s := get("in_force_on"); s != "" {
		day, ok := parseDay(s, false)
		if !ok || day == "" {
			bad("in_force_on %q is not a date such as 2019-05-15 or 15.05.2019", s)
		}
		a.InForceOn = day
	}
	a.Title = get("title")
	if utf8.RuneCountInString(a.Title) > maxTitleRunes {
		bad("title is longer than %d characters", maxTitleRunes)
	}
	if s := get("areas"); s != "" {
		for _, k := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' || r == '|' }) {
			k = strings.ToLower(strings.TrimSpace(k))
			switch {
			case k == "":
			case !isArea(k):
				bad("area %q is unknown (one of %s)", k, strings.Join(areaKeys(), ", "))
			case !slices.Contains(a.Areas, k):
				a.Areas = append(a.Areas, k)
			}
		}
		a.Areas = sortAreas(a.Areas)
	}
	if s := get("term"); s != "" {
		months, indefinite, ok := parseTerm(s)
		if !ok {
			bad("term %q is not 5y, 18m, a number of years or indefinite", s)
		}
		a.TermMonths, a.Indefinite = months, indefinite
	}
	if s := get("auto_renewal"); s != "" {
		on, ok := yesNo[strings.ToLower(s)]
		if !ok {
			bad("auto_renewal %q is not yes or no", s)
		}
		a.AutoRenewal = on
	}
	if s := get("notice_months"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 120 {
			bad("notice_months %q is not a number of months", s)
		}
		a.NoticeMonths = n
	}
	a.Status = store.StatusInForce
	if s := strings.ToLower(get("status")); s != "" {
		if !isStatus(s) {
			bad("status %q is not one of %s", s, strings.Join(store.Statuses, ", "))
		}
		a.Status = s
	}
	return a, problems
}

var stageAliases = map[string]string{
	"intent": store.StageIntent, "protocol": store.StageIntent, "protocol of intent": store.StageIntent,
	"agreement": store.StageAgreement, "cooperation": store.StageAgreement,
	"twinning": store.StageTwinning, "twin": store.StageTwinning, "twin towns": store.StageTwinning,
	"programme": store.StageProgramme, "program": store.StageProgramme,
	"friendship": store.StageFriendship, "contact": store.StageFriendship, "contacts": store.StageFriendship,
}

var yesNo = map[string]bool{"yes": true, "y": true, "true": true, "1": true, "да": true, "так": true,
	"no": false, "n": false, "false": false, "0": false, "нет": false, "не": false}

var (
	termYears  = regexp.MustCompile(`^(\d{1,3})\s*(?:y|yr|yrs|year|years|г|год|года|лет)?$`)
	termMonths = regexp.MustCompile(`^(\d{1,4})\s*(?:m|mo|month|months|мес|месяц|месяца|месяцев)$`)
)

// parseTerm reads a term: "5y", "5", "18m", "indefinite".
func parseTerm(s string) (months int, indefinite, ok bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "indefinite", "unlimited", "бессрочно", "бестэрмінова":
		return 0, true, true
	}
	if m := termMonths.FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n, false, n > 0
	}
	if m := termYears.FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[1])
		return 12 * n, false, n > 0 && n <= 100
	}
	return 0, false, false
}

var regionCode = regexp.MustCompile(`^(?i:region:)?\s*((?:RU|BY)\.[0-9A-Z]{2})$`)

// resolveParty reads a party: a directory id, a region, or a place name
// that names one municipality. reason says what is wrong otherwise.
func resolveParty(dir *directory.Directory, v string) (id int64, region, reason string) {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if _, ok := dir.ByID(n); !ok {
			return 0, "", "is not a directory id"
		}
		return n, "", ""
	}
	if m := regionCode.FindStringSubmatch(strings.ToUpper(v)); m != nil {
		if _, ok := dir.Region(m[1]); !ok {
			return 0, "", "is not a region code"
		}
		return 0, m[1], ""
	}
	for _, rg := range dir.Regions() {
		for _, n := range []string{rg.NameRU, rg.NameBE, rg.NameEN} {
			if n != "" && strings.EqualFold(n, v) && strings.Contains(n, " ") {
				return 0, rg.Code, ""
			}
		}
	}
	res := dir.Resolve(v, 8)
	if res.Problem != directory.ProblemNone {
		return 0, "", "is not a place name (" + res.Problem.String() + ")"
	}
	var exact []directory.Match
	for _, m := range res.Matches {
		if m.Edits == 0 {
			exact = append(exact, m)
		}
	}
	switch {
	case len(exact) == 1, len(exact) > 1 && exact[0].Place.Kind > exact[1].Place.Kind:
		return exact[0].Place.ID, "", ""
	case len(exact) > 1:
		var names []string
		for _, m := range exact[:min(len(exact), 4)] {
			names = append(names, fmt.Sprintf("%s, %s (id %d)", m.Place.NameRU, dir.RegionName(m.Place, "ru"), m.Place.ID))
		}
		return 0, "", "names several places: " + strings.Join(names, "; ") + "; use the id or add the region after a comma"
	case len(res.Matches) > 0:
		m := res.Matches[0]
		return 0, "", fmt.Sprintf("is not in the directory; did you mean %s, %s (id %d)?", m.Place.NameRU, dir.RegionName(m.Place, "ru"), m.Place.ID)
	}
	return 0, "", "is not in the directory"
}

// sameKey identifies an agreement within a file: its parties, stage, date
// and title.
func sameKey(a store.Agreement) string {
	ids := slices.Clone(a.Parties)
	slices.Sort(ids)
	regions := slices.Clone(a.Regions)
	slices.Sort(regions)
	return fmt.Sprint(ids, regions, a.Stage, a.SignedOn, strings.ToLower(a.Title))
}

// inRegistry returns the id of a stored agreement that is the same as a,
// or 0.
func inRegistry(ctx context.Context, db *store.DB, a store.Agreement) (int64, error) {
	stored, err := db.AgreementsOf(ctx, a.Parties[0])
	if err != nil {
		return 0, err
	}
	key := sameKey(a)
	for _, s := range stored {
		if sameKey(s) == key {
			return s.ID, nil
		}
	}
	return 0, nil
}
