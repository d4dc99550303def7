// Package partners is the heart of Pobratim: finding a place from whatever
// people type, suggesting partner municipalities across the border with the
// reasons they fit, profiles, declared areas of cooperation and partnership
// proposals with double opt-in.
package partners

import (
	"strings"
	"sync"
	"time"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/store"
)

// Callback features of this package's buttons.
const (
	FeaturePartners  = "partners"
	FeatureCity      = "city"
	FeatureInterests = "interests"
	FeatureProposal  = "proposal"
)

// pageSize is how many suggestions one message shows.
const pageSize = 10

// Service answers /partners, /city, /interests, /municipality, /about and
// their buttons.
type Service struct {
	Dir *directory.Directory
	DB  *store.DB
	Now func() time.Time
	// Practices, when set, shows a few best practices of each municipality
	// with suggestions and profiles.
	Practices Highlighter

	candidatesOnce sync.Once
	candidates     *Candidates

	rankings rankings
}

// allCandidates prepares the directory for ranking once: municipalities are
// imported before the bot serves, and ranking must not copy the directory
// for every query.
func (s *Service) allCandidates() *Candidates {
	s.candidatesOnce.Do(func() { s.candidates = NewCandidates(s.Dir.Places()) })
	return s.candidates
}

// areaNames renders area keys in the reader's language.
func areaNames(r *handlers.Request, keys []string) string {
	names := make([]string, 0, len(keys))
	for _, k := range keys {
		names = append(names, r.T("area."+k, nil))
	}
	return strings.Join(names, ", ")
}
