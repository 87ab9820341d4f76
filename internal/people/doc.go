// Package people holds pure rules about persons: the 12-digit personal ID
// number (số định danh cá nhân, printed on the CCCD), and the normalisation,
// folding and collation of Vietnamese names.
//
// Nothing here touches a database or the network; every function is a plain
// function of its arguments, so callers pass "today" explicitly.
package people
