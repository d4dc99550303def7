package bot

import (
	"context"
	"fmt"

	"github.com/pobratim/pobratim/store"

	"github.com/pobratim/pobratim/handlers"
	"github.com/pobratim/pobratim/handlers/agreements"
	"github.com/pobratim/pobratim/handlers/broadcasts"
	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/handlers/meetings"
	"github.com/pobratim/pobratim/handlers/members"
	"github.com/pobratim/pobratim/handlers/partners"
	"github.com/pobratim/pobratim/handlers/practices"
)

// features are the use cases the bot serves.
type features struct {
	members    *members.Service
	partners   *partners.Service
	meetings   *meetings.Service
	agreements *agreements.Service
	practices  *practices.Service
	broadcasts *broadcasts.Service
}

func (b *Bot) features() features {
	f := features{
		members: &members.Service{DB: b.deps.DB, Dir: b.deps.Directory, Dialogs: b.deps.State, Now: b.opts.Now,
			BotUsername: func() string { return b.username }},
		partners: &partners.Service{Dir: b.deps.Directory, DB: b.deps.DB, Now: b.opts.Now},
		meetings: &meetings.Service{DB: b.deps.DB, Dir: b.deps.Directory, Dialogs: b.deps.State, Out: b.sender,
			Text: b.deps.Catalog, Leads: b.opts.ReminderLeads, Now: b.opts.Now, Wake: b.jobs.Wake, Log: b.log},
	}
	f.meetings.RegisterJobs(b.jobs)
	f.agreements = &agreements.Service{DB: b.deps.DB, Dir: b.deps.Directory, Dialogs: b.deps.State,
		Files: &Files{api: b.api, client: b.opts.HTTPClient}, Out: b.sender, Text: b.deps.Catalog,
		Now: b.opts.Now, Wake: b.jobs.Wake, Log: b.log}
	f.agreements.RegisterJobs(b.jobs)
	f.practices = &practices.Service{DB: b.deps.DB, Dir: b.deps.Directory, Dialogs: b.deps.State, Now: b.opts.Now,
		Visit: f.meetings.Visit, Text: b.deps.Catalog, WakeOutbox: b.outbox.Wake, Log: b.log}
	f.practices.RegisterJobs(b.jobs)
	f.partners.Practices = f.practices
	f.broadcasts = &broadcasts.Service{DB: b.deps.DB, Dir: b.deps.Directory, Dialogs: b.deps.State, Out: b.sender,
		Text: b.deps.Catalog, Now: b.opts.Now, Approval: b.opts.BroadcastApproval, Wake: b.outbox.Wake, Log: b.log,
		Leads: b.opts.ReminderLeads, WakeJobs: b.jobs.WakeFor}
	f.broadcasts.RegisterJobs(b.jobs)
	f.members.OnJoined = func(ctx context.Context, r *handlers.Request, m store.Member) error {
		return f.partners.DeliverPending(ctx, r, m)
	}
	return f
}

// router maps commands, button features and dialog flows to handlers.
type router struct {
	commands  map[string]handlers.HandlerFunc
	requires  map[string]store.Role           // the least role a command needs
	callbacks map[string]handlers.HandlerFunc // by callback feature
	flows     map[string]handlers.HandlerFunc // by dialog flow
	document  handlers.HandlerFunc            // a file a person sent
	photo     handlers.HandlerFunc            // a photo outside any dialog
	fileFlows map[string]bool                 // dialog flows that take a file as an answer
	unknown   handlers.HandlerFunc
	fallback  handlers.HandlerFunc
	menu      []handlers.Command
}

