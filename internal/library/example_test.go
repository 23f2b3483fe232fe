package library_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"storybot/internal/library"
)

func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "library-example-")
	defer os.RemoveAll(dir)
	root := filepath.Join(dir, "knowledge")
	os.MkdirAll(root, 0o755)
	os.WriteFile(filepath.Join(root, "albania.md"), []byte("# Albania cuts ties with Iran\n\nAlbania cut diplomatic ties with Iran in September 2022.\n"), 0o644)

	lib, err := library.Open(ctx, library.Options{Root: root, DataDir: filepath.Join(dir, "data")})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer lib.Close()
	fmt.Println("opened:", lib.LastReport().Added)

	// A moderator uploads a document; the refresh report comes back.
	rep, err := lib.AddFile(ctx, "attack.md", []byte("# The attack\n\nHackers hit Albanian government websites in July 2022.\n"), false, "moderator")
	fmt.Println("added:", rep.Added, "passages:", rep.Passages.Before, "→", rep.Passages.After, err)

	hits, _ := lib.Search(ctx, "government websites hackers", 1)
	fmt.Println("top hit:", hits[0].Passage.Doc)

	// Unsafe names are refused with a message for the user.
	_, err = lib.AddFile(ctx, "../escape.md", []byte("x"), false, "moderator")
	var ue *library.UserError
	fmt.Println("refused:", errors.As(err, &ue))
	// Output:
	// opened: [albania.md]
	// added: [attack.md] passages: 1 → 2 <nil>
	// top hit: attack.md
	// refused: true
}
