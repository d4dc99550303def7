package telegramtest

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"
)

// commandKey identifies a command list: Telegram keeps one per scope and language.
type commandKey struct {
	scope string // canonical JSON of the scope
	lang  string
}

// CommandSet is the command list the bot set for one scope and language.
type CommandSet struct {
	Scope        string // the scope as canonical JSON, e.g. {"type":"default"}
	LanguageCode string // empty for all languages
	Commands     []models.BotCommand
}

const defaultScope = `{"type":"default"}`

var (
	commandName  = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)
	languageCode = regexp.MustCompile(`^[a-z]{2}$`)
	scopeTypes   = map[string]bool{
		"default": true, "all_private_chats": true, "all_group_chats": true,
		"all_chat_administrators": true, "chat": true, "chat_administrators": true,
		"chat_member": true,
	}
)

// canonicalScope checks a BotCommandScope and returns it as JSON with sorted keys, so
// equal scopes compare equal.
func canonicalScope(raw string) (string, *apiError) {
	if strings.TrimSpace(raw) == "" {
		return defaultScope, nil
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil {
		return "", badRequest("can't parse BotCommandScope JSON object")
	}
	t, _ := m["type"].(string)
	if !scopeTypes[t] {
		return "", badRequest("wrong parameter scope")
	}
	if (t == "chat" || t == "chat_administrators" || t == "chat_member") && m["chat_id"] == nil {
		return "", badRequest("chat_id is empty")
	}
	if t == "chat_member" && m["user_id"] == nil {
		return "", badRequest("user_id is empty")
	}
	out, _ := json.Marshal(m)
	return string(out), nil
}

// commandTarget reads the scope and language_code of a command call.
func commandTarget(req *request) (commandKey, *apiError) {
	scope, e := canonicalScope(req.str("scope"))
	if e != nil {
		return commandKey{}, e
	}
	lang := req.str("language_code")
	if lang != "" && !languageCode.MatchString(lang) {
		return commandKey{}, badRequest("invalid language code specified")
	}
	return commandKey{scope: scope, lang: lang}, nil
}

func (s *Server) setMyCommands(req *request) (any, *apiError) {
	key, e := commandTarget(req)
	if e != nil {
		return nil, e
	}
	var cmds []models.BotCommand
	if err := json.Unmarshal([]byte(req.str("commands")), &cmds); err != nil {
		return nil, badRequest("can't parse commands JSON object")
	}
	if len(cmds) > 100 {
		return nil, badRequest("BOT_COMMANDS_TOO_MUCH")
	}
	for _, c := range cmds {
		if !commandName.MatchString(c.Command) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if n := utf8.RuneCountInString(strings.TrimSpace(c.Description)); n < 1 || n > 256 {
			return nil, badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
		}
	}
	if len(cmds) == 0 {
		delete(s.commands, key)
	} else {
		s.commands[key] = cmds
	}
	return true, nil
}

func (s *Server) deleteMyCommands(req *request) (any, *apiError) {
	key, e := commandTarget(req)
	if e != nil {
		return nil, e
	}
	delete(s.commands, key)
	return true, nil
}

func (s *Server) getMyCommands(req *request) (any, *apiError) {
	key, e := commandTarget(req)
	if e != nil {
		return nil, e
	}
	cmds := s.commands[key]
	if cmds == nil {
		cmds = []models.BotCommand{}
	}
	return cmds, nil
}

// Commands returns the commands the bot set for the default scope and a language
// code ("" for all languages), or nil.
func (s *Server) Commands(languageCode string) []models.BotCommand {
	return s.CommandsFor(nil, languageCode)
}

// CommandsFor returns the commands the bot set for a scope (nil for the default one)
// and a language code, or nil.
func (s *Server) CommandsFor(scope models.BotCommandScope, languageCode string) []models.BotCommand {
	raw := ""
	if scope != nil {
		b, err := scope.MarshalCustom()
		if err != nil {
			return nil
		}
		raw = string(b)
	}
	key, e := canonicalScope(raw)
	if e != nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.commands[commandKey{scope: key, lang: languageCode}])
}

// CommandSets returns every command list the bot has set, ordered by scope and
// language.
func (s *Server) CommandSets() []CommandSet {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]CommandSet, 0, len(s.commands))
	for k, v := range s.commands {
		out = append(out, CommandSet{Scope: k.scope, LanguageCode: k.lang, Commands: slices.Clone(v)})
	}
	slices.SortFunc(out, func(a, b CommandSet) int {
		if c := strings.Compare(a.Scope, b.Scope); c != 0 {
			return c
		}
		return strings.Compare(a.LanguageCode, b.LanguageCode)
	})
	return out
}

// webhookState is what setWebhook recorded.
type webhookState struct {
	url            string
	secret         string
	maxConnections int
	allowed        []string
}

var secretToken = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

func (s *Server) setWebhook(req *request) (any, *apiError) {
	url := strings.TrimSpace(req.str("url"))
	secret := req.str("secret_token")
	if secret != "" && !secretToken.MatchString(secret) {
		return nil, badRequest("secret token contains unallowed characters")
	}
	var allowed []string
	if v := req.str("allowed_updates"); v != "" {
		if err := json.Unmarshal([]byte(v), &allowed); err != nil {
			return nil, badRequest("can't parse allowed updates")
		}
	}
	maxConn, _, e := req.int64Field("max_connections")
	if e != nil {
		return nil, e
	}
	if req.boolField("drop_pending_updates") {
		s.queue = nil
	}
	if url == "" {
		s.webhook = webhookState{}
		return true, nil
	}
	if maxConn == 0 {
		maxConn = 40
	}
	s.webhook = webhookState{url: url, secret: secret, maxConnections: int(maxConn), allowed: allowed}
	if s.poll != nil {
		// A long poll cannot go on once a webhook is set.
		close(s.poll.kicked)
		s.poll = nil
	}
	return true, nil
}

func (s *Server) deleteWebhook(req *request) (any, *apiError) {
	if req.boolField("drop_pending_updates") {
		s.queue = nil
	}
	s.webhook = webhookState{}
	return true, nil
}

func (s *Server) getWebhookInfo(*request) (any, *apiError) {
	info := models.WebhookInfo{URL: s.webhook.url, PendingUpdateCount: len(s.queue)}
	if s.webhook.url != "" {
		info.MaxConnections = s.webhook.maxConnections
		info.AllowedUpdates = s.webhook.allowed
	}
	return info, nil
}

// Webhook returns the URL and secret token the bot set with setWebhook; both are
// empty when no webhook is set.
func (s *Server) Webhook() (url, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhook.url, s.webhook.secret
}
