// Package digitalskills holds the basic digital-skills framework (khung kiến thức, kỹ năng số cơ
// bản) of QĐ 757/QĐ-BKHCN of 29/4/2025 as data, and scores the short self-assessment a person
// takes against it on a phone: for each can-do statement "Tôi làm được", "Làm được khi có người
// giúp" or "Chưa làm được".
//
// Why data, not code: the official text of the framework has not been obtained. Only the name of
// skill group 0, "Sử dụng thiết bị và phần mềm trên thiết bị", is known (programme-rules §3.5,
// congdansobac.vn excerpt); the other groups, every can-do statement, the points of the answers
// and the level rule are our proposal, written in the spirit of the framework and of the six
// domains of TT 02/2025/TT-BGDĐT. Each value carries its provenance (Prov): "source" when it is
// stated in the document, "assumed" otherwise. A framework with any assumed value is Provisional
// and the pages say so; the official text replaces the embedded file without a change of code.
//
// The level rule is data too (Levels): a level is reached when the overall share of points and
// the share of every group reach its minimums. The package is pure: no database, no clock.
package digitalskills
