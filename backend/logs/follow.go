package logs

import "context"

// Follow streams lines of the containers ids (one engine) from tail/since until ctx ends; emit gets
// batches in time order and state changes; it resumes after engine loss; it returns when ctx ends or all are removed.
//
// from is a Query: its Tail, Since or Cursor say where each container's
// lines begin (as for Page; Until and Limit are not used). Every container
// is inspected first: an unknown one is an error wrapping model.ErrNotFound
// before anything is emitted, a bad from one wrapping model.ErrInvalid.
// emit and state are called from one goroutine, never at once; a batch
// holds at most BatchLines lines and about BatchBytes of text, the lines of
// all the containers merged in time order. Follow returns nil when ctx ends
// or every container was removed.
func (r *Reader) Follow(ctx context.Context, ids []string, from Query, emit func(lines []Line), state func(State)) error {
	return errNotImplemented
}

// Bounds of one batch Follow emits.
const (
	BatchLines = 512
	BatchBytes = 256 << 10
)
