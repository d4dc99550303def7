package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"time"

	"github.com/pobratim/pobratim/bot/telegramtest"
	"github.com/pobratim/pobratim/handlers/partners"
	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

// plan is the size of the synthetic database.
type plan struct {
	Members    int `json:"members"`
	Meetings   int `json:"meetings"`
	Agreements int `json:"agreements"`
}

// Synthetic people have Telegram ids from these bases: members of the
// database first, then newcomers who write to the bot for the first time
// during the run.
const (
	memberBase   = 7_100_000_000
	newcomerBase = 7_900_000_000
)

// seeded is what the harness knows of the database it made.
type seeded struct {
	members []*member // every synthetic member, verified or not
	forumID int64     // the forum the RSVP storm answers
	took    time.Duration
}

var firstNames = map[string][]string{
	"ru": {"Анна", "Иван", "Ольга", "Сергей", "Наталья", "Дмитрий", "Елена", "Алексей", "Татьяна", "Николай"},
	"be": {"Алесь", "Ганна", "Мікола", "Вольга", "Янка", "Святлана", "Андрэй", "Зміцер", "Алена", "Павел"},
	"en": {"Anna", "Ivan", "Olga", "Sergei", "Natalia", "Dmitry", "Elena", "Alexei", "Tatiana", "Nikolai"},
}

// languageCodes are the Telegram language_code values people come with,
// weighted: mostly Russian, many Belarusian, a few English and others.
var languageCodes = []string{"ru", "ru", "ru", "ru", "ru", "be", "be", "be", "en", "uk"}

