// Package practices is the association's exchange of experience: members
// describe a practice of their municipality that worked — the problem, what
// was done, the measurable result — and others find it, see who ran it and
// ask them about it.
//
//   - /practice is a dialog that writes a practice (coordinators may write
//     one on behalf of any municipality: /practice Vitebsk). Its author and
//     coordinators edit or withdraw it; coordinators hide it (recorded in the
//     audit log) and mark it recommended for replication.
//   - /practices [area or words] searches: words are stemmed and folded by
//     package stem, so a Russian query finds a Belarusian practice where the
//     stems meet, and words that name an area of cooperation also match the
//     practices filed under that area. Filters: area, country, region, size
//     of the municipality, recommended only. Results come newest and
//     most asked-about first (the rank of store.Practice). The search runs
//     on an in-memory index (package index) that follows the records.
//   - "Ask about this practice" is a double opt-in between the asker and the
//     practice's municipality; on accept both get each other's contacts and
//     the asker can plan a visit.
//   - Partner suggestions and profiles show up to two practices of a
//     municipality (Highlights), and a monthly digest lists the newly
//     recommended ones: a KindDigest job on the first of each month queues
//     it (MonthlyDigest, DigestMessage) as one broadcast, which the
//     broadcast worker delivers at Telegram's pace.
package practices

import (
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

// Callback features of this package's buttons.
const (
	FeatureList     = "practices" // a result list: paging and filters
	FeaturePractice = "practice"  // one practice, the dialogs, asks, the digest
)

// Dialog flows of this package.
const (
	FlowNew  = "practices.new"
	FlowEdit = "practices.edit"
)

// Limits of what people type, in characters.
const (
	MaxTitle   = 120
	MaxProblem = 1000
	MaxActions = 2000
	MaxResult  = 300
	MaxPeriod  = 100
	MaxFile    = 20 << 20 // bytes; what a bot may download, and so re-send safely
)

// pageSize is how many practices one list message shows.
const pageSize = 5

// Service answers /practice and /practices and their buttons, and gives
// partner suggestions and profiles their practice lines.
type Service struct {
	DB      *store.DB
	Dir     *directory.Directory
	Dialogs handlers.Dialogs
	Now     func() time.Time
	// Visit, when set, is the /visit command: "plan a visit" after an
	// accepted ask runs it with the practice's municipality as its
	// argument, which opens the visit dialog with the place filled in.
	Visit handlers.HandlerFunc
	// Text renders the monthly digest, which goes out through the
	// broadcast outbox rather than as a reply.
	Text handlers.Translator
	// WakeOutbox tells the broadcast worker that a digest was queued; nil
	// if none runs.
	WakeOutbox func()
	Log        *slog.Logger

	search searcher
}

func (s *Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.Default()
	}
	return s.Log
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// canModerate reports whether a member may hide and recommend practices.
func canModerate(m store.Member) bool { return m.AtLeast(store.RoleCoordinator) }

// canEdit reports whether a member may edit or withdraw a practice.
func canEdit(m store.Member, p store.Practice) bool {
	return canModerate(m) || (p.AuthorID != 0 && p.AuthorID == m.UserID)
}

// canSee reports whether a member may open a practice: published ones are
// for everybody, hidden ones for their author and coordinators, withdrawn
// ones for nobody.
func canSee(m store.Member, p store.Practice) bool {
	switch p.Status {
	case store.PracticePublished:
		return true
	case store.PracticeHidden:
		return canEdit(m, p)
	}
	return false
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

func langOf(m store.Member) string {
	if locales.Supported(m.Language) {
		return m.Language
	}
	return locales.Default
}

// placeLine renders "Place (Region)" in lang.
func (s *Service) placeLine(municipalityID int64, lang string) (name, region string) {
	p, ok := s.Dir.ByID(municipalityID)
	if !ok {
		return "#" + id(municipalityID), ""
	}
	return p.Name(lang), s.Dir.RegionName(p, lang)
}

// areaNames renders area keys in a language.
func areaNames(tr handlers.Translator, lang string, keys []string) string {
	names := make([]string, 0, len(keys))
	for _, k := range keys {
		names = append(names, tr.Text(lang, "area."+k, nil))
	}
	return strings.Join(names, ", ")
}
