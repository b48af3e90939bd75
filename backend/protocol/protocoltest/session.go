package protocoltest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// TradeCode trades the single-use code of an address `dockpulse serve`
// printed (http://HOST/?code=…) for the token, as the page does: POST
// /api/session. It returns the HTTP status with any error.
func TradeCode(ctx context.Context, printed *url.URL) (token string, status int, err error) {
	body, _ := json.Marshal(map[string]string{"code": printed.Query().Get("code")}) // a map of strings always encodes
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+printed.Host+"/api/session", bytes.NewReader(body))
	if err != nil {
		return "", 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if err != nil {
		return "", resp.StatusCode, err
	}
	var got struct{ Token string }
	if resp.StatusCode != http.StatusOK || json.Unmarshal(b, &got) != nil || got.Token == "" {
		return "", resp.StatusCode, fmt.Errorf("trade the printed code: status %d, %.200s", resp.StatusCode, b)
	}
	return got.Token, resp.StatusCode, nil
}
