// Package callback encodes and decodes the data carried by inline buttons.
//
// Button data has the form "feature:action:arg:arg…" and must fit Telegram's
// 1–64 byte limit. Data coming back from Telegram is user input: Parse
// validates it as strictly as Encode builds it, so a forged or mangled button
// is rejected rather than routed.
package callback

import (
	"errors"
	"fmt"
	"strings"
)

// MaxLen is Telegram's limit on callback_data, in bytes.
const MaxLen = 64

// ErrInvalid is returned for data that is not a well-formed button.
var ErrInvalid = errors.New("callback: invalid button data")

// Data is the decoded content of a button.
type Data struct {
	Feature string
	Action  string
	Args    []string
}

// New returns button data for feature and action with args.
func New(feature, action string, args ...string) Data {
	return Data{Feature: feature, Action: action, Args: args}
}

// Encode returns the wire form, or an error if a part has characters outside
// [A-Za-z0-9_.-] or the result exceeds MaxLen bytes.
func (d Data) Encode() (string, error) {
	parts := append([]string{d.Feature, d.Action}, d.Args...)
	if !nameOK(d.Feature) || !nameOK(d.Action) {
		return "", fmt.Errorf("%w: feature %q action %q", ErrInvalid, d.Feature, d.Action)
	}
	for _, a := range d.Args {
		if !argOK(a) {
			return "", fmt.Errorf("%w: argument %q", ErrInvalid, a)
		}
	}
	s := strings.Join(parts, ":")
	if len(s) > MaxLen {
		return "", fmt.Errorf("%w: %d bytes, limit %d", ErrInvalid, len(s), MaxLen)
	}
	return s, nil
}

// String is Encode for data known to be valid; it panics otherwise, which
// only a programming error can cause.
func (d Data) String() string {
	s, err := d.Encode()
	if err != nil {
		panic(err)
	}
	return s
}

// Arg returns argument i, or "" when there is none.
func (d Data) Arg(i int) string {
	if i < len(d.Args) {
		return d.Args[i]
	}
	return ""
}

// Parse decodes wire data, rejecting anything Encode could not have made.
func Parse(s string) (Data, error) {
	if s == "" || len(s) > MaxLen {
		return Data{}, ErrInvalid
	}
	parts := strings.Split(s, ":")
	if len(parts) < 2 || !nameOK(parts[0]) || !nameOK(parts[1]) {
		return Data{}, ErrInvalid
	}
	for _, a := range parts[2:] {
		if !argOK(a) {
			return Data{}, ErrInvalid
		}
	}
	d := Data{Feature: parts[0], Action: parts[1]}
	if len(parts) > 2 {
		d.Args = parts[2:]
	}
	return d, nil
}

func nameOK(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

func argOK(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}
