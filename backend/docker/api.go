package docker

import "github.com/docker/docker/client"

// API is the engine's SDK client itself, for the packages that read what
// this adapter does not convert (backend/logs reads the log streams).
func (c *Client) API() client.APIClient { return c.cli }
