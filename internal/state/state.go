// Package state holds the state a bot process keeps between questions, each
// part behind a small interface with a store in DATA_DIR (or in memory)
// here, and a shared one in PostgreSQL (internal/pgstore) for several
// processes: saved answers (AnswerStore, for Show sources and the vote
// buttons), followed threads (ThreadStore), per-member rate-limit windows
// (RateStore) and the moderators' audit log (AuditLog). statetest holds the
// cases every store passes.
package state
