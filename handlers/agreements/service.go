// Package agreements keeps the association's registry of cooperation
// agreements and turns uploaded agreement documents into summary cards.
//
// /agreements <place> lists a municipality's agreements, newest first, each
// a button to its card; /agreement <number> opens a card: parties, stage,
// dates, term, renewal and notice, areas, the summary and key clauses of
// the document it was read from, and the deadlines ahead.
//
// A member who sends a .docx, .pdf, .odt or .txt gets a summary card read
// from it (package doctext extracts the text, package summary reads the
// fields, package parties matches the parties to the directory), with
// buttons to save it, correct a field or discard it. The unsaved card is a
// dialog: its fields live in the chat's dialog state until saved. Saving
// and editing follow one rule: coordinators may change any agreement,
// members the agreements their own municipality is a party to.
//
// The deadlines of a saved agreement (package deadline) become reminders
// for the members of its parties: jobs in SQLite written in the same
// transaction as the agreement, run by the scheduler of package jobs.
package agreements

import (
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/store"
)

// Callback features of this package's buttons.
const (
	Feature     = "agr"  // cards, lists and unsaved cards
	FeaturePick = "agrp" // a place chosen as a party
	FeatureList = "agrl" // a place chosen for /agreements
)

// FlowDraft is the dialog of an unsaved or edited card.
const FlowDraft = "agreements.draft"

// MaxFileSize is the largest document read: Telegram lets bots download
// files up to 20 MB.
const MaxFileSize = 20 << 20

// Service answers /agreements, /agreement, uploaded documents and their
// buttons, and runs this package's jobs.
type Service struct {
	DB      *store.DB
	Dir     *directory.Directory
	Dialogs handlers.Dialogs
	Files   handlers.Files
	// Reader reads documents; nil means one with the default options.
	Reader *Reader
	// Out and Text deliver and render what jobs send outside any request.
	Out  handlers.Sender
	Text handlers.Translator
	Now  func() time.Time
	// Wake tells the job scheduler that a job was written; nil if none runs.
	Wake func()
	Log  *slog.Logger

	readerOnce sync.Once
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.Default()
	}
	return s.Log
}

func (s *Service) wake() {
	if s.Wake != nil {
		s.Wake()
	}
}

func (s *Service) reader() *Reader {
	s.readerOnce.Do(func() {
		if s.Reader == nil {
			s.Reader = NewReader(ReaderOptions{})
		}
	})
	return s.Reader
}

// canEdit reports whether a member may save or change an agreement with
// these parties: coordinators any, members those of their municipality.
func canEdit(m store.Member, parties []int64) bool {
	if m.AtLeast(store.RoleCoordinator) {
		return true
	}
	return m.AtLeast(store.RoleMember) && m.MunicipalityID != 0 && slices.Contains(parties, m.MunicipalityID)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// intArg reads button argument i as a number; anything else is a forged
// or mangled button.
func intArg(d callback.Data, i int) (int64, error) {
	n, err := strconv.ParseInt(d.Arg(i), 10, 64)
	if err != nil {
		return 0, callback.ErrInvalid
	}
	return n, nil
}
