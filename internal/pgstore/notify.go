package pgstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// processID tells this process's announcements from the others'.
func newProcessID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// AnnounceKnowledgeChange tells the other processes on this database that
// a moderator changed the shared knowledge folder (/refresh, /knowledge
// add|remove|restore), so that they re-read it.
func (db *DB) AnnounceKnowledgeChange(ctx context.Context) error {
	if _, err := db.pool.Exec(ctx, `SELECT pg_notify($1, $2)`, db.channel, db.id); err != nil {
		return fmt.Errorf("announce a knowledge change: %w", err)
	}
	return nil
}

// WatchKnowledgeChanges calls changed (from its own goroutine, one call at
// a time) for each knowledge change another process announces, until ctx
// ends. ready, when not nil, is called each time it starts listening. When
// the connection is lost it logs a warning and listens again, waiting
// longer each time (up to 30 s); a change announced meanwhile is missed, so
// after listening again it calls changed once to catch up.
func (db *DB) WatchKnowledgeChanges(ctx context.Context, changed func(), ready func()) {
	wait := time.Second
	for first := true; ctx.Err() == nil; first = false {
		err := db.listen(ctx, changed, func() {
			wait = time.Second
			if ready != nil {
				ready()
			}
			if !first {
				changed()
			}
		})
		if ctx.Err() != nil {
			return
		}
		db.log.Warn("not listening for knowledge changes from other processes; retrying", "err", err, "wait", wait)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(wait*2, 30*time.Second)
	}
}

// listen holds one connection listening until it fails or ctx ends.
func (db *DB) listen(ctx context.Context, changed, listening func()) error {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	channel := pgx.Identifier{db.channel}.Sanitize()
	if _, err := conn.Exec(ctx, "LISTEN "+channel); err != nil {
		return err
	}
	defer func() {
		// The connection goes back to the pool: stop listening on it.
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if _, err := conn.Exec(uctx, "UNLISTEN "+channel); err != nil {
			conn.Conn().Close(uctx)
		}
	}()
	db.log.Info("listening for knowledge changes from other processes")
	listening()
	for {
		n, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			return err
		}
		if n.Payload != db.id {
			changed()
		}
	}
}
