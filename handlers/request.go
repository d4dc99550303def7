// Package handlers holds Pobratim's use cases. A handler gets a Request — one
// thing a person did — and answers through the Request, never through the
// Telegram library: the transport in package bot builds Requests and delivers
// the Messages.
//
// Feature packages (members, partners, meetings, …) live below this one and
// share these types.
package handlers

import (
	"context"
	"log/slog"

	"github.com/pobratim/pobratim/handlers/callback"
	"github.com/pobratim/pobratim/locales"
	"github.com/pobratim/pobratim/store"
)

// HandlerFunc handles one Request. A returned error is answered by the one
// place that maps errors to localized replies (ErrorReply).
type HandlerFunc func(ctx context.Context, r *Request) error

// Sender delivers messages to Telegram chats.
type Sender interface {
	Send(ctx context.Context, chatID int64, m Message) (messageID int, err error)
	Edit(ctx context.Context, chatID int64, messageID int, m Message) error
}

// Translator renders localized text; *locales.Catalog is one.
type Translator interface {
	Text(lang, id string, args locales.Args) string
	Plural(lang, id string, count int, args locales.Args) string
}

// User is the Telegram user behind a Request, as Telegram describes them.
type User struct {
	ID           int64
	FirstName    string
	LastName     string
	Username     string
	LanguageCode string
}

// Callback is a pressed inline button.
type Callback struct {
	ID        string
	MessageID int
	Data      callback.Data
}

// Document is a file a person sent.
type Document struct {
	FileID   string
	Name     string
	MIMEType string
	Size     int64
}

// Contact is a phone number a person shared with the "share contact"
// button.
type Contact struct {
	Phone  string
	UserID int64 // whose contact it is; 0 when not a Telegram user
}

// Request is one thing a person did: a command, a text, a button press or a
// file.
type Request struct {
	UpdateID int64
	ChatID   int64
	ChatType string // "private", "group", "supergroup"
	User     User
	Member   store.Member
	Lang     string // the language to answer in: ru, be or en

	Command string // without the slash and bot name, lower-case; "" if not a command
	Args    string // the text after the command
	Text    string // the whole text (or a document's caption)
	HTML    string // Text with its formatting (bold, italics, links) as escaped Telegram HTML

	Callback *Callback
	Document *Document
	Photo    *Document // the largest size of a photo a person sent
	Contact  *Contact

	Log *slog.Logger

	out   Sender
	tr    Translator
	toast string
}

// NewRequest returns a Request that answers through out and renders text with
// tr. Only the transport and tests build Requests.
func NewRequest(out Sender, tr Translator) *Request {
	return &Request{out: out, tr: tr, Log: slog.Default()}
}

// T renders message id in the reader's language.
func (r *Request) T(id string, args locales.Args) string { return r.tr.Text(r.Lang, id, args) }

// N renders a plural message id for count in the reader's language.
func (r *Request) N(id string, count int, args locales.Args) string {
	return r.tr.Plural(r.Lang, id, count, args)
}

// Translator returns the translator, for rendering in another language (for
// example a message to another member).
func (r *Request) Translator() Translator { return r.tr }

// Reply sends m to the chat the Request came from.
func (r *Request) Reply(ctx context.Context, m Message) (int, error) {
	return r.out.Send(ctx, r.ChatID, m)
}

// ReplyText sends localized message id to the chat the Request came from.
func (r *Request) ReplyText(ctx context.Context, id string, args locales.Args) error {
	_, err := r.out.Send(ctx, r.ChatID, Message{Text: r.T(id, args)})
	return err
}

// SendTo sends m to another chat.
func (r *Request) SendTo(ctx context.Context, chatID int64, m Message) (int, error) {
	return r.out.Send(ctx, chatID, m)
}

// EditOrReply replaces the message whose button was pressed with m, or sends
// m when the Request is not a button press.
func (r *Request) EditOrReply(ctx context.Context, m Message) error {
	if r.Callback != nil && r.Callback.MessageID != 0 {
		return r.out.Edit(ctx, r.ChatID, r.Callback.MessageID, m)
	}
	_, err := r.out.Send(ctx, r.ChatID, m)
	return err
}

// Toast sets the short notice shown when a button press is answered.
func (r *Request) Toast(text string) { r.toast = text }

// ToastText returns the notice set by Toast.
func (r *Request) ToastText() string { return r.toast }

// Message is what the bot sends: HTML text (every interpolated value already
// escaped by the locales package), buttons, and optionally a file or a place
// on the map.
type Message struct {
	Text     string
	Buttons  [][]Button
	Document *File
	Location *Location
	// Keyboard, when set, replaces the keyboard under the input field; it
	// is ignored when Buttons are set.
	Keyboard *Keyboard
}

// Keyboard is a reply keyboard: buttons that type their text, or share the
// person's phone number. Remove hides the keyboard shown before.
type Keyboard struct {
	Rows   [][]KeyboardButton
	Remove bool
}

// KeyboardButton is one button of a reply keyboard.
type KeyboardButton struct {
	Text           string
	RequestContact bool
}

// Button is an inline button: it either carries callback data or opens a URL.
type Button struct {
	Text string
	Data callback.Data
	URL  string
}

// File is a document to send.
type File struct {
	Name    string
	Data    []byte
	Caption string // HTML, at most 1024 characters
	// FileID, when set, sends a file Telegram already has by its id
	// instead of Data.
	FileID string
	// Key, when set, names the content (a map of one place in one
	// language, say): the file Telegram keeps from the first upload under
	// a key is sent again by its id, without uploading Data.
	Key string
	// Draw, when set instead of Data, makes the content; it is called only
	// when there is no file under Key to send again.
	Draw func(ctx context.Context) ([]byte, error)
	// Photo sends the file as a photo rather than as a document.
	Photo bool
}

// Location is a point on the map.
type Location struct {
	Latitude, Longitude float64
}

// Row is a convenience for one row of buttons.
func Row(b ...Button) []Button { return b }

// Columns lays buttons out in rows of n, the last row taking what is left.
func Columns(buttons []Button, n int) [][]Button {
	var rows [][]Button
	for len(buttons) > n {
		rows = append(rows, buttons[:n:n])
		buttons = buttons[n:]
	}
	if len(buttons) > 0 {
		rows = append(rows, buttons)
	}
	return rows
}
