package main

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// table collects the report's rows.
type table struct {
	rows [][5]string
}

// add records one figure: what, ours, the baseline measured in the same
// run, their ratio or difference, and the target with its verdict.
func (t *table) add(what, ours, baseline, ratio, target string) {
	t.rows = append(t.rows, [5]string{what, ours, baseline, ratio, target})
}

// section starts a group of rows. Its title ends with the machine's load
// average at that moment: these are shared machines, and a load far above
// the core count is what stretches the latency tails.
func (t *table) section(name string) {
	load := ""
	if l := loadAverage(); l != "unknown" {
		load = " (load average " + l + ")"
	}
	t.rows = append(t.rows, [5]string{"**" + name + "**" + load, "", "", "", ""})
}

func (t *table) markdown() string {
	var sb strings.Builder
	sb.WriteString("| Measurement | Dockpulse | Baseline (same run) | Ratio / difference | Target |\n")
	sb.WriteString("| --- | --- | --- | --- | --- |\n")
	for _, r := range t.rows {
		sb.WriteString("| " + strings.Join(r[:], " | ") + " |\n")
	}
	return sb.String()
}

func ms(nanos float64) string {
	d := nanos / 1e6
	switch {
	case d < 10:
		return fmt.Sprintf("%.2f ms", d)
	case d < 1000:
		return fmt.Sprintf("%.1f ms", d)
	default:
		return fmt.Sprintf("%.2f s", d/1000)
	}
}

func mib(b float64) string { return fmt.Sprintf("%.1f MiB", b/(1<<20)) }

func pct(p float64) string { return fmt.Sprintf("%.2f %%", p) }

func dur(d time.Duration) string { return ms(float64(d.Nanoseconds())) }

func ratio(a, b float64) string {
	if b == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2f×", a/b)
}

func verdict(ok bool, target string) string {
	if ok {
		return target + " ✅"
	}
	return target + " ❌"
}

// signed is a difference in ms with its sign.
func signed(nanos float64) string {
	if nanos < 0 {
		return "−" + ms(-nanos)
	}
	return "+" + ms(nanos)
}

// loadAverage is the machine's load average over 1, 5 and 15 minutes, or
// "unknown".
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
