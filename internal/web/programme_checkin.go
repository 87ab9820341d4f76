package web

import (
	"net/http"

	"hoctap/internal/fault"
	"hoctap/internal/learning"
	"hoctap/internal/store"
)

// CheckinView is the page a scanned QR code opens: a button to confirm, or why not.
type CheckinView struct {
	Base
	programmePage
	Token     string
	Checkin   learning.Checkin
	Problem   string
	Done      bool
	Completed *store.Completion
	// NotEnrolled: the code is good but the person has not enrolled; the page leads to the
	// programme rather than asking to scan again.
	NotEnrolled bool
}

func (s *Server) checkinShow(w http.ResponseWriter, r *http.Request) {
	v := CheckinView{Base: s.base(r, "checkin.title"), programmePage: s.pp(), Token: r.PathValue("token")}
	c, err := s.learning.CheckinInfo(r.Context(), principal(r), v.Token)
	if err != nil {
		v.Checkin = c // the programme, when the code was good: a person not enrolled is sent to it
		s.checkinProblem(w, r, v, err)
		return
	}
	v.Checkin, v.Done = c, c.Already
	s.render(w, r, http.StatusOK, "checkin", v)
}

func (s *Server) checkinSubmit(w http.ResponseWriter, r *http.Request) {
	v := CheckinView{Base: s.base(r, "checkin.title"), programmePage: s.pp(), Token: r.PathValue("token")}
	c, done, err := s.learning.CheckIn(r.Context(), principal(r), v.Token)
	if err != nil {
		s.checkinProblem(w, r, v, err)
		return
	}
	v.Checkin, v.Done, v.Completed = c, true, done
	s.render(w, r, http.StatusOK, "checkin", v)
}

// checkinProblem shows why a code is refused, in words a person at the door understands.
func (s *Server) checkinProblem(w http.ResponseWriter, r *http.Request, v CheckinView, err error) {
	fe, ok := fault.As(err)
	if !ok || fault.KindOf(err) == fault.Internal {
		s.fail(w, r, err)
		return
	}
	v.Problem = v.T(fe.Key, fe.Args...)
	v.NotEnrolled = fe.Key == "checkin.not_enrolled" && v.Checkin.Programme.ID != 0
	status := http.StatusUnprocessableEntity
	switch fe.Kind {
	case fault.Forbidden:
		status = http.StatusForbidden
	case fault.Conflict:
		status = http.StatusConflict
	case fault.NotFound:
		status = http.StatusNotFound
	}
	s.render(w, r, status, "checkin", v)
}
