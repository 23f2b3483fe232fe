package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"storybot/internal/state"
	"storybot/internal/usererr"
)

// Apology is what a user sees when something failed that they cannot fix.
const Apology = "Sorry, something went wrong on my side. Please try again in a moment."

// userMessage returns what to show a user for err: its user message when it
// carries one (usererr.Message), else the apology.
func userMessage(err error) string {
	if msg, ok := usererr.Message(err); ok {
		return msg
	}
	return Apology
}

// errPanic is returned by Recover for a handler that panicked.
var errPanic = errors.New("handler panicked")

// Recover turns a panic in a handler into errPanic, logged with its stack.
func Recover(log *slog.Logger) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, r *Request) (resp *Response, err error) {
			defer func() {
				if p := recover(); p != nil {
					log.Error("handler panicked", "command", r.Name, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
					resp, err = nil, errPanic
				}
			}()
			return next(ctx, r)
		}
	}
}

// Logging logs each request with its outcome and duration.
func Logging(log *slog.Logger) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, r *Request) (*Response, error) {
			start := time.Now()
			resp, err := next(ctx, r)
			attrs := []any{"kind", r.Kind, "name", r.Name, "sub", r.Sub, "user", r.UserID, "guild", r.GuildID, "channel", r.ChannelID, "took", time.Since(start)}
			if err != nil {
				log.Warn("interaction failed", append(attrs, "err", err)...)
			} else {
				log.Debug("interaction", attrs...)
			}
			return resp, err
		}
	}
}

// GuildOnly answers requests from DMs (no member) with a message saying the
// bot works in servers.
func GuildOnly() Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, r *Request) (*Response, error) {
			if !r.IsMember || r.GuildID == "" {
				if r.Kind == KindAutocomplete {
					return &Response{}, nil
				}
				return ephemeral("I only work in a server's channels, not in direct messages."), nil
			}
			return next(ctx, r)
		}
	}
}

// AllowedChannels lets requests through only from the listed channels (a
// thread counts as its parent); an empty list allows every channel.
func AllowedChannels(ids []string) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, r *Request) (*Response, error) {
			if channelAllowed(ids, r.ChannelID, r.ParentID) {
				return next(ctx, r)
			}
			if r.Kind == KindAutocomplete {
				return &Response{}, nil
			}
			var where []string
			for _, id := range ids {
				where = append(where, "<#"+id+">")
			}
			return ephemeral("I only answer in " + strings.Join(where, ", ") + "."), nil
		}
	}
}

func channelAllowed(ids []string, channelID, parentID string) bool {
	return len(ids) == 0 || slices.Contains(ids, channelID) || (parentID != "" && slices.Contains(ids, parentID))
}

// moderatorPerms are the permissions that make a member a moderator.
const moderatorPerms = discordgo.PermissionManageGuild | discordgo.PermissionAdministrator

// IsModerator reports whether a member with these permissions and roles may
// run moderator commands: Manage Server (or Administrator), or one of roleIDs.
func IsModerator(perms int64, roles, roleIDs []string) bool {
	if perms&moderatorPerms != 0 {
		return true
	}
	for _, r := range roles {
		if slices.Contains(roleIDs, r) {
			return true
		}
	}
	return false
}

// ModeratorOnly lets only moderators through (see IsModerator); others get an
// ephemeral message saying what is needed. It is checked on every call,
// because server admins can override a command's default permissions.
func ModeratorOnly(roleIDs []string) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, r *Request) (*Response, error) {
			if r.IsMember && IsModerator(r.Permissions, r.RoleIDs, roleIDs) {
				return next(ctx, r)
			}
			if r.Kind == KindAutocomplete {
				return &Response{}, nil
			}
			need := "the Manage Server permission"
			if len(roleIDs) > 0 {
				need += " or a moderator role"
			}
			return ephemeral(fmt.Sprintf("Only moderators can use /%s: it needs %s.", r.Name, need)), nil
		}
	}
}

// RateLimit lets each user through at most lim.Allow times a window. It
// limits the work a handler defers (a question): the interaction is
// acknowledged first and the limit checked after, so that a shared store's
// round trip does not hold up the acknowledgement; a member over the limit
// then gets "try again in N s" instead of the answer, seen only by them
// (Output.Private). What a handler answers at once (a refusal, a
// validation error) is not counted.
func RateLimit(lim *Limiter) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, r *Request) (*Response, error) {
			resp, err := next(ctx, r)
			if err != nil || resp == nil || resp.Deferred == nil {
				return resp, err
			}
			work := resp.Deferred
			resp.Deferred = func(ctx context.Context, out Output) error {
				if ok, wait := lim.Allow(ctx, r.UserID); !ok {
					return out.Private(ctx, Message{Content: lim.Message(wait)})
				}
				return work(ctx, out)
			}
			return resp, nil
		}
	}
}

// Limiter is a per-user sliding-window rate limit, its windows in memory
// or in a store shared by the shards. The zero value is not usable; see
// NewLimiter. It is safe for concurrent use.
type Limiter struct {
	n      int
	window time.Duration
	now    func() time.Time
	store  state.RateStore
	shared bool
	log    *slog.Logger
	denied func() // called for each refusal; nil: nothing
}

// onDeny makes l call f (when not nil) for each event it refuses, and
// returns l.
func (l *Limiter) onDeny(f func()) *Limiter {
	l.denied = f
	return l
}

// sharedIn keeps l's windows in store (nil: memory) and returns l; a
// store that fails lets the event through and logs a warning.
func (l *Limiter) sharedIn(store state.RateStore, log *slog.Logger) *Limiter {
	if store != nil {
		l.store, l.shared, l.log = store, true, log
	}
	return l
}

// NewLimiter allows n events per user in each window; n ≤ 0 allows all. now
// is the clock (time.Now when nil).
func NewLimiter(n int, window time.Duration, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{n: n, window: window, now: now, store: state.NewRateMemory()}
}

// Allow records an event for user and reports whether it is within the
// limit; when not, it says how long until the next one is. When the shared
// store does not answer within rateTimeout the event is allowed.
func (l *Limiter) Allow(ctx context.Context, user string) (bool, time.Duration) {
	if l == nil || l.n <= 0 {
		return true, 0
	}
	if l.shared {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, rateTimeout)
		defer cancel()
	}
	ok, wait, err := l.store.Take(ctx, user, l.n, l.window, l.now())
	if err != nil {
		l.log.Warn("the shared rate limit is unreachable; letting the question through", "user", user, "err", err)
		return true, 0
	}
	if !ok && l.denied != nil {
		l.denied()
	}
	return ok, wait
}

// Message is the user-facing text for a refusal that must wait d.
func (l *Limiter) Message(d time.Duration) string {
	secs := int((d + time.Second - 1) / time.Second)
	if secs < 1 {
		secs = 1
	}
	return fmt.Sprintf("You have asked %d questions in the last minute. Please try again in %d s.", l.n, secs)
}
