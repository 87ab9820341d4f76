package store

import (
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"hoctap/internal/fault"
)

// Classify gives an error from the database the kind of fault it is, by the engine's code,
// when it is no fault of the request: the database cannot be reached (fault.Unavailable) or
// its disk is full (fault.StorageFull). Any other error is returned unchanged. The web layer
// calls it on every error it turns into a page, so a stopped PostgreSQL or a full disk shows
// as "try again shortly" or "storage full", never as a generic internal error.
func Classify(err error) error {
	switch {
	case err == nil || fault.KindOf(err) != fault.Internal:
		return err
	case isStorageFull(err):
		return &fault.Error{Kind: fault.StorageFull, Key: "error.storage_full", Err: err}
	case isUnavailable(err):
		return &fault.Error{Kind: fault.Unavailable, Key: "error.db_unavailable", Err: err}
	}
	return err
}

// isStorageFull tells whether a write failed for want of disk space: SQLITE_FULL (the file or
// its journal could not grow), PostgreSQL's 53100 disk_full.
func isStorageFull(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "53100"
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		return sqErr.Code()&0xff == sqlite3.SQLITE_FULL // the primary code, whatever the extended one
	}
	return false
}

// isUnavailable tells whether the database could not be reached: no connection could be made
// (the server is stopped or restarting), the server ended the session (shutdown, crash,
// too many connections: SQLSTATE class 08, 57P01–57P03, 53300), the connection broke in the
// middle of a statement, or database/sql gave up on a connection that had died.
func isUnavailable(err error) bool {
	var connErr *pgconn.ConnectError
	if errors.As(err, &connErr) || errors.Is(err, driver.ErrBadConn) {
		return true
	}
	// pgconn's errors about the connection itself say whether a retry is safe; around a
	// network error or a cut stream they mean the server went away mid-statement.
	var pgconnErr interface{ SafeToRetry() bool }
	if errors.As(err, &pgconnErr) {
		var netErr *net.OpError
		if errors.As(err, &netErr) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return true
		}
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "57P01", "57P02", "57P03", "53300":
			return true
		}
		return strings.HasPrefix(pgErr.Code, "08")
	}
	return false
}
