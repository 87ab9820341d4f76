// Package community keeps the Hội Khuyến học's community resources (issue 9, part 4) and the
// yearly emulation list of a work unit's staff (issue 9, part 5).
//
// Contributions (xã hội hoá) are gifts in money or in kind received by a commune's association
// from a person on record, a household, a clan, a business, an organisation or an anonymous
// donor, each for one purpose (scholarships, learning-centre equipment, prizes, the sponsorship
// of a programme, other), with a receipt printed as a PDF. Awards and scholarships given to a
// person draw on the contributions of one purpose's fund, and no fund may go below zero. Totals
// per commune and year feed the annual report (store.DB.ContributionTotals).
//
// Access: commune officers record and read their commune's contributions and awards; city
// officers read every commune's and the city's totals but record nothing; administrators do
// everything; collectors, unit officers, providers and citizens see none of it (a gift is the
// association's book-keeping, and a donor's identity is not a village matter). A nil principal
// is the command line, acting with the server's rights.
//
// The emulation list of a work unit (thi đua, đánh giá cán bộ) shows each person employed in a
// year with their Công dân học tập result that year and their learning record's yearly totals
// (read through learningrecord, not recomputed). The unit's officer, the officers of its commune
// and the city's officers see it.
package community
