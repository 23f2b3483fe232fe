package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// newSession returns a discordgo session for opts.Token whose REST and
// gateway-discovery requests go to opts.APIURL through opts.HTTPClient. It
// does not connect.
func newSession(opts Options) (*discordgo.Session, error) {
	s, err := discordgo.New("Bot " + opts.Token)
	if err != nil {
		return nil, fmt.Errorf("bot: %w", err)
	}
	client := opts.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	c := *client
	next := client.Transport
	if next == nil {
		// Many answers stream at once: keep enough idle connections to the
		// API host that each edit does not dial anew.
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 64
		next = t
	}
	c.Transport = NewRewriteTransport(opts.APIURL, next)
	s.Client = &c
	s.UserAgent = "DiscordBot (https://github.com/storybot, 1) storybot"
	return s, nil
}

// portal is where a moderator fixes the bot's application settings.
const portal = "https://discord.com/developers/applications"

// connectError explains a failure to open the gateway in terms of what to
// change. Discord closes the socket with 4004 for a bad token and 4014 when
// a privileged intent (here Message Content) is not switched on.
func connectError(apiURL string, err error) error {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		switch ce.Code {
		case 4004:
			return tokenRejected("gateway close 4004, authentication failed")
		case 4014:
			return fmt.Errorf("bot: Discord refused the Message Content intent (gateway close 4014): on the Bot tab of %s, under Privileged Gateway Intents, turn on Message Content Intent, save, and start storybot again", portal)
		case 4013:
			return fmt.Errorf("bot: Discord refused the gateway intents (close 4013, invalid intents): %w", err)
		}
	}
	if isStatus(err, http.StatusUnauthorized) {
		return tokenRejected("HTTP 401")
	}
	return fmt.Errorf("bot: connect to Discord at %s: %w (check DISCORD_TOKEN, DISCORD_API_URL and the network)", apiURL, err)
}

// tokenRejected says what to do when Discord refuses DISCORD_TOKEN; how
// names the refusal ("HTTP 401", a gateway close code).
func tokenRejected(how string) error {
	return fmt.Errorf("bot: Discord rejected DISCORD_TOKEN (%s): reset the token on the Bot tab of %s and put the new one in .env", how, portal)
}

// Setup is what Discord's REST API says about the bot, for a preflight
// check before the first run.
type Setup struct {
	BotName   string // the bot user's name
	BotID     string
	AppID     string
	InviteURL string // the link that adds the bot to a server with the permissions it needs
	// MessageContent reports whether the application has the privileged
	// Message Content intent switched on; without it the bot cannot connect.
	MessageContent bool
	Guild          string // the name of the server DISCORD_GUILD_ID names; "" when unset
	// Problems each say what is wrong and how to fix it: an intent switched
	// off, a server the bot is not in, an allowed channel it cannot see.
	Problems []string
}

// Preflight checks, through Discord's REST API and without opening the
// gateway, that opts.Token is valid and that the application and server are
// set up as the bot needs: the Message Content intent, membership of
// opts.GuildID, and visibility of each of opts.AllowedChannelIDs. What it
// finds wrong goes into Setup.Problems; the error is for a token Discord
// rejects or a Discord it cannot reach, and says what to do. IDs are escaped
// as path segments, so a malformed one is asked about, not another path.
func Preflight(ctx context.Context, opts Options) (Setup, error) {
	if opts.Token == "" {
		return Setup{}, errors.New("bot: DISCORD_TOKEN is empty: set it to the bot token from the Bot tab of " + portal)
	}
	if opts.APIURL == "" {
		opts.APIURL = "https://discord.com"
	}
	s, err := newSession(opts)
	if err != nil {
		return Setup{}, err
	}
	s.ShouldRetryOnRateLimit = false
	s.MaxRestRetries = 0
	req := discordgo.WithContext(ctx)
	var st Setup
	u, err := s.User("@me", req)
	if err != nil {
		return st, restError(opts.APIURL, "read the bot user", err)
	}
	st.BotName, st.BotID = userName(u), u.ID
	app, err := applicationAtMe(ctx, s)
	if err != nil {
		return st, restError(opts.APIURL, "read the application", err)
	}
	st.AppID = app.ID
	st.InviteURL = InviteURL(app.ID)
	const contentFlags = 1<<18 | 1<<19 // GATEWAY_MESSAGE_CONTENT, GATEWAY_MESSAGE_CONTENT_LIMITED
	st.MessageContent = app.Flags&contentFlags != 0
	if !st.MessageContent {
		st.Problems = append(st.Problems, "the Message Content intent is off, so Discord will refuse the connection: on the Bot tab of "+portal+", under Privileged Gateway Intents, turn on Message Content Intent and save")
	}
	if opts.GuildID != "" {
		g, err := s.Guild(url.PathEscape(opts.GuildID), req)
		switch {
		case err == nil:
			st.Guild = g.Name
		case isStatus(err, http.StatusNotFound, http.StatusForbidden):
			st.Problems = append(st.Problems, fmt.Sprintf("the bot is not in the server DISCORD_GUILD_ID=%s: invite it with %s (or fix the ID: right-click the server icon, Copy Server ID)", opts.GuildID, st.InviteURL))
		default:
			return st, restError(opts.APIURL, "read the server "+opts.GuildID, err)
		}
	}
	for _, id := range opts.AllowedChannelIDs {
		_, err := s.Channel(url.PathEscape(id), req)
		switch {
		case err == nil:
		case isStatus(err, http.StatusNotFound, http.StatusForbidden):
			st.Problems = append(st.Problems, fmt.Sprintf("ALLOWED_CHANNEL_IDS: the bot cannot see channel %s: check the ID (right-click the channel, Copy Channel ID) and that the bot's role has View Channel there", id))
		default:
			return st, restError(opts.APIURL, "read the channel "+id, err)
		}
	}
	return st, nil
}

// applicationAtMe reads GET /oauth2/applications/@me (discordgo's
// Session.Application takes no context).
func applicationAtMe(ctx context.Context, s *discordgo.Session) (*discordgo.Application, error) {
	var app discordgo.Application
	body, err := s.RequestWithBucketID("GET", discordgo.EndpointOAuth2Application("@me"), nil, discordgo.EndpointOAuth2Application(""), discordgo.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(body, &app); err != nil {
		return nil, fmt.Errorf("bot: the application from Discord is not valid JSON: %w", err)
	}
	return &app, nil
}

func isStatus(err error, codes ...int) bool {
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Response == nil {
		return false
	}
	for _, c := range codes {
		if re.Response.StatusCode == c {
			return true
		}
	}
	return false
}

func restError(apiURL, what string, err error) error {
	if isStatus(err, http.StatusUnauthorized) {
		return tokenRejected("HTTP 401")
	}
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil {
		return fmt.Errorf("bot: %s: Discord answered HTTP %d", what, re.Response.StatusCode)
	}
	return fmt.Errorf("bot: %s at %s: %w (check DISCORD_API_URL and the network)", what, apiURL, err)
}
