package logs

import (
	"errors"
	"strings"
	"testing"

	"github.com/dockpulse/dockpulse/backend/model"
)

func TestQueryErrorsNameTheParameter(t *testing.T) {
	for _, c := range []struct {
		q    Query
		name string
	}{
		{Query{Tail: -1}, "tail"},
		{Query{Tail: MaxTail + 1}, "tail"},
		{Query{Limit: MaxLimit + 1}, "limit"},
		{Query{Since: "2026-13-45T00:00:00Z"}, "since"},
		{Query{Since: "yesterday"}, "since"},
		{Query{Until: "now"}, "until"},
		{Query{Since: "2026-12-02T06:00:00Z", Until: "2026-12-01T06:00:00Z"}, "until"},
		{Query{Cursor: "2026-12-02T06:00:00.000000000Z"}, "cursor"},
		{Query{Cursor: "2026-12-02T06:00:00.000000000Z~-1"}, "cursor"},
		{Query{Cursor: "x~1"}, "cursor"},
		{Query{Cursor: "2026-12-02T06:00:00.000000000Z~1", Since: "2026-12-02T06:00:00Z"}, "cursor"},
		{Query{Tail: 5, Since: "2026-12-02T06:00:00Z"}, "tail"},
	} {
		_, err := parseQuery(c.q)
		if !errors.Is(err, model.ErrInvalid) || !strings.Contains(err.Error(), c.name) {
			t.Errorf("%+v: %v, want an error wrapping model.ErrInvalid that names %s", c.q, err, c.name)
		}
	}
	q, err := parseQuery(Query{Since: "2026-12-02T08:00:00.5+02:00", Until: "2026-12-02T07:00:00Z"})
	if err != nil || q.from.time != "2026-12-02T06:00:00.500000000Z" || q.until != "2026-12-02T07:00:00.000000000Z" || q.limit != DefaultLimit {
		t.Errorf("normalised %+v, %v", q, err)
	}
	if q, err := parseQuery(Query{}); err != nil || q.tail != DefaultTail || q.from != nil {
		t.Errorf("the empty query: %+v, %v", q, err)
	}
}
