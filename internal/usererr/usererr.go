// Package usererr is the one contract for errors whose message is safe to
// show the person who asked: any error with a method UserMessage() string.
// Domain packages return such errors for mistakes in a request; the
// adapters (Discord, console, CLI) show the message with Message and treat
// every other error as internal (logged, shown as an apology).
package usererr

import (
	"errors"
	"fmt"
)

// Messenger is an error that carries a message safe to show a user.
type Messenger interface {
	error
	UserMessage() string
}

// Error is a plain user error: Msg is shown as it is and says what to do.
type Error struct{ Msg string }

// Error returns Msg.
func (e *Error) Error() string { return e.Msg }

// UserMessage returns Msg.
func (e *Error) UserMessage() string { return e.Msg }

// Errorf returns an *Error with a formatted message.
func Errorf(format string, a ...any) error { return &Error{Msg: fmt.Sprintf(format, a...)} }

// Message returns the user message of the first error in err's chain that
// has one (see errors.As), and false when none has (err may be nil).
func Message(err error) (string, bool) {
	var m Messenger
	if errors.As(err, &m) {
		return m.UserMessage(), true
	}
	return "", false
}
