package practices

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/pobratim/pobratim/handlers/practices/index"
	"github.com/pobratim/pobratim/store"
)

// searcher keeps the in-memory search index in step with the records.
// SQLite is the record; the index is derived from it, loaded on the first
// search and then fed the changes by their change numbers, so that it also
// sees what other instances sharing the database wrote.
type searcher struct {
	mu   sync.Mutex
	idx  *index.Index
	seen int64 // the last change number applied
}

// index returns the search index with every change made so far applied.
func (s *Service) index(ctx context.Context) (*index.Index, error) {
	seq, err := s.DB.PracticeSeq(ctx)
	if err != nil {
		return nil, fmt.Errorf("practices: index: %w", err)
	}
	s.search.mu.Lock()
	defer s.search.mu.Unlock()
	if s.search.idx == nil {
		s.search.idx = index.New()
	}
	if seq <= s.search.seen {
		return s.search.idx, nil
	}
	changes, err := s.DB.PracticeChanges(ctx, s.search.seen)
	if err != nil {
		return nil, fmt.Errorf("practices: index: %w", err)
	}
	for _, e := range changes {
		if e.Status == store.PracticePublished {
			s.search.idx.Put(docOf(e))
		} else {
			s.search.idx.Remove(e.ID)
		}
		s.search.seen = e.Seq
	}
	return s.search.idx, nil
}

func docOf(e store.PracticeEntry) index.Doc {
	return index.Doc{
		ID: e.ID, Municipality: e.MunicipalityID, Country: e.Country, Region: e.RegionCode, Population: e.Population,
		Areas: e.Areas, Recommended: e.Recommended, Rank: e.Rank, Keys: strings.Fields(e.Terms),
	}
}

// find returns one page of the published practices a query selects, the
// newest and most asked-about first, and how many it selects in all.
func (s *Service) find(ctx context.Context, q index.Query, offset, limit int) ([]store.Practice, int, error) {
	idx, err := s.index(ctx)
	if err != nil {
		return nil, 0, err
	}
	ids, total := idx.Search(q, offset, limit)
	list, err := s.DB.PracticesByID(ctx, ids)
	if err != nil {
		return nil, 0, fmt.Errorf("practices: find: %w", err)
	}
	return list, total, nil
}
