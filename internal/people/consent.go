package people

import "time"

// ConsentMethod is how a person's consent to the processing of their data was given.
type ConsentMethod string

// The methods (Luật 91/2025/QH15: consent must be explicit and reproducible; silence is not consent).
const (
	ConsentOnline ConsentMethod = "online" // the person ticked it in their own account
	ConsentPaper  ConsentMethod = "paper"  // signed on paper, collected by an officer
	ConsentSpoken ConsentMethod = "spoken" // said aloud to an officer, who records it
)

// ConsentMethods lists the methods in the order forms show them.
var ConsentMethods = []ConsentMethod{ConsentPaper, ConsentSpoken, ConsentOnline}

// Valid tells whether m is a known method.
func (m ConsentMethod) Valid() bool {
	return m == ConsentOnline || m == ConsentPaper || m == ConsentSpoken
}

// ConsentText is one version of the text a person agrees to; a new version is a new entry,
// never an edit, so every record points at the words that were agreed to.
type ConsentText struct {
	Version string
	VI, EN  string
}

// ConsentTexts are the versions, the newest last.
var ConsentTexts = []ConsentText{{
	Version: "2026-01",
	VI: "Tôi đồng ý để Hội Khuyến học và chính quyền xã, phường xử lý thông tin cá nhân của tôi (họ tên, ngày sinh, giới tính, số định danh, " +
		"nơi cư trú, hộ gia đình, nơi làm việc, số điện thoại) cho mục đích đánh giá, công nhận danh hiệu Công dân học tập và các danh hiệu học tập, " +
		"theo dõi việc học tập suốt đời và báo cáo tiến độ theo Kế hoạch 290/KH-UBND, theo Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15. " +
		"Tôi có thể xem, tải về và rút lại sự đồng ý này bất cứ lúc nào.",
	EN: "I agree that the Association for Promoting Education and the commune process my personal data (name, date of birth, gender, ID number, " +
		"residence, household, workplace, phone) to assess and recognise the Learning Citizen and other learning titles, follow lifelong learning " +
		"and report progress under Plan 290/KH-UBND, under the Personal Data Protection Law 91/2025/QH15. " +
		"I may see, download and withdraw this consent at any time.",
}}

// CurrentConsentText is the version new consents refer to.
func CurrentConsentText() ConsentText { return ConsentTexts[len(ConsentTexts)-1] }

// ConsentTextVersion returns a version's text, or false.
func ConsentTextVersion(v string) (ConsentText, bool) {
	for _, t := range ConsentTexts {
		if t.Version == v {
			return t, true
		}
	}
	return ConsentText{}, false
}

// Consent is one recorded consent and, if it was withdrawn, when.
type Consent struct {
	ID          int64
	CitizenID   int64
	TextVersion string
	Method      ConsentMethod
	GivenBy     string // the person themself, or the guardian's name
	CollectedBy int64  // the officer's account, for paper and spoken consent
	GivenAt     time.Time
	WithdrawnAt time.Time
	WithdrawnBy int64
}

// Active tells whether the consent stands.
func (c Consent) Active() bool { return !c.GivenAt.IsZero() && c.WithdrawnAt.IsZero() }
