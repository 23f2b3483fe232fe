package pgstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
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
	return db.exec(ctx, "announce a knowledge change", `SELECT pg_notify($1, $2)`, db.channel, db.id)
}

// WatchKnowledgeChanges calls changed (from its own goroutine, one call at
// a time) for each knowledge change another process announces, until ctx
// ends. ready, when not nil, is called each time it starts listening. When
// the connection is lost it logs a warning and listens again, waiting
// longer each time (up to 30 s); a change announced meanwhile is missed, so
// after listening again it calls changed once to catch up.
func (db *DB) WatchKnowledgeChanges(ctx context.Context, changed func(), ready func()) {
	db.watch(ctx, db.channel, "knowledge changes", func(payload string) {
		if payload != db.id {
			changed()
		}
	}, func(first bool) {
		if ready != nil {
			ready()
		}
		if !first {
			changed()
		}
	})
}

// watch listens on channel (what names it in the log) until ctx ends,
// calling on with each notification's payload and listening (first: the
// first time) each time it starts listening, all from one goroutine, one
// call at a time. A lost connection is logged as a warning and listened
// again after a wait that grows up to 30 s.
func (db *DB) watch(ctx context.Context, channel, what string, on func(payload string), listening func(first bool)) {
	wait := time.Second
	for first := true; ctx.Err() == nil; first = false {
		err := db.listen(ctx, channel, what, on, func() {
			wait = time.Second
			listening(first)
		})
		if ctx.Err() != nil {
			return
		}
		db.log.Warn("not listening for "+what+" from other processes; retrying", "err", err, "wait", wait)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(wait*2, 30*time.Second)
	}
}

// listen holds one connection listening on channel until it fails or ctx
// ends.
func (db *DB) listen(ctx context.Context, channel, what string, on func(payload string), listening func()) error {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	ident := pgx.Identifier{channel}.Sanitize()
	if _, err := conn.Exec(ctx, "LISTEN "+ident); err != nil {
		return err
	}
	defer func() {
		// The connection goes back to the pool: stop listening on it.
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if _, err := conn.Exec(uctx, "UNLISTEN "+ident); err != nil {
			conn.Conn().Close(uctx)
		}
	}()
	db.log.Info("listening for " + what + " from other processes")
	listening()
	for {
		n, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			return err
		}
		on(n.Payload)
	}
}
