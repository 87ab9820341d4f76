// Package adminunit knows Hà Nội's administrative units in the three eras the
// Learning Citizen programme (Công dân học tập 2021–2030) spans, and how the
// units of one era correspond to those of the next.
//
// The eras:
//
//   - [Era2020]: 30 districts and 579 communes (xã, phường, thị trấn), from the
//     arrangement of Resolution 895/NQ-UBTVQH14 (early 2020) until 2024-12-31.
//   - [Era2025Jan]: 30 districts and 526 communes, 2025-01-01 to 2025-06-30
//     (Resolution 1286/NQ-UBTVQH15).
//   - [Era2025Jul]: 126 communes (51 phường, 75 xã) directly under the city,
//     from 2025-07-01 (Resolution 1656/NQ-UBTVQH15, which also abolished the
//     district level).
//
// Codes are GSO codes (mã đơn vị hành chính) kept as zero-padded strings:
// "01" for the city, three digits for a district, five for a commune. A code
// is unique only within an era: when units merge, the new unit takes one of
// the old codes, usually with another name. "00235" is Phường Ngã Tư Sở in
// 2020, Phường Thịnh Quang in 2025-01 and Phường Đống Đa from 2025-07, and 103
// of the 126 current codes name a different unit than they did in 2025-01.
// Every lookup therefore takes an era, except [Map.Current] and
// [Map.Predecessors], which take a current (2025-07) code.
//
// # Links between eras
//
// 2020 → 2025-01: a commune whose status is kept or kept_renamed continues
// under the same code (a full link of weight 1). The successors of the 53
// abolished_merged communes are not in the data, so [Map.Successors] returns
// [ErrNoKnownSuccessor] for them.
//
// 2025-01 → 2025-07: from the mapping of Resolution 1656 (796 pairs). An old
// unit went wholly into one new unit (full) or was split among n = 2…5 new
// units (partial).
//
// Districts have no successor (the level was abolished); the city is its own
// successor in every era.
//
// # Weighting rule
//
// Forward weight of old unit X in new unit Y, fwd(X→Y): 1 when X went wholly
// into Y; 1/n when X was split among n new units, because no source gives how
// much of X went where. The forward weights of X sum to 1; for a 2020 unit
// they are multiplied along the chain 2020 → 2025-01 → 2025-07.
//
// Backward weight of old unit X in new unit Y, the share of Y that came from X:
//
//	bwd(X in Y) = pop(X)·fwd(X→Y) / Σ_{X' predecessor of Y} pop(X')·fwd(X'→Y)
//
// where pop(X) is the 2019 census population recorded for X's code in
// hanoi_population_communes_2019.csv. If any predecessor of Y has no recorded
// population, the weights of all Y's predecessors fall back to
// fwd(X→Y) / Σ fwd(X'→Y) (equal-share basis). The backward weights of Y sum
// to 1. Use forward weights to carry a count that belongs to an old unit
// (people, classes) onto new units, and backward weights to spread a figure
// known for a new unit over its old units.
//
// The 2019 population of a 2025-01 commune is the census figure for its code,
// which understates a commune that absorbed an abolished neighbour on
// 2025-01-01 (the data does not say which one did); the backward weights
// inherit that bias. Current (2025-07) communes have no 2019 population: their
// codes are reused from old units that were only a part of them.
//
// All data is embedded in the binary; [LoadHanoi] parses and validates it, and
// the returned [Map] is read-only and safe for concurrent use. Sources and
// licences are listed in data/README.md.
package adminunit
