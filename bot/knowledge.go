package bot

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"storybot/internal/library"
	"storybot/internal/usererr"

	"github.com/bwmarrin/discordgo"
)

// KnowledgeEditor changes the knowledge folder from Discord (/knowledge);
// *library.Library implements it. Refusals carry a user message
// (internal/usererr), which the moderator sees.
type KnowledgeEditor interface {
	AddFile(ctx context.Context, name string, data []byte, replace bool, who string) (library.Report, error)
	Remove(ctx context.Context, doc, who string) (library.Report, error)
	Restore(ctx context.Context, name, who string) (library.Report, error)
	Trash(ctx context.Context) ([]library.TrashItem, error)
}

// knowledgeCommand is /knowledge, for moderators.
func knowledgeCommand() *discordgo.ApplicationCommand {
	no := false
	mod := int64(discordgo.PermissionManageGuild)
	sub := func(name, desc string, opts ...*discordgo.ApplicationCommandOption) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommand, Name: name, Description: desc, Options: opts}
	}
	return &discordgo.ApplicationCommand{Name: "knowledge", Description: "Moderators: change the knowledge folder", DMPermission: &no,
		Contexts: &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild}, DefaultMemberPermissions: &mod,
		Options: []*discordgo.ApplicationCommandOption{
			sub("add", "Add a document (.md .txt .html .pdf .epub .docx .odt)",
				&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionAttachment, Name: "file", Description: "The document", Required: true},
				&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionBoolean, Name: "replace", Description: "Replace a document of the same name"}),
			sub("remove", "Move a document to the trash",
				&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "document", Description: "The document", Required: true, Autocomplete: true}),
			sub("restore", "Bring a document back from the trash",
				&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "item", Description: "The trash entry", Required: true, Autocomplete: true}),
			sub("list", "The documents, and what is in the trash"),
		}}
}

func (b *Bot) handleKnowledge(ctx context.Context, r *Request) (*Response, error) {
	ed := b.opts.Editor
	who := r.UserName + " (" + r.UserID + ")"
	report := func(f func(ctx context.Context) (library.Report, error)) *Response {
		return &Response{Ephemeral: true, Deferred: func(ctx context.Context, out Output) error {
			rep, err := f(ctx)
			if err != nil {
				return err
			}
			return out.Final(ctx, textParts(RenderRefresh(rep)))
		}}
	}
	// move is remove and restore: it moves name (logged as key) with do,
	// or asks for a name.
	move := func(key, name, ask string, do func(ctx context.Context, name, who string) (library.Report, error)) (*Response, error) {
		if name == "" {
			return nil, usererr.Errorf("%s", ask)
		}
		return report(func(ctx context.Context) (library.Report, error) {
			b.log.Info("knowledge "+r.Sub, "who", who, key, name)
			return do(ctx, name, who)
		}), nil
	}
	switch r.Sub {
	case "add":
		if err := checkOptions(r, "file", "replace"); err != nil {
			return nil, err
		}
		att := r.Attachment("file")
		if att == nil {
			return nil, usererr.Errorf("Attach the file to add.")
		}
		if b.opts.MaxUploadBytes > 0 && int64(att.Size) > b.opts.MaxUploadBytes {
			return nil, usererr.Errorf("%s is %d bytes; the limit is %d (MAX_UPLOAD_BYTES).", att.Filename, att.Size, b.opts.MaxUploadBytes)
		}
		replace := r.Bool("replace")
		return report(func(ctx context.Context) (library.Report, error) {
			data, err := b.download(ctx, att.URL)
			if err != nil {
				return library.Report{}, err
			}
			b.log.Info("knowledge add", "who", who, "file", att.Filename, "bytes", len(data), "replace", replace)
			return ed.AddFile(ctx, att.Filename, data, replace, who)
		}), nil
	case "remove":
		if err := checkOptions(r, "document"); err != nil {
			return nil, err
		}
		doc, err := b.resolveDoc(r.String("document"), true)
		if err != nil {
			return nil, err
		}
		return move("doc", doc, "Pick the document to remove (see /sources).", ed.Remove)
	case "restore":
		if err := checkOptions(r, "item"); err != nil {
			return nil, err
		}
		return move("item", strings.TrimSpace(r.String("item")), "Pick an entry of the trash (see /knowledge list).", ed.Restore)
	case "list":
		trash, err := ed.Trash(ctx)
		if err != nil {
			return nil, err
		}
		text := RenderCatalog(b.opts.Library.Current())
		if len(trash) > 0 {
			var sb strings.Builder
			sb.WriteString("\n\n**Trash** (restore with /knowledge restore)")
			for _, t := range trash {
				fmt.Fprintf(&sb, "\n• `%s` — removed %s", t.Doc, t.Removed.UTC().Format("2006-01-02 15:04 UTC"))
			}
			text += sb.String()
		}
		return ephemeral(Split(text, MaxMessageLen)[0]), nil
	}
	return nil, usererr.Errorf("/knowledge needs a subcommand: add, remove, restore or list.")
}

func (b *Bot) handleKnowledgeAutocomplete(ctx context.Context, r *Request) (*Response, error) {
	switch {
	case r.Sub == "remove" && r.Focused == "document":
		return b.handleDocAutocomplete(ctx, r)
	case r.Sub == "restore" && r.Focused == "item":
		trash, err := b.opts.Editor.Trash(ctx)
		if err != nil {
			return nil, err
		}
		typed := strings.ToLower(r.String("item"))
		var choices []*discordgo.ApplicationCommandOptionChoice
		for _, t := range trash {
			if len(t.Name) > 100 || (typed != "" && !strings.Contains(strings.ToLower(t.Name), typed)) {
				continue
			}
			choices = append(choices, &discordgo.ApplicationCommandOptionChoice{
				Name: truncate(t.Doc+" (removed "+t.Removed.UTC().Format("2006-01-02 15:04")+")", 100), Value: t.Name})
			if len(choices) == 25 {
				break
			}
		}
		return &Response{Choices: choices}, nil
	}
	return &Response{}, nil
}

// download fetches an uploaded attachment, at most MaxUploadBytes.
func (b *Bot) download(ctx context.Context, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("download attachment: %w", err)
	}
	client := http.DefaultClient
	if b.sess != nil && b.sess.Client != nil {
		client = b.sess.Client
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("download attachment: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.log.Warn("downloading an attachment failed", "status", resp.StatusCode)
		return nil, usererr.Errorf("I could not download the file (HTTP %d). Please upload it again.", resp.StatusCode)
	}
	limit := b.opts.MaxUploadBytes
	if limit <= 0 {
		limit = 10 << 20
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("download attachment: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, usererr.Errorf("The file is larger than %d bytes (MAX_UPLOAD_BYTES).", limit)
	}
	return data, nil
}