// newRouter lists every command, button prefix and dialog in one place.
func newRouter(f features) *router {
	rt := &router{
		commands:  map[string]handlers.HandlerFunc{},
		requires:  map[string]store.Role{},
		callbacks: map[string]handlers.HandlerFunc{},
		flows:     map[string]handlers.HandlerFunc{},
		fileFlows: map[string]bool{},
		unknown:   f.members.Unknown,
		fallback:  f.members.Fallback,
	}
	cmd := func(name, description string, menu bool, role store.Role, h handlers.HandlerFunc) {
		rt.commands[name] = h
		rt.requires[name] = role
		rt.menu = append(rt.menu, handlers.Command{Name: name, DescriptionID: description, Menu: menu, Role: role})
	}
	anyone, member, coordinator, admin := store.RoleNewcomer, store.RoleMember, store.RoleCoordinator, store.RoleAdmin
	cmd("start", "command.start", true, anyone, f.members.Start)
	cmd("help", "command.help", true, anyone, f.members.Help)
	cmd("language", "command.language", true, anyone, f.members.Language)
	cmd("partners", "command.partners", true, anyone, f.partners.Partners)
	cmd("city", "command.city", true, anyone, f.partners.City)
	cmd("municipality", "command.municipality", true, anyone, f.members.Municipality)
	cmd("interests", "command.interests", true, member, f.partners.Interests)
	cmd("members", "command.members", true, member, f.members.Members)
	cmd("mydata", "command.mydata", true, anyone, f.members.MyData)
	cmd("forgetme", "command.forgetme", false, anyone, f.members.ForgetMe)
	cmd("about", "command.about", true, anyone, f.partners.About)
	cmd("invite", "command.invite", false, coordinator, f.members.Invite)
	cmd("grant", "command.grant", false, admin, f.members.Grant)
	cmd("revoke", "command.revoke", false, admin, f.members.Revoke)
	cmd("audit", "command.audit", false, admin, f.members.Audit)
	cmd("visit", "meetings.command.visit", true, member, f.meetings.Visit)
	cmd("meetings", "meetings.command.meetings", true, member, f.meetings.Meetings)
	cmd("timezone", "meetings.command.timezone", true, member, f.meetings.TimeZone)
	cmd("reminders", "meetings.command.reminders", true, member, f.meetings.Reminders)
	cmd("digest", "meetings.command.digest", false, member, f.meetings.Digest)
	cmd("agreements", "command.agreements", true, anyone, f.agreements.Agreements)
	cmd("agreement", "command.agreement", false, anyone, f.agreements.Agreement)
	cmd("practices", "command.practices", true, anyone, f.practices.Practices)
	cmd("practice", "command.practice", true, member, f.practices.Practice)
	cmd("broadcast", "broadcast.command.broadcast", false, coordinator, f.broadcasts.Broadcast)
	cmd("mute", "broadcast.command.mute", true, member, f.broadcasts.Mute)
	cmd("forums", "forum.command.forums", true, member, f.broadcasts.Forums)
	cmd("newforum", "forum.command.newforum", false, coordinator, f.broadcasts.NewForum)
	cmd("cancel", "command.cancel", true, anyone, f.members.Cancel)

	rt.callbacks[members.Feature] = f.members.SetLanguage
	rt.callbacks[members.FeatureJoin] = f.members.JoinButton
	rt.callbacks[members.FeatureInvite] = f.members.InviteButton
	rt.callbacks[members.FeatureMembers] = f.members.MembersButton
	rt.callbacks[members.FeaturePrivacy] = f.members.PrivacyButton
	rt.callbacks[partners.FeaturePartners] = f.partners.PartnersButton
	rt.callbacks[partners.FeatureCity] = f.partners.CityButton
	rt.callbacks[partners.FeatureInterests] = f.partners.InterestsButton
	rt.callbacks[partners.FeatureProposal] = f.partners.ProposalButton

	rt.callbacks[meetings.FeatureVisit] = f.meetings.VisitButton
	rt.callbacks[meetings.FeatureMeeting] = f.meetings.MeetingButton
	rt.callbacks[meetings.FeatureSettings] = f.meetings.SettingsButton

	rt.callbacks[agreements.Feature] = f.agreements.Button
	rt.callbacks[agreements.FeaturePick] = f.agreements.PickButton
	rt.callbacks[agreements.FeatureList] = f.agreements.ListPick
	rt.document = f.agreements.Upload
	rt.photo = f.agreements.Picture

	rt.callbacks[practices.FeatureList] = f.practices.ListButton
	rt.callbacks[practices.FeaturePractice] = f.practices.PracticeButton

	rt.flows[members.FlowJoin] = f.members.JoinStep
	rt.flows[agreements.FlowDraft] = f.agreements.Answer
	rt.flows[meetings.FlowVisit] = f.meetings.DialogText
	rt.flows[meetings.FlowMove] = f.meetings.DialogText
	rt.flows[practices.FlowNew] = f.practices.NewStep
	rt.flows[practices.FlowEdit] = f.practices.EditStep
	rt.fileFlows[practices.FlowNew], rt.fileFlows[practices.FlowEdit] = true, true

	rt.callbacks[broadcasts.FeatureCompose] = f.broadcasts.Button
	rt.callbacks[broadcasts.FeatureControl] = f.broadcasts.ControlButton
	rt.callbacks[broadcasts.FeatureForum] = f.broadcasts.ForumButton
	rt.flows[broadcasts.FlowCompose] = f.broadcasts.DialogInput
	rt.fileFlows[broadcasts.FlowCompose] = true

	f.members.Commands = rt.menu
	return rt
}

// route picks the handler for a Request: its command, its button's feature,
// the step of the chat's active dialog, or the fallback.
func (rt *router) route(ctx context.Context, r *handlers.Request, dialogs handlers.Dialogs) (handlers.HandlerFunc, error) {
	switch {
	case r.Command != "":
		h, ok := rt.commands[r.Command]
		if !ok {
			return rt.unknown, nil
		}
		if !r.Member.AtLeast(rt.requires[r.Command]) {
			return nil, handlers.ErrForbidden
		}
		return h, nil
	case r.Callback != nil:
		if h, ok := rt.callbacks[r.Callback.Data.Feature]; ok {
			return h, nil
		}
		return nil, callback.ErrInvalid
	case r.Document != nil && rt.document != nil:
		// A file answers the active dialog when its flow takes files;
		// otherwise it is an upload. Without the state store it is an
		// upload too.
		if d, active, err := dialogs.GetDialog(ctx, r.ChatID); err == nil && active && rt.fileFlows[d.Flow] {
			return rt.flows[d.Flow], nil
		}
		return rt.document, nil
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
	if r.Photo != nil && rt.photo != nil {
		return rt.photo, nil
	}
	return rt.fallback, nil
}
