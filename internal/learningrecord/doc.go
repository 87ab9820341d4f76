// Package learningrecord keeps each person's learning record (sổ học tập suốt đời): a timeline
// of the completions providers confirm (table completions), the learning activities the person
// declares (reading, clubs, talks, online courses, training at work, other) with an optional
// evidence file, and their digital-skills results (a self-assessment against the QĐ
// 757/QĐ-BKHCN framework of package digitalskills, and confirmations imported from other
// platforms), with yearly totals of hours by kind.
//
// Korea's Lifelong Learning Account is the model (anchors.md §2.1): what a provider confirms
// is official; what a person declares is marked self-declared until a collector of the village
// or a commune officer confirms it, or rejects it with a reason. Singapore's SkillsFuture is the
// warning (4,400 false claims for one course): self-declared claims are checked. The review page
// flags unusually many hours (a day or a year), the same file used by many people, activities
// dated in the future or outside the year, and draws a random but reproducible sample of each
// village's self-declared items every year (Rules.CheckActivities, Rules.Sample).
//
// Items flow into the Công dân học tập self-assessment as evidence: ItemsForYear lists a
// person's items of a year with the indicators each supports (Rules, rules.json, assumed), and
// the store attaches them to an assessment (store.Tx.AttachLearningItem).
//
// Like the other services, every method checks the caller's grants (auth.Principal) before it
// touches the store; a nil principal is the command line, acting with the server's own rights.
package learningrecord
