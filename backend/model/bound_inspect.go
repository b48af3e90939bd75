package model

// MaxRawInspect bounds the engine's inspect answer an Inspect carries, in
// bytes of its JSON encoding as a string. A container's inspect is a few
// KiB; what makes one larger is what its creator put in it (labels, the
// environment, a long command), and the structured fields keep those within
// their own limits.
const MaxRawInspect = 256 << 10

// MaxInspectJSON bounds one Inspect: the raw answer, four lists (the
// environment, the networks, the health check's command and its results),
// three names (name, image, network mode), the error, and eight words
// (engine, ID, state, restart policy, stop signal, cpusets, health status)
// with the numbers and field names.
const MaxInspectJSON = MaxRawInspect + 4*MaxListBytes + 3*MaxText + MaxLong + 8*MaxWord + 1024

// Bound returns the inspect within the limits.
func (in Inspect) Bound() Inspect {
	in.ID, in.State = Cut(in.ID, MaxWord), Cut(in.State, MaxWord)
	in.Name, in.Image, in.NetworkMode = Cut(in.Name, MaxText), Cut(in.Image, MaxText), Cut(in.NetworkMode, MaxText)
	in.Error = Cut(in.Error, MaxLong)
	in.RestartPolicy, in.StopSignal = Cut(in.RestartPolicy, MaxWord), Cut(in.StopSignal, MaxWord)
	in.Env = boundList(in.Env, EnvVar.bound, EnvVar.jsonCost, func(more string) EnvVar { return EnvVar{Name: more} })
	in.Networks = boundList(in.Networks, NetworkLink.bound, NetworkLink.jsonCost, func(more string) NetworkLink {
		return NetworkLink{Name: more}
	})
	in.Limits.CpusetCPUs, in.Limits.CpusetMems = Cut(in.Limits.CpusetCPUs, MaxWord), Cut(in.Limits.CpusetMems, MaxWord)
	if in.Healthcheck != nil {
		h := in.Healthcheck.bound()
		in.Healthcheck = &h
	}
	in.Raw = Cut(in.Raw, MaxRawInspect)
	return in
}

func (e EnvVar) bound() EnvVar {
	e.Name, e.Value = Cut(e.Name, MaxText), Cut(e.Value, MaxLong)
	return e
}

// jsonCost is at least the length of the variable's JSON, with its comma.
func (e EnvVar) jsonCost() int { return 24 + jsonLen(e.Name) + jsonLen(e.Value) }

func (n NetworkLink) bound() NetworkLink {
	n.Name, n.NetworkID = Cut(n.Name, MaxText), Cut(n.NetworkID, MaxWord)
	n.IPAddress, n.Gateway = Cut(n.IPAddress, MaxWord), Cut(n.Gateway, MaxWord)
	n.IPv6Address, n.IPv6Gateway = Cut(n.IPv6Address, MaxWord), Cut(n.IPv6Gateway, MaxWord)
	n.MacAddress = Cut(n.MacAddress, MaxWord)
	n.Aliases = boundStrings(n.Aliases, MaxText)
	return n
}

// jsonCost is at least the length of the link's JSON, with its comma.
func (n NetworkLink) jsonCost() int {
	cost := 192 + jsonLen(n.Name) + jsonLen(n.NetworkID) + jsonLen(n.IPAddress) + jsonLen(n.Gateway) +
		jsonLen(n.IPv6Address) + jsonLen(n.IPv6Gateway) + jsonLen(n.MacAddress)
	for _, a := range n.Aliases {
		cost += stringCost(a)
	}
	return cost
}

func (h Healthcheck) bound() Healthcheck {
	h.Test = boundStrings(h.Test, MaxLong)
	h.Status = Cut(h.Status, MaxWord)
	h.Log = boundList(h.Log, HealthResult.bound, HealthResult.jsonCost, func(more string) HealthResult {
		return HealthResult{Output: more}
	})
	return h
}

func (r HealthResult) bound() HealthResult {
	r.Output = Cut(r.Output, MaxLong)
	return r
}

// jsonCost is at least the length of the result's JSON, with its comma.
func (r HealthResult) jsonCost() int { return 128 + jsonLen(r.Output) }

// boundStrings cuts every string to limit and keeps the list within
// MaxEntries and MaxListBytes.
func boundStrings(list []string, limit int) []string {
	return boundList(list, func(s string) string { return Cut(s, limit) }, stringCost, func(more string) string { return more })
}

// stringCost is the length of a string's JSON in a list, with its comma.
func stringCost(s string) int { return jsonLen(s) + 3 }
