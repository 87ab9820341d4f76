// Package criteria reads, checks and applies a criteria set (bộ tiêu chí): the versioned list of
// competencies (năng lực), target groups (nhóm đối tượng) and indicators (chỉ số) against which
// a person scores a self-assessment (tự đánh giá) for a title such as Learning Citizen
// (Công dân học tập).
//
// Why the criteria are data, not code: they are issued by the Central Committee of Hội Khuyến học
// Việt Nam, not by the state, and they have already changed once (QĐ 244/QĐ-KHVN of 2022 was
// revised by QĐ 324/QĐ-KHVN of 25/10/2023). The per-group indicator texts of QĐ 324 have not been
// obtained, so the shipped set uses the 2020 draft and marks those texts "draft". A city officer
// loads the official texts as a new version of the set, without a release of the software.
//
// Every value in a set carries its provenance (Prov): "source" when it is stated in the issuing
// document, "draft", "assumed" or "unknown" otherwise. A set with any such value is Provisional,
// and the pages say so.
//
// The pass rule is QĐ 324/QĐ-KHVN's: a person is recognised at ≥ 80 points out of 100 with no
// indicator below 5 ("phải đạt từ 80 điểm trở lên; trong đó không có chỉ số điểm dưới 5"). It is
// kept in the set (PassRule) because the collective titles score differently.
//
// The digital-skills rule (DigitalRule) serves the KH 290/KH-UBND targets "có kỹ năng số" and
// "thành thạo kỹ năng số"; no source defines them for this programme, so the rule is an assumption
// awaiting sign-off by Hội Khuyến học Hà Nội (programme-rules §3.5).
//
// The package is pure: no database, no clock. Parse returns every problem of a file at once as
// fault.Errors, each with a JSON path and a message catalog key under "criteria.".
package criteria
