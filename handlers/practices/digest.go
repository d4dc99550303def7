package practices

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

// The monthly digest lists the practices coordinators recommended for
// replication during the previous month. This package chooses them, picks
// the recipients (verified members who did not turn it off) and renders the
// message; the KindDigest job (digestjob.go) queues it through the
// broadcast outbox, whose worker sends it at Telegram's pace.

// DigestSize is the most practices one digest lists.
const DigestSize = 10

// digestZone is where the association's months begin: Moscow and Minsk
// time, UTC+3 all year.
var digestZone = time.FixedZone("UTC+3", 3*60*60)

// DigestPeriod returns the calendar month before the one now falls in, in
// the association's time: [from, to).
func DigestPeriod(now time.Time) (from, to time.Time) {
	n := now.In(digestZone)
	to = time.Date(n.Year(), n.Month(), 1, 0, 0, 0, 0, digestZone)
	return to.AddDate(0, -1, 0), to
}

// SelectDigest picks what a digest lists: the practices recommended in
// [from, to) and still published, the most asked-about first, then in the
// order they were recommended; at most DigestSize.
func SelectDigest(list []store.Practice, from, to time.Time) []store.Practice {
	var out []store.Practice
	for _, p := range list {
		if p.Recommended && p.Status == store.PracticePublished &&
			!p.RecommendedAt.Before(from) && p.RecommendedAt.Before(to) {
			out = append(out, p)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Asks != out[j].Asks {
			return out[i].Asks > out[j].Asks
		}
		if !out[i].RecommendedAt.Equal(out[j].RecommendedAt) {
			return out[i].RecommendedAt.Before(out[j].RecommendedAt)
		}
		return out[i].ID < out[j].ID
	})
	return out[:min(len(out), DigestSize)]
}

// Digest is one month's digest of recommended practices.
type Digest struct {
	From, To   time.Time // the month it covers
	Practices  []store.Practice
	Recipients []store.Member // empty when there are no practices to tell about
}

// MonthlyDigest gathers the digest of the month before now's. A digest
// without practices is not to be sent.
func (s *Service) MonthlyDigest(ctx context.Context, now time.Time) (Digest, error) {
	d := Digest{}
	d.From, d.To = DigestPeriod(now)
	list, err := s.DB.RecommendedPractices(ctx, d.From, d.To)
	if err != nil {
		return Digest{}, fmt.Errorf("practices: digest: %w", err)
	}
	if d.Practices = SelectDigest(list, d.From, d.To); len(d.Practices) == 0 {
		return d, nil
	}
	if d.Recipients, err = s.DB.PracticeDigestRecipients(ctx); err != nil {
		return Digest{}, fmt.Errorf("practices: digest: %w", err)
	}
	return d, nil
}

// DigestKey identifies a month's digest, for the broadcast's unique keys.
func DigestKey(d Digest) string { return "practices.digest:" + d.From.Format("2006-01") }

// DigestMessage renders a digest for a reader in lang: a title with the
// month, the practices with buttons to open them, and a button to turn the
// digest off.
func (s *Service) DigestMessage(tr handlers.Translator, lang string, d Digest) handlers.Message {
	month := tr.Text(lang, "practices.month."+strconv.Itoa(int(d.From.In(digestZone).Month())), nil) +
		" " + strconv.Itoa(d.From.In(digestZone).Year())
	var b strings.Builder
	b.WriteString(tr.Plural(lang, "practices.digest.title", len(d.Practices), locales.Args{"Date": month}))
	var rows [][]handlers.Button
	for i, p := range d.Practices {
		b.WriteString(fmt.Sprintf("\n\n%d. ", i+1) + s.item(tr, lang, p))
		rows = append(rows, handlers.Row(handlers.Button{
			Text: tr.Text(lang, "practices.button.details", locales.Args{"Count": i + 1}),
			Data: callback.New(FeaturePractice, "open", id(p.ID)),
		}))
	}
	b.WriteString("\n\n" + tr.Text(lang, "practices.digest.footer", nil))
	rows = append(rows, handlers.Row(handlers.Button{
		Text: tr.Text(lang, "practices.button.digest_off", nil), Data: callback.New(FeaturePractice, "digest", "off"),
	}))
	return handlers.Message{Text: b.String(), Buttons: rows}
}

// digestButton turns the digest off or on again.
func (s *Service) digestButton(ctx context.Context, r *handlers.Request) error {
	on := r.Callback.Data.Arg(0) == "on"
	if !on && r.Callback.Data.Arg(0) != "off" {
		return callback.ErrInvalid
	}
	if err := s.DB.SetPracticeDigest(ctx, r.User.ID, on, s.now()); err != nil {
		return fmt.Errorf("practices: digest: %w", err)
	}
	if on {
		r.Toast(r.T("practices.digest.on", nil))
		_, err := r.Reply(ctx, handlers.Message{Text: r.T("practices.digest.on", nil)})
		return err
	}
	_, err := r.Reply(ctx, handlers.Message{
		Text: r.T("practices.digest.off", nil),
		Buttons: [][]handlers.Button{handlers.Row(handlers.Button{
			Text: r.T("practices.button.digest_on", nil), Data: callback.New(FeaturePractice, "digest", "on"),
		})},
	})
	return err
}
