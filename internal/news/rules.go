package news

import (
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"hoctap/internal/fault"
)

// The kinds of item.
const (
	KindNews         = "news"
	KindAnnouncement = "announcement"
	KindCampaign     = "campaign" // e.g. "Tuần lễ hưởng ứng học tập suốt đời": shown while it runs
)

// Kinds lists the kinds in the order the form offers them.
var Kinds = []string{KindNews, KindAnnouncement, KindCampaign}

// The audiences of an item.
const (
	AudienceCity    = "city"    // the whole province
	AudienceCommune = "commune" // one commune's people
	AudienceUnit    = "unit"    // one work unit's staff, signed in
)

// Audiences lists them, widest first.
var Audiences = []string{AudienceCity, AudienceCommune, AudienceUnit}

// The states of an item: draft → published → withdrawn.
const (
	StateDraft     = "draft"
	StatePublished = "published"
	StateWithdrawn = "withdrawn"
)

// Limits of an item.
const (
	MaxTitle        = 200
	MaxSummary      = 500
	MaxBody         = 20000
	MaxImageBytes   = 5 << 20
	MaxImagesPerOne = 20
	MaxAlt          = 200
)

// Input is what an officer writes in the form.
type Input struct {
	Kind        string
	Audience    string
	CommuneCode string // for AudienceCommune
	WorkUnitID  int64  // for AudienceUnit
	Title       string
	Summary     string
	Body        string
	StartsOn    string // yyyy-mm-dd or ""
	EndsOn      string
}

// Validate lists every problem of the form at once. A campaign needs both dates; an end
// comes on or after the start.
func (in Input) Validate() error {
	var es fault.Errors
	if !oneOf(in.Kind, Kinds) {
		es.Add("kind", "news.kind.invalid")
	}
	switch in.Audience {
	case AudienceCity:
	case AudienceCommune:
		if in.CommuneCode == "" {
			es.Add("commune_code", "news.commune.required")
		}
	case AudienceUnit:
		if in.WorkUnitID == 0 {
			es.Add("work_unit_id", "news.unit.required")
		}
	default:
		es.Add("audience", "news.audience.invalid")
	}
	switch n := utf8.RuneCountInString(strings.TrimSpace(in.Title)); {
	case n == 0:
		es.Add("title", "news.title.required")
	case n > MaxTitle:
		es.Add("title", "news.title.too_long", MaxTitle)
	}
	if utf8.RuneCountInString(in.Summary) > MaxSummary {
		es.Add("summary", "news.summary.too_long", MaxSummary)
	}
	if strings.TrimSpace(in.Body) == "" && strings.TrimSpace(in.Summary) == "" {
		es.Add("body", "news.body.required")
	}
	if utf8.RuneCountInString(in.Body) > MaxBody {
		es.Add("body", "news.body.too_long", MaxBody)
	}
	okDates := true
	for _, d := range []struct{ field, v string }{{"starts_on", in.StartsOn}, {"ends_on", in.EndsOn}} {
		if d.v == "" {
			continue
		}
		if _, err := time.Parse("2006-01-02", d.v); err != nil {
			es.Add(d.field, "news.date.invalid")
			okDates = false
		}
	}
	if in.Kind == KindCampaign {
		if in.StartsOn == "" {
			es.Add("starts_on", "news.campaign.dates")
		}
		if in.EndsOn == "" {
			es.Add("ends_on", "news.campaign.dates")
		}
	}
	if okDates && in.StartsOn != "" && in.EndsOn != "" && in.EndsOn < in.StartsOn {
		es.Add("ends_on", "news.dates.order")
	}
	return es.Err()
}

// Showing tells whether an item with these dates shows on day (all yyyy-mm-dd; "" is open).
func Showing(startsOn, endsOn, day string) bool {
	return (startsOn == "" || startsOn <= day) && (endsOn == "" || endsOn >= day)
}

var imageTypes = []string{"image/jpeg", "image/png", "image/webp"}

// ImageType returns the content type of a picture as its bytes show it (not its name), or the
// reason it is refused: empty, over 5 MB, or not a JPEG, PNG or WebP picture.
func ImageType(data []byte) (string, error) {
	if len(data) == 0 {
		return "", fault.Field("image", "news.image.empty")
	}
	if len(data) > MaxImageBytes {
		return "", fault.Field("image", "news.image.too_large", MaxImageBytes>>20)
	}
	ct, _, _ := strings.Cut(http.DetectContentType(data), ";")
	if !oneOf(ct, imageTypes) {
		return "", fault.Field("image", "news.image.type")
	}
	return ct, nil
}

func oneOf(v string, list []string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
