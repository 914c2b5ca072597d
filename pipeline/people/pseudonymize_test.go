package people

import (
	"context"
	"errors"
	"testing"

	"github.com/trainimpact/trainimpact/models"
	"github.com/trainimpact/trainimpact/pipeline/config"
	"github.com/trainimpact/trainimpact/pipeline/store"
)

// Reference values from OpenSSL 3:
//
//	printf 'ada@acme.example' | openssl dgst -sha256 -hmac 'test-key-0123456789'
//	printf 'alovelace' | openssl dgst -sha256 -hmac 'test-key-0123456789'
const (
	testKey       = "test-key-0123456789"
	adaEmailHMAC  = "a6a433ee87fb7c4479551c0ed822c9f13d33b6ae0bcf9c1dfe066bebb5775aec"
	alovelaceHMAC = "bdbd6c37af93de6af5b74e51f69b6ae3d82c93109a5bb3b4455a860c06f74937"
)

func TestPseudonymMatchesOpenSSL(t *testing.T) {
	if got := Pseudonym([]byte(testKey), "ada@acme.example"); got != adaEmailHMAC {
		t.Errorf("Pseudonym = %s, want %s", got, adaEmailHMAC)
	}
}

func TestPseudonymize(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	dir := t.TempDir()
	files := []File{
		{KindTeams, writeFile(t, dir, "teams.csv", "person_email,team,role,valid_from,valid_to\nAda@acme.example,payments,lead,2024-01-01,\n")},
		{KindIdentities, writeFile(t, dir, "identities.csv", "person_email,source,account\nada@acme.example,github,ALovelace\n")},
	}
	if _, err := ImportFiles(ctx, st, files, ImportOptions{Now: testNow}); err != nil {
		t.Fatal(err)
	}
	accts := []models.Row{
		models.Account{AccountID: "github:account:alovelace", Source: "github", NativeID: "alovelace", Login: "ALovelace",
			Email: " ADA@acme.example", Name: "Ada Lovelace", PersonID: PersonID("ada@acme.example"), MatchRule: "override"},
		models.Account{AccountID: "pagerduty:account:P1", Source: "pagerduty", NativeID: "P1"},
	}
	if err := st.Write(ctx, func(w *store.Writer) error { return w.Upsert(ctx, accts) }); err != nil {
		t.Fatal(err)
	}
	key := []byte(testKey)
	if err := st.Write(ctx, func(w *store.Writer) error { return Pseudonymize(ctx, w, key) }); err != nil {
		t.Fatal(err)
	}
	var email string
	var flag bool
	if err := st.DB().QueryRow("SELECT email, pseudonymized FROM people").Scan(&email, &flag); err != nil {
		t.Fatal(err)
	}
	if email != adaEmailHMAC || !flag {
		t.Errorf("people: email %s pseudonymized %v; want %s true", email, flag, adaEmailHMAC)
	}
	var aEmail, login, name string
	if err := st.DB().QueryRow("SELECT email, login, name FROM accounts WHERE account_id = 'github:account:alovelace'").Scan(&aEmail, &login, &name); err != nil {
		t.Fatal(err)
	}
	if aEmail != adaEmailHMAC || login != alovelaceHMAC || name != Pseudonym(key, "Ada Lovelace") {
		t.Errorf("account: email %s login %s name %s", aEmail, login, name)
	}
	var ov string
	if err := st.DB().QueryRow("SELECT account FROM identity_overrides").Scan(&ov); err != nil || ov != alovelaceHMAC {
		t.Errorf("override account %q (%v), want %s", ov, err, alovelaceHMAC)
	}
	var nulls int
	if err := st.DB().QueryRow("SELECT count(*) FROM accounts WHERE account_id = 'pagerduty:account:P1' AND email IS NULL AND login IS NULL AND name IS NULL").Scan(&nulls); err != nil || nulls != 1 {
		t.Errorf("empty values must stay NULL (%d, %v)", nulls, err)
	}
	// A second call changes nothing.
	before := fingerprint(t, st)
	if err := st.Write(ctx, func(w *store.Writer) error { return Pseudonymize(ctx, w, key) }); err != nil {
		t.Fatal(err)
	}
	if fingerprint(t, st) != before {
		t.Error("pseudonymising twice changed the tables")
	}
	if err := st.Write(ctx, func(w *store.Writer) error { return Pseudonymize(ctx, w, nil) }); !errors.Is(err, ErrNoKey) {
		t.Errorf("nil key: err = %v, want ErrNoKey", err)
	}
}

func TestPseudonymKey(t *testing.T) {
	cfg := config.Default()
	if _, err := PseudonymKey(cfg); !errors.Is(err, ErrNoKey) {
		t.Errorf("err = %v, want ErrNoKey", err)
	}
	cfg.People.PseudonymKeyEnv = "TI_KEY"
	cfg.Secrets["TI_KEY"] = "s3cret"
	if k, err := PseudonymKey(cfg); err != nil || string(k) != "s3cret" {
		t.Errorf("key %q, %v", k, err)
	}
}
