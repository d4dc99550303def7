package members

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/locales"
)

// FeaturePrivacy is the feature of /forgetme's confirmation buttons.
const FeaturePrivacy = "privacy"

// MyData sends the member everything stored about them as a JSON file.
func (s *Service) MyData(ctx context.Context, r *handlers.Request) error {
	data, err := s.DB.ExportMember(ctx, r.User.ID)
	if err != nil {
		return fmt.Errorf("members: export: %w", err)
	}
	body, err := json.MarshalIndent(data, "", "  ")
	if err != nil {
		return fmt.Errorf("members: export: %w", err)
	}
	_, err = r.Reply(ctx, handlers.Message{Document: &handlers.File{
		Name: "pobratim-mydata.json", Data: body, Caption: r.T("privacy.mydata", nil),
	}})
	return err
}

// ForgetMe asks for confirmation before deleting the member's data.
func (s *Service) ForgetMe(ctx context.Context, r *handlers.Request) error {
	_, err := r.Reply(ctx, handlers.Message{Text: r.T("privacy.confirm", nil), Buttons: [][]handlers.Button{handlers.Row(
		handlers.Button{Text: r.T("privacy.button.forget", nil), Data: callback.New(FeaturePrivacy, "forget")},
		handlers.Button{Text: r.T("privacy.button.keep", nil), Data: callback.New(FeaturePrivacy, "keep")},
	)}})
	return err
}

// PrivacyButton carries out or cancels /forgetme.
func (s *Service) PrivacyButton(ctx context.Context, r *handlers.Request) error {
	switch r.Callback.Data.Action {
	case "keep":
		return r.EditOrReply(ctx, handlers.Message{Text: r.T("privacy.kept_all", nil)})
	case "forget":
	default:
		return callback.ErrInvalid
	}
	if err := s.Dialogs.DeleteDialog(ctx, r.ChatID); err != nil {
		return err
	}
	kept, err := s.DB.ForgetMember(ctx, r.User.ID)
	if err != nil {
		return fmt.Errorf("members: forget: %w", err)
	}
	names := make([]string, 0, len(kept))
	for _, t := range kept {
		names = append(names, r.T("privacy.table."+t, nil))
	}
	text := r.T("privacy.forgotten", nil)
	if len(names) > 0 {
		text += "\n" + r.T("privacy.kept_anonymised", locales.Args{"List": strings.Join(names, ", ")})
	}
	return r.EditOrReply(ctx, handlers.Message{Text: text})
}
