package bot_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"storybot/bot"
	"storybot/internal/feedback"
)

// A bot is built from the answer pipeline, the knowledge library (here
// hand-written fakes) and the summarizer, and runs until a signal arrives.
func ExampleNew() {
	lib := &fakeLibrary{}
	b, err := bot.New(bot.Options{
		Token:            os.Getenv("DISCORD_TOKEN"),
		APIURL:           "https://discord.com",
		GuildID:          os.Getenv("DISCORD_GUILD_ID"),
		RateLimitPerUser: 5,
		DataDir:          "./data",
		Asker:            streamingAsker(0),
		Library:          lib,
		Summarizer:       summarizerOver(lib),
		Feedback:         feedback.Open("./data"),
		Log:              slog.Default(),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	_ = b.Run // b.Run(ctx) serves until ctx ends, then shuts down gracefully.
	_ = ctx
}

// Split cuts a long answer for Discord's 2,000-character messages at
// sentence ends, never inside a citation marker.
func ExampleSplit() {
	for _, part := range bot.Split("Albania cut ties with Iran [1]. The attack came in July [2].", 40) {
		fmt.Printf("%q\n", part)
	}
	// Output:
	// "Albania cut ties with Iran [1]."
	// "The attack came in July [2]."
}
