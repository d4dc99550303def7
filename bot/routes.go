package bot

import (
	"context"
	"fmt"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/handlers/members"
	"github.com/pobratim/pobratim/handlers/partners"
)

// features are the use cases the bot serves.
type features struct {
	members  *members.Service
	partners *partners.Service
}

func (b *Bot) features() features {
	return features{
		members:  &members.Service{Store: b.deps.DB, Dialogs: b.deps.State, Now: b.opts.Now},
		partners: &partners.Service{Dir: b.deps.Directory, DB: b.deps.DB, Now: b.opts.Now},
	}
}

// router maps commands, button features and dialog flows to handlers.
type router struct {
	commands  map[string]handlers.HandlerFunc
	callbacks map[string]handlers.HandlerFunc // by callback feature
	flows     map[string]handlers.HandlerFunc // by dialog flow
	unknown   handlers.HandlerFunc
	fallback  handlers.HandlerFunc
	menu      []handlers.Command
}

// newRouter lists every command, button prefix and dialog in one place.
func newRouter(f features) *router {
	rt := &router{
		commands:  map[string]handlers.HandlerFunc{},
		callbacks: map[string]handlers.HandlerFunc{},
		flows:     map[string]handlers.HandlerFunc{},
		unknown:   f.members.Unknown,
		fallback:  f.members.Fallback,
	}
	cmd := func(name, description string, menu bool, h handlers.HandlerFunc) {
		rt.commands[name] = h
		rt.menu = append(rt.menu, handlers.Command{Name: name, DescriptionID: description, Menu: menu})
	}
	cmd("start", "command.start", true, f.members.Start)
	cmd("help", "command.help", true, f.members.Help)
	cmd("language", "command.language", true, f.members.Language)
	cmd("partners", "command.partners", true, f.partners.Partners)
	cmd("city", "command.city", true, f.partners.City)
	cmd("municipality", "command.municipality", true, f.partners.Municipality)
	cmd("interests", "command.interests", true, f.partners.Interests)
	cmd("about", "command.about", true, f.partners.About)
	cmd("cancel", "command.cancel", true, f.members.Cancel)

	rt.callbacks[members.Feature] = f.members.SetLanguage
	rt.callbacks[partners.FeaturePartners] = f.partners.PartnersButton
	rt.callbacks[partners.FeatureCity] = f.partners.CityButton
	rt.callbacks[partners.FeatureHome] = f.partners.HomeButton
	rt.callbacks[partners.FeatureInterests] = f.partners.InterestsButton
	rt.callbacks[partners.FeatureProposal] = f.partners.ProposalButton

	f.members.Commands = rt.menu
	return rt
}

// route picks the handler for a Request: its command, its button's feature,
// the step of the chat's active dialog, or the fallback.
func (rt *router) route(ctx context.Context, r *handlers.Request, dialogs handlers.Dialogs) (handlers.HandlerFunc, error) {
	switch {
	case r.Command != "":
		if h, ok := rt.commands[r.Command]; ok {
			return h, nil
		}
		return rt.unknown, nil
	case r.Callback != nil:
		if h, ok := rt.callbacks[r.Callback.Data.Feature]; ok {
			return h, nil
		}
		return nil, callback.ErrInvalid
	}
	d, active, err := dialogs.GetDialog(ctx, r.ChatID)
	if err != nil {
		return nil, fmt.Errorf("bot: load dialog: %w", err)
	}
	if active {
		if h, ok := rt.flows[d.Flow]; ok {
			return h, nil
		}
	}
	return rt.fallback, nil
}
