// Package learning runs the lifelong-learning programmes of providers (issue 6, part 1):
// programmes and their sessions, published to a public catalogue; enrolment by the person or by
// an officer for them, with a waiting list served in order; attendance by a QR code that
// changes every minute, by a ticked list or by a file; completion by the programme's rule, with
// a PDF certificate whose QR code leads to a public verification page; and the providers' bulk
// import of completions (preview, per-row errors, one transaction, idempotent).
//
// As in the other services, pages and commands call the same methods, which check the
// caller's grants (auth.Principal) before touching the store; nil is the command line, acting
// with the server's own rights. The pure rules — the completion rule, the check-in token, the
// validation of a programme — are in rules.go, without a database.
//
// Why a QR code that changes every minute: SkillsFuture (Singapore) took attendance by QR code
// after 4,400 false claims for one course (shared/anchors.md §2.2). A code is an HMAC of the
// session and the minute under a key kept in the database (checkin_keys), valid for the current
// and the previous minute only; a photo of it sent to someone at home is useless a minute
// later, and each person counts once per session.
package learning
