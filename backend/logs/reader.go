package logs

import (
	"context"
	"errors"
	"io"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/events"
	"go.uber.org/zap"
)

// API is what a Reader needs of the engine's SDK client
// (github.com/docker/docker/client.Client has it).
type API interface {
	ContainerLogs(ctx context.Context, id string, opts container.LogsOptions) (io.ReadCloser, error)
	ContainerInspect(ctx context.Context, id string) (container.InspectResponse, error)
	Events(ctx context.Context, opts events.ListOptions) (<-chan events.Message, <-chan error)
}

// Reader reads one engine's logs (built from the engine's docker client).
// It is safe for concurrent use.
type Reader struct {
	engine string
	api    API
	log    *zap.Logger
}

// NewReader reads the logs of the engine named engine through api.
func NewReader(engine string, api API, log *zap.Logger) *Reader {
	return &Reader{engine: engine, api: api, log: log.With(zap.String("component", "logs"), zap.String("engine", engine))}
}

// Engine is the name of the reader's engine.
func (r *Reader) Engine() string { return r.engine }

var errNotImplemented = errors.New("logs: not implemented yet")

// Page answers q for the container id: lines in time order and a cursor to
// go on from. An unknown container is an error wrapping model.ErrNotFound;
// a bad query one wrapping model.ErrInvalid.
func (r *Reader) Page(ctx context.Context, id string, q Query) (Page, error) {
	return Page{}, errNotImplemented
}
