package docker

import (
	"context"
	"strings"
)

// LogTarget is what a logs client is told of a container it follows: its
// full ID, its name, and whether it has a TTY (its log is then one raw
// stream, every line stdout). A container that does not exist is
// ErrNotFound.
func (c *Client) LogTarget(ctx context.Context, id string) (fullID, name string, tty bool, err error) {
	in, err := c.inspect(ctx, id)
	if err != nil {
		return "", "", false, err
	}
	if in.ContainerJSONBase == nil {
		return id, "", false, nil
	}
	return in.ID, strings.TrimPrefix(in.Name, "/"), in.Config != nil && in.Config.Tty, nil
}
