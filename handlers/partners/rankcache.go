package partners

import (
	"context"
	"sync"

	"github.com/pobratim/pobratim/handlers/partners/directory"
	"github.com/pobratim/pobratim/store"
)

// maxRankings bounds the kept rankings; when full, all are dropped.
const maxRankings = 2048

// rankings keeps what the ranking needs from the records (the facts) and
// recent rankings, for as long as the records they come from are
// unchanged: the queries behind the facts (ties, member counts) and the
// walk over every place are the costly part of a suggestion page, and the
// same places are asked for again and again, each page turn included.
type rankings struct {
	mu       sync.Mutex
	revision int64
	facts    *Facts
	byQuery  map[rankQuery]ranking
}

type rankQuery struct {
	origin int64
	filter Filter
	limit  int
}

type ranking struct {
	partners []int64
	top      []Suggestion
	total    int
}

// rank is Rank over the directory with the current facts, kept until the
// facts change. The slices returned are shared: callers must not change them.
func (s *Service) rank(ctx context.Context, origin directory.Place, f Filter, limit int) (partners []int64, top []Suggestion, total int, err error) {
	facts, revision, err := s.facts(ctx)
	if err != nil {
		return nil, nil, 0, err
	}
	q := rankQuery{origin.ID, f, limit}
	c := &s.rankings
	c.mu.Lock()
	if r, ok := c.byQuery[q]; ok && c.revision == revision {
		c.mu.Unlock()
		return r.partners, r.top, r.total, nil
	}
	c.mu.Unlock()
	partners, top, total = Rank(s.allCandidates(), origin, facts, f, limit)
	c.mu.Lock()
	if c.revision == revision {
		if len(c.byQuery) >= maxRankings {
			clear(c.byQuery)
		}
		c.byQuery[q] = ranking{partners, top, total}
	}
	c.mu.Unlock()
	return partners, top, total, nil
}

// facts returns what the ranking needs from the records and the revision
// they are of. They are loaded again only after one of the rows they come
// from changed (store.RevisionPartnerFacts), which also drops the kept
// rankings.
func (s *Service) facts(ctx context.Context) (Facts, int64, error) {
	revision, err := s.DB.Revision(ctx, store.RevisionPartnerFacts)
	if err != nil {
		return Facts{}, 0, err
	}
	c := &s.rankings
	c.mu.Lock()
	if c.facts != nil && c.revision == revision {
		f := *c.facts
		c.mu.Unlock()
		return f, revision, nil
	}
	c.mu.Unlock()
	f, err := s.loadFacts(ctx)
	if err != nil {
		return Facts{}, 0, err
	}
	c.mu.Lock()
	if c.facts == nil || revision > c.revision {
		c.facts, c.revision, c.byQuery = &f, revision, map[rankQuery]ranking{}
	}
	c.mu.Unlock()
	return f, revision, nil
}

func (s *Service) loadFacts(ctx context.Context) (Facts, error) {
	var f Facts
	var err error
	if f.Areas, err = s.DB.AllAreas(ctx); err != nil {
		return f, err
	}
	if f.Ties, err = s.DB.Ties(ctx); err != nil {
		return f, err
	}
	if f.Members, err = s.DB.MemberCounts(ctx); err != nil {
		return f, err
	}
	return f, nil
}
