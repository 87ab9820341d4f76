package app

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"strconv"

	"hoctap/internal/adminunit"
	"hoctap/internal/auth"
	"hoctap/internal/clock"
	"hoctap/internal/news"
	"hoctap/internal/store"
)

// loadDemoNews publishes the demo's news (issue 9): a city-wide news item with a picture, the
// first commune's campaign "Tuần lễ hưởng ứng học tập suốt đời" running this week, an
// announcement for the demo school's staff only, and a commune draft not yet published. They
// go through the ordinary service with the server's rights.
func loadDemoNews(ctx context.Context, db *store.DB, units *adminunit.Map, communes []string, out io.Writer) error {
	svc := &news.Service{DB: db, Units: units}
	now := db.Now().In(clock.Vietnam)
	day := func(offset int) string { return now.AddDate(0, 0, offset).Format("2006-01-02") }
	year := strconv.Itoa(now.Year())
	first := communes[0]
	cu, err := units.Current(first)
	if err != nil {
		return fmt.Errorf("demo: news: %w", err)
	}
	units2, err := db.ListWorkUnits(ctx, auth.Scope{Communes: []string{first}})
	if err != nil {
		return err
	}
	publish := func(in news.Input, picture []byte, alt string) (store.News, error) {
		n, err := svc.Create(ctx, nil, in)
		if err != nil {
			return n, fmt.Errorf("demo: news %q: %w", in.Title, err)
		}
		if picture != nil {
			if _, err := svc.AddImage(ctx, nil, n.ID, news.Upload{FileName: "anh.png", Alt: alt, Data: picture}); err != nil {
				return n, fmt.Errorf("demo: news picture: %w", err)
			}
		}
		return n, svc.Publish(ctx, nil, n.ID)
	}
	banner, err := demoBanner()
	if err != nil {
		return err
	}
	if _, err := publish(news.Input{Kind: news.KindNews, Audience: news.AudienceCity,
		Title:   "Thành phố phát động phong trào “Công dân học tập” năm " + year,
		Summary: "Mỗi người dân đăng ký phấn đấu, tự đánh giá và được công nhận danh hiệu Công dân học tập; cán bộ thôn, tổ dân phố hỗ trợ người cao tuổi.",
		Body: "Năm " + year + ", thành phố tiếp tục triển khai mô hình **Công dân học tập** theo Kế hoạch 290/KH-UBND.\n\n" +
			"[ảnh 1]\n\n## Người dân cần làm gì?\n\n- Đăng ký phấn đấu với cán bộ thôn, tổ dân phố hoặc trên điện thoại\n- Tự đánh giá 10 chỉ số, kèm minh chứng nếu có\n- Chờ xác nhận và công nhận của xã, phường\n\n" +
			"Xem hướng dẫn tại [trang giới thiệu](/about) và các [chương trình học tập](/programmes) đang mở."}, banner, "Lễ phát động phong trào Công dân học tập"); err != nil {
		return err
	}
	campaign, err := publish(news.Input{Kind: news.KindCampaign, Audience: news.AudienceCommune, CommuneCode: first,
		Title:    "Tuần lễ hưởng ứng học tập suốt đời năm " + year + " tại " + cu.Name,
		Summary:  "Một tuần với các buổi nói chuyện, lớp kỹ năng số và ngày hội đọc sách tại nhà văn hoá các tổ dân phố.",
		StartsOn: day(-2), EndsOn: day(4),
		Body: "Hưởng ứng **Tuần lễ học tập suốt đời**, " + cu.Name + " tổ chức:\n\n" +
			"1. Lớp *kỹ năng số* cho người cao tuổi: dùng điện thoại, dịch vụ công trực tuyến\n2. Ngày hội đọc sách tại nhà văn hoá\n3. Buổi nói chuyện về pháp luật và sức khoẻ\n\n" +
			"Đăng ký tại cán bộ tổ dân phố hoặc xem [chương trình học tập](/programmes)."}, nil, "")
	if err != nil {
		return err
	}
	if len(units2) > 0 {
		if _, err := publish(news.Input{Kind: news.KindAnnouncement, Audience: news.AudienceUnit, WorkUnitID: units2[0].ID,
			Title: "Thông báo: cán bộ, giáo viên đăng ký danh hiệu Công dân học tập năm " + year,
			Body:  "Đề nghị cán bộ, giáo viên, nhân viên đăng ký phấn đấu và tự đánh giá trước hạn của nhà trường. Ban khuyến học của trường hỗ trợ khi cần."}, nil, ""); err != nil {
			return err
		}
	}
	if _, err := svc.Create(ctx, nil, news.Input{Kind: news.KindAnnouncement, Audience: news.AudienceCommune, CommuneCode: first,
		Title: "Lịch tập huấn nhập hộ cho cán bộ tổ dân phố (bản nháp)",
		Body:  "Nội dung đang soạn: thời gian, địa điểm tập huấn sẽ được cập nhật."}); err != nil {
		return fmt.Errorf("demo: news draft: %w", err)
	}
	if out != nil {
		fmt.Fprintf(out, "demo: news published; campaign %q runs %s–%s (/news/%d)\n", campaign.Title, day(-2), day(4), campaign.ID)
	}
	return nil
}

// demoBanner draws a small picture for the demo's news item: bands of the city's colours.
func demoBanner() ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, 800, 420))
	for y := 0; y < 420; y++ {
		c := color.RGBA{11, 79, 138, 255}
		switch {
		case y > 300:
			c = color.RGBA{255, 191, 71, 255}
		case y > 260:
			c = color.RGBA{255, 255, 255, 255}
		}
		for x := 0; x < 800; x++ {
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("demo: banner: %w", err)
	}
	return buf.Bytes(), nil
}