// seedDatabase creates the database at path with pl's synthetic members,
// meetings and agreements, and one forum. Every name says it is synthetic.
// Members and meetings are written with SQL in one transaction, which takes
// seconds where a store call per row would take minutes; agreements and the
// forum go through the store.
func seedDatabase(ctx context.Context, path string, dir *directory.Directory, pl plan, seed uint64) (seeded, error) {
	began := time.Now()
	var out seeded
	db, err := store.Open(ctx, path)
	if err != nil {
		return out, err
	}
	if err := partners.ApplyRegistry(ctx, db, dir); err != nil {
		db.Close()
		return out, err
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	var ru, by, towns []directory.Place
	for _, p := range dir.Places() {
		if p.Kind >= directory.DistrictCentre {
			towns = append(towns, p)
			if p.Country == "BY" {
				by = append(by, p)
			} else {
				ru = append(ru, p)
			}
		}
	}
	if len(ru) == 0 || len(by) == 0 {
		db.Close()
		return out, fmt.Errorf("seed: the directory has no district centres")
	}
	now := time.Now().UTC()

	list := make([]store.Agreement, 0, pl.Agreements)
	for i := range pl.Agreements {
		a, b := ru[rng.IntN(len(ru))], by[rng.IntN(len(by))]
		list = append(list, store.Agreement{
			Title:     fmt.Sprintf("[synthetic] Соглашение о сотрудничестве № %d: %s — %s", i+1, a.NameRU, b.NameRU),
			Stage:     store.Stages[rng.IntN(len(store.Stages))],
			SignedOn:  fmt.Sprintf("%d-%02d-%02d", 2000+rng.IntN(26), 1+rng.IntN(12), 1+rng.IntN(28)),
			Status:    store.StatusInForce,
			Areas:     []string{partners.Areas[rng.IntN(len(partners.Areas))]},
			Parties:   []int64{a.ID, b.ID},
			Languages: []string{"ru"},
			Origin:    store.OriginImport,
		})
	}
	if _, err := db.ImportAgreements(ctx, list, nil, now); err != nil {
		db.Close()
		return out, fmt.Errorf("seed: agreements: %w", err)
	}
	forum, err := db.CreateForum(ctx, store.Forum{
		Name: "[synthetic] Форум регионов", City: "Витебск",
		StartsOn: now.AddDate(0, 2, 0).Truncate(24 * time.Hour), EndsOn: now.AddDate(0, 2, 2).Truncate(24 * time.Hour),
		CreatedBy: memberBase,
	}, now)
	if err != nil {
		db.Close()
		return out, fmt.Errorf("seed: forum: %w", err)
	}
	out.forumID = forum.ID
	if err := db.Close(); err != nil {
		return out, fmt.Errorf("seed: close: %w", err)
	}

	out.members, err = seedPeople(ctx, path, towns, pl, rng, now)
	out.took = time.Since(began)
	return out, err
}

// seedPeople writes the members and meetings.
func seedPeople(ctx context.Context, path string, towns []directory.Place, pl plan, rng *rand.Rand, now time.Time) ([]*member, error) {
	// The store's driver is registered by importing store; the DSN is the
	// store's, so that this connection waits for locks the same way.
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("seed: open: %w", err)
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("seed: begin: %w", err)
	}
	defer tx.Rollback()
	ts := now.Format("2006-01-02T15:04:05.000Z")

	insMember, err := tx.PrepareContext(ctx, `INSERT INTO members (user_id, first_name, last_name, username, language,
		municipality_id, position, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return nil, fmt.Errorf("seed: members: %w", err)
	}
	members := make([]*member, 0, pl.Members)
	var verified []int64
	for i := range pl.Members {
		code := languageCodes[rng.IntN(len(languageCodes))]
		lang := locales.Match(code)
		names := firstNames[lang]
		u := telegramtest.User{
			ID:           memberBase + int64(i),
			FirstName:    names[rng.IntN(len(names))],
			LastName:     fmt.Sprintf("Synthetic %05d", i),
			Username:     fmt.Sprintf("synthetic_%05d", i),
			LanguageCode: code,
		}
		role := store.RoleMember
		switch n := rng.IntN(100); {
		case n < 15:
			role = store.RoleNewcomer
		case n < 20:
			role = store.RoleCoordinator
		}
		town := towns[rng.IntN(len(towns))]
		if _, err := insMember.ExecContext(ctx, u.ID, u.FirstName, u.LastName, u.Username, lang, town.ID,
			"[synthetic] специалист", string(role), ts, ts); err != nil {
			return nil, fmt.Errorf("seed: member %d: %w", u.ID, err)
		}
		m := &member{User: u, verified: role != store.RoleNewcomer}
		members = append(members, m)
		if m.verified {
			verified = append(verified, u.ID)
		}
	}

	insMeeting, err := tx.PrepareContext(ctx, `INSERT INTO meetings (author_id, municipality_id, starts_at, time_zone,
		venue, topic, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return nil, fmt.Errorf("seed: meetings: %w", err)
	}
	insPart, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO meeting_participants (meeting_id, member_id, answer) VALUES (?, ?, ?)`)
	if err != nil {
		return nil, fmt.Errorf("seed: participants: %w", err)
	}
	answers := []string{"", "", "going", "not_going"}
	for i := range pl.Meetings {
		author := verified[rng.IntN(len(verified))]
		town := towns[rng.IntN(len(towns))]
		// From half a year ago to a year ahead, on the hour.
		starts := now.Add(time.Duration(rng.IntN(18*30*24)-6*30*24) * time.Hour).Truncate(time.Hour)
		status := "planned"
		if rng.IntN(20) == 0 {
			status = "cancelled"
		}
		res, err := insMeeting.ExecContext(ctx, author, town.ID, starts.Format("2006-01-02T15:04:05.000Z"), town.TimeZone,
			"[synthetic] зал заседаний", fmt.Sprintf("[synthetic] встреча № %d", i+1), status, ts, ts)
		if err != nil {
			return nil, fmt.Errorf("seed: meeting %d: %w", i+1, err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return nil, fmt.Errorf("seed: meeting %d: %w", i+1, err)
		}
		if _, err := insPart.ExecContext(ctx, id, author, "going"); err != nil {
			return nil, fmt.Errorf("seed: meeting %d: %w", i+1, err)
		}
		for range rng.IntN(4) {
			if _, err := insPart.ExecContext(ctx, id, verified[rng.IntN(len(verified))], answers[rng.IntN(len(answers))]); err != nil {
				return nil, fmt.Errorf("seed: meeting %d: %w", i+1, err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("seed: commit: %w", err)
	}
	return members, nil
}

// newcomers are people the database does not know yet.
func newcomers(n int, seed uint64) []*member {
	rng := rand.New(rand.NewPCG(seed, 0xc0de))
	out := make([]*member, n)
	for i := range out {
		code := languageCodes[rng.IntN(len(languageCodes))]
		names := firstNames[locales.Match(code)]
		out[i] = &member{User: telegramtest.User{
			ID:           newcomerBase + int64(i),
			FirstName:    names[rng.IntN(len(names))],
			LastName:     fmt.Sprintf("Newcomer %05d", i),
			LanguageCode: code,
		}}
	}
	return out
}
