package recognition_test

import (
	"testing"

	"hoctap/internal/auth"
	"hoctap/internal/evaluation"
	"hoctap/internal/fault"
)

// TestNobodyVerifiesThemself: a collector who is also a citizen of their own village may verify
// their neighbours but not their own self-assessment, nor may a commune officer appraise theirs.
func TestNobodyVerifiesThemself(t *testing.T) {
	w := newWorld(t)
	me, neighbour := w.resident(), w.resident()
	mine := w.advance(me, evaluation.StateSelfAssessed, scores(9))
	theirs := w.advance(neighbour, evaluation.StateSelfAssessed, scores(9))
	both := w.principal("Cán bộ kiêm người dân", auth.Grant{Role: auth.RoleCollector, ProvinceCode: province, CommuneCode: commune, VillageID: w.v1.ID})
	both.Grants = append(both.Grants, auth.Grant{Role: auth.RoleCitizen, ProvinceCode: province, CommuneCode: commune, CitizenID: me.ID})
	err := w.unchanged([]int64{mine.ID}, func() error { _, err := w.svc.Verify(w.ctx, both, mine.ID, nil); return err })
	wantKey(t, err, fault.Forbidden, "assessment.own_record")
	if _, err := w.svc.Verify(w.ctx, both, theirs.ID, nil); err != nil {
		t.Fatalf("verifying a neighbour: %v", err)
	}

	verified := w.advance(me, evaluation.StateVerified, nil)
	officer := w.principal("Cán bộ phường kiêm người dân", auth.Grant{Role: auth.RoleCommuneOfficer, ProvinceCode: province, CommuneCode: commune})
	officer.Grants = append(officer.Grants, auth.Grant{Role: auth.RoleCitizen, ProvinceCode: province, CommuneCode: commune, CitizenID: me.ID})
	err = w.unchanged([]int64{verified.ID}, func() error { return w.svc.Appraise(w.ctx, officer, verified.ID, true, "") })
	wantKey(t, err, fault.Forbidden, "assessment.own_record")
}
