package progress

import (
	"context"
	"strconv"

	"hoctap/internal/adminunit"
	"hoctap/internal/auth"
	"hoctap/internal/evaluation"
	"hoctap/internal/fault"
	"hoctap/internal/i18n"
	"hoctap/internal/measure"
	"hoctap/internal/report"
	"hoctap/internal/store"
)

// Translate gives a message of the catalog in the report's language.
type Translate func(key string, args ...any) string

// titleOrder is the order titles are reported in.
var titleOrder = []string{"learning_citizen", "learning_family", "learning_clan", "learning_community", "learning_community_commune", "learning_unit"}

// Annual builds the annual report of the city (to the body above it) or of a commune (to the
// city) for a year: the measures with targets, trends and forecasts, the units below ranked,
// the year's pipeline, the learning-city building blocks the system measures, the
// association officials not yet trained, and the community's contributions.
func (s *Service) Annual(ctx context.Context, pr *auth.Principal, r Request, lang string, tr Translate, titleName func(string) string) (report.Annual, error) {
	if r.Level == LevelVillage {
		return report.Annual{}, fault.ErrNotFound
	}
	d, err := s.Build(ctx, pr, r)
	if err != nil {
		return report.Annual{}, err
	}
	a := report.Annual{Lang: lang, Year: d.Year, Level: d.Level, UnitCode: d.Commune, UnitName: d.Name, GeneratedAt: s.DB.Now(),
		RankBy: d.Focus.Code, ReformYear: reformYear}
	if d.Level == LevelCity {
		a.UnitCode, a.ParentName = s.Units.Province().Code, tr("progress.report.to_city_above")
	} else {
		a.ParentName = s.Units.Province().Name
	}
	for _, row := range d.Rows {
		m := report.MeasureRow{Code: row.Measure.Code, Name: row.Measure.Name(lang), Numerator: int64(row.Num + 0.5), Denominator: int64(row.Den + 0.5), Value: row.Value}
		for _, t := range row.Targets {
			m.Targets = append(m.Targets, report.Target{Plan: t.Label, Year: t.Year, Value: t.Value})
		}
		for _, p := range row.Trend {
			m.Trend = append(m.Trend, report.Point{Year: p.Year, Value: p.Value})
		}
		if f := pick(row.Forecast, row.Outlook); f != nil && f.High-f.Low <= MaxBand {
			m.Forecast = &report.Forecast{Year: f.Year, Value: f.Value, Low: f.Low, High: f.High, Method: tr("progress.method." + f.Method)}
		}
		a.Measures = append(a.Measures, m)
	}
	for _, u := range d.Units {
		a.Units = append(a.Units, report.UnitRow{Code: u.Code, Name: u.Name, Values: u.Values, Rank: u.Rank})
	}
	for _, title := range titleOrder {
		for _, p := range d.Pipeline {
			if p.Title != title {
				continue
			}
			st := p.States
			a.Pipeline = append(a.Pipeline, report.PipelineRow{Title: titleName(title),
				Pledged: st[evaluation.StatePledged] + st[evaluation.StateReturned], SelfAssessed: st[evaluation.StateSelfAssessed],
				Verified: st[evaluation.StateVerified], Appraised: st[evaluation.StateAppraised], Recognised: st[evaluation.StateRecognised],
				NotRecognised: st[evaluation.StateNotRecognised] + st[evaluation.StateRevoked]})
		}
	}
	learning, err := s.DB.LearningYear(ctx, d.Year, d.Commune)
	if err != nil {
		return a, err
	}
	a.Blocks = blocks(d, learning, lang, tr)
	officials, err := s.DB.UntrainedOfficials(ctx, d.Commune)
	if err != nil {
		return a, err
	}
	for _, o := range officials {
		where := o.Village
		if d.Level == LevelCity {
			if u, err := s.Units.Current(o.CommuneCode); err == nil {
				where = u.Name + ", " + o.Village
			}
		}
		a.Untrained = append(a.Untrained, report.Official{Name: o.Name, Branch: o.Branch, Position: o.Position, Village: where})
	}
	totals, err := s.DB.ContributionTotals(ctx, d.Year, d.Commune)
	if err != nil {
		return a, err
	}
	for _, t := range totals {
		a.Contributions = append(a.Contributions, report.Contribution{Purpose: tr("contribution.purpose." + t.Purpose), Money: t.Money,
			InKindCount: int64(t.InKindCount), Contributors: int64(t.Contributors)})
	}
	a.Method = []string{tr("progress.method_counts"), tr("progress.method_reform"), tr("progress.method_forecast"), tr("progress.report.untrained_now")}
	if d.Level == LevelCity && d.Source == SourceSystem && d.OnSystem < len(d.Units) {
		a.Method = append(a.Method, tr("public.progress.coverage", strconv.Itoa(d.OnSystem), strconv.Itoa(len(d.Units)), strconv.Itoa(d.Year)))
	}
	if d.Source == SourceReported {
		a.Method = append(a.Method, tr("progress.reported_note"))
	}
	if d.Era == adminunit.Era2020 {
		a.Method = append(a.Method, tr("progress.report.units_of_the_time"))
	}
	return a, nil
}

func pick(fs ...*measure.Forecast) *measure.Forecast {
	for _, f := range fs {
		if f != nil {
			return f
		}
	}
	return nil
}

// blocks are the building blocks of a learning city (UNESCO GNLC) the system measures:
// families and communities, workplaces, technology, and learning for all.
func blocks(d *Dashboard, l store.LearningYear, lang string, tr Translate) []report.Block {
	value := map[string]string{}
	for _, row := range d.Rows {
		if row.Value == nil {
			value[row.Measure.Code] = tr("progress.no_data")
		} else {
			value[row.Measure.Code] = i18n.FormatDecimal(lang, *row.Value, 1) + "%"
		}
	}
	item := func(code string) report.BlockItem {
		for _, row := range d.Rows {
			if row.Measure.Code == code {
				return report.BlockItem{Name: row.Measure.Name(lang), Value: value[code]}
			}
		}
		return report.BlockItem{Name: code, Value: tr("progress.no_data")}
	}
	n := func(v int64) string { return i18n.FormatDecimal(lang, float64(v), 0) }
	hours := func(min int64) string { return i18n.FormatDecimal(lang, float64(min)/60, 0) }
	return []report.Block{
		{Name: tr("progress.block.families"), Items: []report.BlockItem{item("families"), item("clans"), item("communities"), item("cdht_adults")}},
		{Name: tr("progress.block.workplaces"), Items: []report.BlockItem{item("cdht_staff"), item("units")}},
		{Name: tr("progress.block.technology"), Items: []report.BlockItem{item("digital"), item("proficient"),
			{Name: tr("progress.block.digital_results", strconv.Itoa(d.Year)), Value: n(l.DigitalResults)},
			{Name: tr("progress.block.digital_confirmations", strconv.Itoa(d.Year)), Value: n(l.DigitalConfirmations)}}},
		{Name: tr("progress.block.learning"), Items: []report.BlockItem{
			{Name: tr("progress.block.completions", strconv.Itoa(d.Year)), Value: n(l.Completions)},
			{Name: tr("progress.block.learners", strconv.Itoa(d.Year)), Value: n(l.Learners)},
			{Name: tr("progress.block.hours", strconv.Itoa(d.Year)), Value: hours(l.Minutes + l.ActivityMinutes)},
			{Name: tr("progress.block.activities", strconv.Itoa(d.Year)), Value: n(l.Activities)}}},
	}
}
