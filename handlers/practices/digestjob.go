package practices

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/broadcasts"
	"github.com/pobratim/pobratim/handlers/jobs"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

// KindDigest is the job that sends a month's digest of recommended
// practices: on the first of the next month, at DigestHour in the
// association's time, it queues one broadcast to every recipient and
// writes the next month's job.
const KindDigest = "practices.digest"

// DigestHour is the hour, Moscow and Minsk time, at which the digest goes
// out on the first of the month.
const DigestHour = 10

// digestPayload names the month a digest job covers ("2006-01"), so that a
// job run late or retried still covers its own month.
type digestPayload struct {
	Month string `json:"month"`
}

// DigestJob returns the job of the digest that covers the month at falls
// in, in the association's time. Its key names the month, so that writing
// it again — after a recommendation, a restart, or from another instance
// — does nothing.
func DigestJob(at time.Time) store.Job {
	t := at.In(digestZone)
	month := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, digestZone)
	p, _ := json.Marshal(digestPayload{Month: month.Format("2006-01")})
	return store.Job{
		Kind:    KindDigest,
		Key:     DigestKey(Digest{From: month}),
		Subject: "practices.digest",
		DueAt:   month.AddDate(0, 1, 0).Add(DigestHour * time.Hour).UTC(),
		Payload: string(p),
	}
}

// RegisterJobs makes sch run this package's jobs.
func (s *Service) RegisterJobs(sch *jobs.Scheduler) {
	sch.Handle(KindDigest, s.runDigest)
}

// runDigest queues a month's digest, if coordinators recommended anything
// new that month, through the broadcast outbox, and writes the next
// month's job in the same transaction. Run again (its instance died before
// recording it done), it queues nothing twice: the broadcast is unique per
// month, and so is the next job.
func (s *Service) runDigest(ctx context.Context, j store.Job) error {
	var p digestPayload
	if err := json.Unmarshal([]byte(j.Payload), &p); err != nil {
		return jobs.Drop("bad payload: " + err.Error())
	}
	month, err := time.ParseInLocation("2006-01", p.Month, digestZone)
	if err != nil {
		return jobs.Drop("bad month: " + err.Error())
	}
	now := s.now()
	next := DigestJob(month.AddDate(0, 1, 0))
	// MonthlyDigest covers the month before the one it is given.
	d, err := s.MonthlyDigest(ctx, month.AddDate(0, 1, 0))
	if err != nil {
		return err
	}
	if len(d.Practices) == 0 || len(d.Recipients) == 0 {
		_, err := s.DB.AddJobs(ctx, []store.Job{next}, now)
		return err
	}
	copies := make(map[string]handlers.Message, len(locales.Languages))
	for _, lang := range locales.Languages {
		copies[lang] = s.DigestMessage(s.Text, lang, d)
	}
	b, err := broadcasts.Composed(DigestKey(d), copies)
	if err != nil {
		return jobs.Drop(err.Error())
	}
	entries := make([]store.OutboxEntry, len(d.Recipients))
	for i, m := range d.Recipients {
		entries[i] = store.OutboxEntry{RecipientID: m.UserID, Language: langOf(m)}
	}
	id, queued, err := s.DB.QueueBroadcastOnce(ctx, b, entries, store.JobChange{Add: []store.Job{next}}, now)
	if err != nil {
		return fmt.Errorf("practices: queue digest: %w", err)
	}
	if queued {
		s.log().Info("practices: digest queued", "month", p.Month, "broadcast", id,
			"practices", len(d.Practices), "recipients", len(entries))
		if s.WakeOutbox != nil {
			s.WakeOutbox()
		}
	}
	return nil
}
