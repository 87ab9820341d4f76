package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/smtp"
	"strconv"
	"strings"
	"time"
)

// Message is one delivery: the recipient, the text, and the outbox row's id, sent as the
// idempotency key so that a gateway or a mail server can drop the copy of a retried delivery.
type Message struct {
	ID      int64 // outbox row
	To      string
	Email   string
	Phone   string
	Subject string
	Text    string
}

// IdempotencyKey is the key a delivery carries: the same for every attempt of one outbox row.
func (m Message) IdempotencyKey() string { return "hoctap-outbox-" + strconv.FormatInt(m.ID, 10) }

// Sender delivers a message on one channel.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// SMTPSender sends email with net/smtp: STARTTLS or implicit TLS as configured, PLAIN
// authentication when a user is set. The outbox id is in the Message-ID header.
type SMTPSender struct {
	Host, User, Password, From, TLS string
	Port                            int
	Timeout                         time.Duration
	TLSConfig                       *tls.Config // nil: verify the server's certificate for Host
}

// Send delivers one email.
func (s SMTPSender) Send(ctx context.Context, m Message) error {
	if m.Email == "" {
		return fmt.Errorf("no email address")
	}
	deadline := time.Now().Add(s.Timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	addr := net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
	tlsCfg := s.TLSConfig
	if tlsCfg == nil {
		tlsCfg = &tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12}
	}
	dialer := &net.Dialer{Deadline: deadline}
	var conn net.Conn
	var err error
	if s.TLS == "tls" {
		conn, err = tls.DialWithDialer(dialer, "tcp", addr, tlsCfg)
	} else {
		conn, err = dialer.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return fmt.Errorf("smtp: connect %s: %w", addr, err)
	}
	_ = conn.SetDeadline(deadline) // a server that stops answering ends the attempt at the timeout
	c, err := smtp.NewClient(conn, s.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("smtp: %s: %w", addr, err)
	}
	defer c.Close()
	if s.TLS == "starttls" {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(tlsCfg); err != nil {
				return fmt.Errorf("smtp: starttls: %w", err)
			}
		} else if s.Password != "" {
			return fmt.Errorf("smtp: %s does not offer STARTTLS; refusing to send the password in clear (use --smtp-tls none to allow it)", addr)
		}
	}
	if s.User != "" {
		// net/smtp's PLAIN auth refuses an unencrypted connection except to localhost.
		if err := c.Auth(smtp.PlainAuth("", s.User, s.Password, s.Host)); err != nil {
			return fmt.Errorf("smtp: authentication: %w", err)
		}
	}
	if err := c.Mail(addressOnly(s.From)); err != nil {
		return fmt.Errorf("smtp: MAIL FROM: %w", err)
	}
	if err := c.Rcpt(m.Email); err != nil {
		return fmt.Errorf("smtp: RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("smtp: DATA: %w", err)
	}
	if _, err := w.Write(s.compose(m)); err != nil {
		return fmt.Errorf("smtp: write message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtp: end of message: %w", err)
	}
	return c.Quit()
}

// compose writes the message: UTF-8 headers encoded as RFC 2047 words, the body in base64.
func (s SMTPSender) compose(m Message) []byte {
	var b bytes.Buffer
	domain := "hoctap.local"
	if i := strings.LastIndex(addressOnly(s.From), "@"); i >= 0 {
		domain = strings.TrimSuffix(addressOnly(s.From)[i+1:], ">")
	}
	to := m.Email
	if m.To != "" {
		to = mime.QEncoding.Encode("utf-8", m.To) + " <" + m.Email + ">"
	}
	fmt.Fprintf(&b, "From: %s\r\n", s.From)
	fmt.Fprintf(&b, "To: %s\r\n", to)
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.QEncoding.Encode("utf-8", m.Subject))
	fmt.Fprintf(&b, "Date: %s\r\n", time.Now().UTC().Format(time.RFC1123Z))
	// The outbox id makes the Message-ID: a retried delivery carries the same one.
	fmt.Fprintf(&b, "Message-ID: <%s@%s>\r\n", m.IdempotencyKey(), domain)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(m.Text))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.Bytes()
}

// addressOnly takes "Name <a@b>" to "a@b".
func addressOnly(s string) string {
	if i := strings.LastIndex(s, "<"); i >= 0 {
		return strings.TrimSuffix(s[i+1:], ">")
	}
	return strings.TrimSpace(s)
}

// WebhookSender posts each message as JSON {to, phone, email, subject, text, id} to a gateway
// (an SMS or chat provider's adapter). A 2xx answer is a delivery; anything else, or no answer
// within the timeout, is a failure to retry. The outbox id is in the Idempotency-Key header and
// in "id"; with a secret, X-Hoctap-Signature carries sha256=HMAC-SHA256(secret, body).
type WebhookSender struct {
	URL     string
	Secret  string
	Timeout time.Duration
	Client  *http.Client // nil: a client with Timeout
}

// Send delivers one message to the gateway.
func (s WebhookSender) Send(ctx context.Context, m Message) error {
	if m.Phone == "" {
		return fmt.Errorf("no phone number")
	}
	body, _ := json.Marshal(map[string]string{"to": m.To, "phone": m.Phone, "email": m.Email, "subject": m.Subject, "text": m.Text, "id": m.IdempotencyKey()})
	ctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Idempotency-Key", m.IdempotencyKey())
	if s.Secret != "" {
		mac := hmac.New(sha256.New, []byte(s.Secret))
		mac.Write(body)
		req.Header.Set("X-Hoctap-Signature", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	}
	client := s.Client
	if client == nil {
		client = &http.Client{Timeout: s.Timeout}
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("webhook: the gateway answered %s: %s", resp.Status, strings.TrimSpace(string(snippet)))
	}
	return nil
}
