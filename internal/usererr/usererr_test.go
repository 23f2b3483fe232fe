package usererr_test

import (
	"errors"
	"fmt"
	"testing"

	"storybot/internal/usererr"
)

type custom struct{ msg string }

func (c custom) Error() string       { return "internal: " + c.msg }
func (c custom) UserMessage() string { return c.msg }

func TestMessage(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
		ok   bool
	}{
		{nil, "", false},
		{errors.New("disk full"), "", false},
		{usererr.Errorf("bad %s", "name"), "bad name", true},
		{fmt.Errorf("ask: %w", &usererr.Error{Msg: "too long"}), "too long", true},
		{fmt.Errorf("summary: %w", custom{"unknown document"}), "unknown document", true},
	} {
		got, ok := usererr.Message(tc.err)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Message(%v) = %q, %v; want %q, %v", tc.err, got, ok, tc.want, tc.ok)
		}
	}
}
