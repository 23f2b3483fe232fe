package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// Kind says what sort of interaction a Request is.
type Kind int

// Kinds of Request.
const (
	KindCommand      Kind = iota // a slash command
	KindComponent                // a button press
	KindAutocomplete             // typing in an autocompleted option
)

// Request is one interaction, reduced to what handlers need. Handlers read it
// and return a Response; they do no Discord I/O.
type Request struct {
	Kind Kind
	// Name is the command name, or for a component the action before the
	// first ':' of its custom ID ("src", "fb", "cancel").
	Name string
	// Sub is the subcommand name, "" when there is none.
	Sub string
	// Arg is the rest of a component's custom ID after "action:".
	Arg string
	// Options are the command's options by name (of the subcommand when Sub
	// is set).
	Options map[string]*discordgo.ApplicationCommandInteractionDataOption
	// Focused is the option being typed, for autocomplete.
	Focused string
	// Attachments are the files given in attachment options, by ID.
	Attachments map[string]*discordgo.MessageAttachment

	UserID    string
	UserName  string
	GuildID   string // "" in a DM
	ChannelID string
	ParentID  string // the parent channel when ChannelID is a thread the bot knows, else ""

	IsMember    bool  // false in a DM
	Permissions int64 // the member's permissions in the channel
	RoleIDs     []string

	// Message is the message a pressed button is on.
	Message *discordgo.Message
	// Interaction is the raw interaction, for the adapter.
	Interaction *discordgo.Interaction
}

// Attachment returns the file given in an attachment option, nil when
// absent.
func (r *Request) Attachment(name string) *discordgo.MessageAttachment {
	if o := r.Options[name]; o != nil && o.Type == discordgo.ApplicationCommandOptionAttachment {
		if id, ok := o.Value.(string); ok {
			return r.Attachments[id]
		}
	}
	return nil
}

// String returns a string option, "" when absent or of another type.
func (r *Request) String(name string) string {
	if o := r.Options[name]; o != nil && o.Type == discordgo.ApplicationCommandOptionString {
		if s, ok := o.Value.(string); ok {
			return s
		}
	}
	return ""
}

// Bool returns a boolean option, false when absent or of another type.
func (r *Request) Bool(name string) bool {
	if o := r.Options[name]; o != nil && o.Type == discordgo.ApplicationCommandOptionBoolean {
		b, _ := o.Value.(bool)
		return b
	}
	return false
}

// Message is one message the bot sends or edits.
type Message struct {
	Content    string
	Embeds     []*discordgo.MessageEmbed
	Components []discordgo.MessageComponent
}

// Output is where deferred work writes: the original response of an
// interaction, or a message in a channel or thread. Implementations are safe
// for concurrent use.
type Output interface {
	// Progress shows work in progress. Calls closer together than the edit
	// interval are coalesced: the latest wins.
	Progress(ctx context.Context, m Message)
	// Final replaces the progress with parts[0] and sends the other parts
	// after it. It returns the error of the first failed REST call.
	Final(ctx context.Context, parts []Message) error
	// Private replaces the progress with m, seen only by the asker where
	// the output can show it so (an interaction's), and returns the error
	// of the first failed REST call.
	Private(ctx context.Context, m Message) error
}

// Response is what a handler returns; the adapter sends it.
type Response struct {
	Message
	Ephemeral bool
	// Update, for a button, edits the message the button is on instead of
	// replying.
	Update bool
	// Choices answer an autocomplete request.
	Choices []*discordgo.ApplicationCommandOptionChoice
	// Deferred, when set, makes the adapter acknowledge the interaction at
	// once (a deferred response, ephemeral when Ephemeral is set) and then run
	// Deferred, which writes its result to out.
	Deferred func(ctx context.Context, out Output) error
}

// Handler answers one Request.
type Handler func(ctx context.Context, r *Request) (*Response, error)

// Middleware wraps a Handler.
type Middleware func(Handler) Handler

// Router routes requests to handlers by kind and name, through middleware:
// the router's own (applied to every route) and the route's.
type Router struct {
	mw     []Middleware
	routes map[routeKey]Handler
}

type routeKey struct {
	kind Kind
	name string
}

// NewRouter returns a router whose every route runs through mw, outermost
// first.
func NewRouter(mw ...Middleware) *Router {
	return &Router{mw: mw, routes: map[routeKey]Handler{}}
}

// Handle registers h for requests of kind named name, wrapped in mw.
func (rt *Router) Handle(kind Kind, name string, h Handler, mw ...Middleware) {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	rt.routes[routeKey{kind, name}] = h
}

// Serve answers r. An unknown command or button gets an ephemeral message
// saying so, not an error.
func (rt *Router) Serve(ctx context.Context, r *Request) (*Response, error) {
	h, ok := rt.routes[routeKey{r.Kind, r.Name}]
	if !ok {
		h = func(ctx context.Context, r *Request) (*Response, error) {
			switch r.Kind {
			case KindAutocomplete:
				return &Response{}, nil
			case KindComponent:
				return ephemeral("That button no longer works. Ask again with /ask."), nil
			}
			return ephemeral(fmt.Sprintf("I don't know the command /%s. It may be out of date; try /help.", r.Name)), nil
		}
	}
	for i := len(rt.mw) - 1; i >= 0; i-- {
		h = rt.mw[i](h)
	}
	return h(ctx, r)
}

func ephemeral(content string) *Response {
	return &Response{Message: Message{Content: content}, Ephemeral: true}
}

// newRequest reduces an interaction to a Request.
func newRequest(i *discordgo.Interaction) *Request {
	r := &Request{Interaction: i, GuildID: i.GuildID, ChannelID: i.ChannelID, Message: i.Message}
	switch {
	case i.Member != nil && i.Member.User != nil:
		r.IsMember = true
		r.UserID, r.UserName = i.Member.User.ID, i.Member.User.Username
		r.Permissions = i.Member.Permissions
		r.RoleIDs = i.Member.Roles
	case i.User != nil:
		r.UserID, r.UserName = i.User.ID, i.User.Username
	}
	switch i.Type {
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete:
		d, _ := i.Data.(discordgo.ApplicationCommandInteractionData)
		r.Kind = KindCommand
		if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
			r.Kind = KindAutocomplete
		}
		r.Name = d.Name
		if d.Resolved != nil {
			r.Attachments = d.Resolved.Attachments
		}
		opts := d.Options
		if len(opts) == 1 && (opts[0].Type == discordgo.ApplicationCommandOptionSubCommand || opts[0].Type == discordgo.ApplicationCommandOptionSubCommandGroup) {
			r.Sub = opts[0].Name
			opts = opts[0].Options
		}
		r.Options = map[string]*discordgo.ApplicationCommandInteractionDataOption{}
		for _, o := range opts {
			r.Options[o.Name] = o
			if o.Focused {
				r.Focused = o.Name
			}
		}
	case discordgo.InteractionMessageComponent:
		d, _ := i.Data.(discordgo.MessageComponentInteractionData)
		r.Kind = KindComponent
		r.Name, r.Arg, _ = strings.Cut(d.CustomID, ":")
	default:
		r.Kind = -1
	}
	return r
}
