package docker

import (
	"math"
	"strings"
	"testing"

	"github.com/dockpulse/dockpulse/backend/model"
	"github.com/dockpulse/dockpulse/backend/stats"
)

// Samples as the engine sends them on GET /containers/{id}/stats?stream=true.
//
// The cgroup v1 samples were captured from Docker Engine 20.10 (API 1.41) on
// a 2-CPU cgroup v1 host, except v1Blkio, whose block devices account I/O as
// a host with real disks does (the capture host's virtual disk accounts
// none). The cgroup v2 and Windows samples follow the shape those engines
// send.
const (
	// A busybox container just started running `yes`: the first sample of the
	// stream, so the engine sent no previous CPU reading.
	v1First = `{"read":"2026-11-26T00:36:22.430358516Z","preread":"0001-01-01T00:00:00Z","pids_stats":{"current":1},"blkio_stats":{"io_service_bytes_recursive":[],"io_serviced_recursive":[],"io_queue_recursive":[],"io_service_time_recursive":[],"io_wait_time_recursive":[],"io_merged_recursive":[],"io_time_recursive":[],"sectors_recursive":[]},"num_procs":0,"storage_stats":{},"cpu_stats":{"cpu_usage":{"total_usage":3059056168,"percpu_usage":[8550859,3050505309],"usage_in_kernelmode":40000000,"usage_in_usermode":3010000000},"system_cpu_usage":13694950000000,"online_cpus":2,"throttling_data":{"periods":0,"throttled_periods":0,"throttled_time":0}},"precpu_stats":{"cpu_usage":{"total_usage":0,"usage_in_kernelmode":0,"usage_in_usermode":0},"throttling_data":{"periods":0,"throttled_periods":0,"throttled_time":0}},"memory_stats":{"usage":491520,"max_usage":4354048,"stats":{"active_anon":4096,"active_file":0,"cache":0,"dirty":0,"hierarchical_memory_limit":9223372036854771712,"hierarchical_memsw_limit":9223372036854771712,"inactive_anon":57344,"inactive_file":0,"mapped_file":0,"pgfault":1195,"pgmajfault":0,"pgpgin":851,"pgpgout":836,"rss":61440,"rss_huge":0,"total_active_anon":4096,"total_active_file":0,"total_cache":0,"total_dirty":0,"total_inactive_anon":57344,"total_inactive_file":0,"total_mapped_file":0,"total_pgfault":1195,"total_pgmajfault":0,"total_pgpgin":851,"total_pgpgout":836,"total_rss":61440,"total_rss_huge":0,"total_unevictable":0,"total_writeback":0,"unevictable":0,"writeback":0},"limit":25276510208},"name":"/s1","id":"4f52e812937b75c6a6f33ecc464c9f0b59c089afd5a68bb5e2a78ba495266d71"}`

	// The next sample of the same stream: `yes` keeps one CPU busy. The
	// container runs with --network none, so there are no networks.
	v1Busy = `{"read":"2026-11-26T00:36:23.433832854Z","preread":"2026-11-26T00:36:22.430358516Z","pids_stats":{"current":1},"blkio_stats":{"io_service_bytes_recursive":[],"io_serviced_recursive":[],"io_queue_recursive":[],"io_service_time_recursive":[],"io_wait_time_recursive":[],"io_merged_recursive":[],"io_time_recursive":[],"sectors_recursive":[]},"num_procs":0,"storage_stats":{},"cpu_stats":{"cpu_usage":{"total_usage":4062717405,"percpu_usage":[8550859,4054166546],"usage_in_kernelmode":50000000,"usage_in_usermode":4000000000},"system_cpu_usage":13696950000000,"online_cpus":2,"throttling_data":{"periods":0,"throttled_periods":0,"throttled_time":0}},"precpu_stats":{"cpu_usage":{"total_usage":3059056168,"percpu_usage":[8550859,3050505309],"usage_in_kernelmode":40000000,"usage_in_usermode":3010000000},"system_cpu_usage":13694950000000,"online_cpus":2,"throttling_data":{"periods":0,"throttled_periods":0,"throttled_time":0}},"memory_stats":{"usage":491520,"max_usage":4354048,"stats":{"active_anon":4096,"active_file":0,"cache":0,"dirty":0,"hierarchical_memory_limit":9223372036854771712,"hierarchical_memsw_limit":9223372036854771712,"inactive_anon":57344,"inactive_file":0,"mapped_file":0,"pgfault":1195,"pgmajfault":0,"pgpgin":851,"pgpgout":836,"rss":61440,"rss_huge":0,"total_active_anon":4096,"total_active_file":0,"total_cache":0,"total_dirty":0,"total_inactive_anon":57344,"total_inactive_file":0,"total_mapped_file":0,"total_pgfault":1195,"total_pgmajfault":0,"total_pgpgin":851,"total_pgpgout":836,"total_rss":61440,"total_rss_huge":0,"total_unevictable":0,"total_writeback":0,"unevictable":0,"writeback":0},"limit":25276510208},"name":"/s1","id":"4f52e812937b75c6a6f33ecc464c9f0b59c089afd5a68bb5e2a78ba495266d71"}`

	// An idle container on a bridge network that wrote and read files: most
	// of its memory is page cache, part of it inactive.
	v1Cache = `{"read":"2026-11-26T00:36:55.617448752Z","preread":"2026-11-26T00:36:54.614664534Z","pids_stats":{"current":1},"blkio_stats":{"io_service_bytes_recursive":[],"io_serviced_recursive":[],"io_queue_recursive":[],"io_service_time_recursive":[],"io_wait_time_recursive":[],"io_merged_recursive":[],"io_time_recursive":[],"sectors_recursive":[]},"num_procs":0,"storage_stats":{},"cpu_stats":{"cpu_usage":{"total_usage":24967495,"percpu_usage":[10058746,14908749],"usage_in_kernelmode":0,"usage_in_usermode":10000000},"system_cpu_usage":13761020000000,"online_cpus":2,"throttling_data":{"periods":0,"throttled_periods":0,"throttled_time":0}},"precpu_stats":{"cpu_usage":{"total_usage":24967495,"percpu_usage":[10058746,14908749],"usage_in_kernelmode":0,"usage_in_usermode":10000000},"system_cpu_usage":13759020000000,"online_cpus":2,"throttling_data":{"periods":0,"throttled_periods":0,"throttled_time":0}},"memory_stats":{"usage":31784960,"max_usage":32485376,"stats":{"active_anon":4096,"active_file":28057600,"cache":31449088,"dirty":0,"hierarchical_memory_limit":9223372036854771712,"hierarchical_memsw_limit":9223372036854771712,"inactive_anon":45056,"inactive_file":3391488,"mapped_file":0,"pgfault":1463,"pgmajfault":0,"pgpgin":1258,"pgpgout":1052,"rss":49152,"rss_huge":0,"total_active_anon":4096,"total_active_file":28057600,"total_cache":31449088,"total_dirty":0,"total_inactive_anon":45056,"total_inactive_file":3391488,"total_mapped_file":0,"total_pgfault":1463,"total_pgmajfault":0,"total_pgpgin":1258,"total_pgpgout":1052,"total_rss":49152,"total_rss_huge":0,"total_unevictable":0,"total_writeback":0,"unevictable":0,"writeback":0},"limit":25276510208},"name":"/s2","id":"c05e1816ff5fff7f077d3cad0d5da73a82378ed1f21d3271b78ba57103b43cc1","networks":{"eth0":{"rx_bytes":1236,"rx_packets":14,"rx_errors":0,"rx_dropped":0,"tx_bytes":0,"tx_packets":0,"tx_errors":0,"tx_dropped":0}}}`

	// A database on an 8-CPU cgroup v1 host, two CPUs busy, on two networks,
	// with a 2 GiB limit and I/O on two block devices. cgroup v1 lists every
	// operation, and Sync/Async/Total count the same bytes again.
	v1Blkio = `{"read":"2025-03-14T09:26:53.128402315Z","preread":"2025-03-14T09:26:52.124561043Z","pids_stats":{"current":34,"limit":4915},"blkio_stats":{"io_service_bytes_recursive":[{"major":8,"minor":0,"op":"Read","value":11808768},{"major":8,"minor":0,"op":"Write","value":31457280},{"major":8,"minor":0,"op":"Sync","value":31457280},{"major":8,"minor":0,"op":"Async","value":11808768},{"major":8,"minor":0,"op":"Discard","value":0},{"major":8,"minor":0,"op":"Total","value":43266048},{"major":253,"minor":0,"op":"Read","value":4096},{"major":253,"minor":0,"op":"Write","value":8192},{"major":253,"minor":0,"op":"Sync","value":8192},{"major":253,"minor":0,"op":"Async","value":4096},{"major":253,"minor":0,"op":"Discard","value":0},{"major":253,"minor":0,"op":"Total","value":12288}],"io_serviced_recursive":[{"major":8,"minor":0,"op":"Read","value":412},{"major":8,"minor":0,"op":"Write","value":960},{"major":8,"minor":0,"op":"Sync","value":960},{"major":8,"minor":0,"op":"Async","value":412},{"major":8,"minor":0,"op":"Discard","value":0},{"major":8,"minor":0,"op":"Total","value":1372}],"io_queue_recursive":[],"io_service_time_recursive":[],"io_wait_time_recursive":[],"io_merged_recursive":[],"io_time_recursive":[],"sectors_recursive":[]},"num_procs":0,"storage_stats":{},"cpu_stats":{"cpu_usage":{"total_usage":91530221384,"percpu_usage":[11441277673,11441277673,11441277673,11441277673,11441277673,11441277673,11441277673,11441277673],"usage_in_kernelmode":8420000000,"usage_in_usermode":81930000000},"system_cpu_usage":2847311870000000,"online_cpus":8,"throttling_data":{"periods":0,"throttled_periods":0,"throttled_time":0}},"precpu_stats":{"cpu_usage":{"total_usage":89530221384,"percpu_usage":[11191277673,11191277673,11191277673,11191277673,11191277673,11191277673,11191277673,11191277673],"usage_in_kernelmode":8240000000,"usage_in_usermode":80110000000},"system_cpu_usage":2847303870000000,"online_cpus":8,"throttling_data":{"periods":0,"throttled_periods":0,"throttled_time":0}},"memory_stats":{"usage":838860800,"max_usage":901775360,"stats":{"active_anon":524288000,"active_file":104857600,"cache":314572800,"dirty":262144,"hierarchical_memory_limit":2147483648,"hierarchical_memsw_limit":4294967296,"inactive_anon":0,"inactive_file":209715200,"mapped_file":67108864,"pgfault":2318745,"pgmajfault":94,"pgpgin":911023,"pgpgout":706223,"rss":524288000,"rss_huge":0,"total_active_anon":524288000,"total_active_file":104857600,"total_cache":314572800,"total_dirty":262144,"total_inactive_anon":0,"total_inactive_file":209715200,"total_mapped_file":67108864,"total_pgfault":2318745,"total_pgmajfault":94,"total_pgpgin":911023,"total_pgpgout":706223,"total_rss":524288000,"total_rss_huge":0,"total_unevictable":0,"total_writeback":0,"unevictable":0,"writeback":0},"limit":2147483648},"name":"/db","id":"9b2e4d7a61c3f0e85d1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70","networks":{"eth0":{"rx_bytes":48213312,"rx_packets":61247,"rx_errors":0,"rx_dropped":0,"tx_bytes":98115584,"tx_packets":70118,"tx_errors":0,"tx_dropped":0},"eth1":{"rx_bytes":1048576,"rx_packets":2048,"rx_errors":0,"rx_dropped":0,"tx_bytes":524288,"tx_packets":1024,"tx_errors":0,"tx_dropped":0}}}`

	// A web server on a 4-CPU cgroup v2 host using a quarter of the host's
	// CPU, with a 512 MiB limit. cgroup v2 has no percpu_usage, no max_usage,
	// flat memory.stat keys and lowercase block I/O operations.
	v2Web = `{"read":"2025-03-14T09:26:53.128402315Z","preread":"2025-03-14T09:26:52.124561043Z","pids_stats":{"current":12,"limit":4915},"blkio_stats":{"io_service_bytes_recursive":[{"major":259,"minor":0,"op":"read","value":20480000},{"major":259,"minor":0,"op":"write","value":4096000},{"major":253,"minor":1,"op":"read","value":8192},{"major":253,"minor":1,"op":"write","value":0}],"io_serviced_recursive":null,"io_queue_recursive":null,"io_service_time_recursive":null,"io_wait_time_recursive":null,"io_merged_recursive":null,"io_time_recursive":null,"sectors_recursive":null},"num_procs":0,"storage_stats":{},"cpu_stats":{"cpu_usage":{"total_usage":81722338000,"usage_in_kernelmode":9201548000,"usage_in_usermode":72520790000},"system_cpu_usage":1093816310000000,"online_cpus":4,"throttling_data":{"periods":0,"throttled_periods":0,"throttled_time":0}},"precpu_stats":{"cpu_usage":{"total_usage":81472338000,"usage_in_kernelmode":9189310000,"usage_in_usermode":72283028000},"system_cpu_usage":1093812310000000,"online_cpus":4,"throttling_data":{"periods":0,"throttled_periods":0,"throttled_time":0}},"memory_stats":{"usage":224395264,"stats":{"active_anon":135168,"active_file":30248960,"anon":140378112,"anon_thp":0,"file":78139392,"file_dirty":0,"file_mapped":12173312,"file_writeback":0,"inactive_anon":140242944,"inactive_file":47890432,"kernel_stack":196608,"pgactivate":7420,"pgdeactivate":0,"pgfault":96765,"pglazyfree":0,"pglazyfreed":0,"pgmajfault":110,"pgrefill":0,"pgscan":0,"pgsteal":0,"shmem":0,"slab":4865528,"slab_reclaimable":3934376,"slab_unreclaimable":931152,"sock":0,"thp_collapse_alloc":0,"thp_fault_alloc":0,"unevictable":0,"workingset_activate":0,"workingset_nodereclaim":0,"workingset_refault":0},"limit":536870912},"name":"/web","id":"3f5c0d8e2a7b49c1e6f8a0b2c4d6e8f0a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1","networks":{"eth0":{"rx_bytes":5338,"rx_packets":41,"rx_errors":0,"rx_dropped":0,"tx_bytes":1526,"tx_packets":19,"tx_errors":0,"tx_dropped":0},"eth1":{"rx_bytes":912,"rx_packets":8,"rx_errors":0,"rx_dropped":0,"tx_bytes":656,"tx_packets":8,"tx_errors":0,"tx_dropped":0}}}`

	// What the engine keeps sending on a stream whose container has stopped
	// (captured): only the name and ID are real.
	placeholder = `{"read":"0001-01-01T00:00:00Z","preread":"0001-01-01T00:00:00Z","pids_stats":{},"blkio_stats":{"io_service_bytes_recursive":null,"io_serviced_recursive":null,"io_queue_recursive":null,"io_service_time_recursive":null,"io_wait_time_recursive":null,"io_merged_recursive":null,"io_time_recursive":null,"sectors_recursive":null},"num_procs":0,"storage_stats":{},"cpu_stats":{"cpu_usage":{"total_usage":0,"usage_in_kernelmode":0,"usage_in_usermode":0},"throttling_data":{"periods":0,"throttled_periods":0,"throttled_time":0}},"precpu_stats":{"cpu_usage":{"total_usage":0,"usage_in_kernelmode":0,"usage_in_usermode":0},"throttling_data":{"periods":0,"throttled_periods":0,"throttled_time":0}},"memory_stats":{},"name":"/s4","id":"1c8fd89e110b14e0a60de25718b9d7664d9fd549af04e3d54451be3bc9caf93c"}`

	// A Windows engine: CPU in 100ns units without a system total, memory as
	// commit and working set, processes in num_procs, disk in storage_stats.
	windows = `{"read":"2025-03-14T09:26:53.1290651Z","preread":"2025-03-14T09:26:52.1185338Z","pids_stats":{},"blkio_stats":{"io_service_bytes_recursive":null,"io_serviced_recursive":null,"io_queue_recursive":null,"io_service_time_recursive":null,"io_wait_time_recursive":null,"io_merged_recursive":null,"io_time_recursive":null,"sectors_recursive":null},"num_procs":4,"storage_stats":{"read_count_normalized":1320,"read_size_bytes":21671936,"write_count_normalized":2563,"write_size_bytes":30224384},"cpu_stats":{"cpu_usage":{"total_usage":6562500,"usage_in_kernelmode":3906250,"usage_in_usermode":2656250},"throttling_data":{"periods":0,"throttled_periods":0,"throttled_time":0}},"precpu_stats":{"cpu_usage":{"total_usage":6406250,"usage_in_kernelmode":3750000,"usage_in_usermode":2656250},"throttling_data":{"periods":0,"throttled_periods":0,"throttled_time":0}},"memory_stats":{"commitbytes":77017088,"commitpeakbytes":81776640,"privateworkingset":63451136},"name":"/win","id":"7c1f0e9d2b3a4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5","networks":{"ethernet_8f1c4f9a":{"rx_bytes":2538,"rx_packets":19,"rx_errors":0,"rx_dropped":0,"tx_bytes":1386,"tx_packets":14,"tx_errors":0,"tx_dropped":0,"endpoint_id":"8f1c4f9a-3d0e-4b8e-9a51-2f6c7d8e9a0b"}}}`
)

// decode parses a sample as the adapter does (decodeSample).
func decode(t testing.TB, raw string) stats.Sample {
	t.Helper()
	s, err := decodeSample(strings.NewReader(raw))
	if err != nil {
		t.Fatalf("decode sample: %v", err)
	}
	return s
}

// TestComputeEngineSamples: the engine's samples, decoded by the adapter,
// compute to the figures `docker stats` shows for them.
func TestComputeEngineSamples(t *testing.T) {
	const engine, id = "local", "c1"
	tests := []struct {
		name   string
		sample string
		edit   func(*stats.Sample) // turns a real sample into an edge case
		want   model.Stats
	}{
		{
			name:   "cgroup v1, one CPU busy, no networks",
			sample: v1Busy,
			want: model.Stats{
				Read:          1795653383433,
				CPUPercent:    100.3661237, // 1003661237 ns of 2e9 ns host time, times 2 CPUs
				OnlineCPUs:    2,
				MemoryUsage:   491520,
				MemoryLimit:   25276510208,
				MemoryPercent: 0.001944572237050486,
				Pids:          1,
			},
		},
		{
			name:   "cgroup v1, first sample: CPU against a zero previous reading, as the CLI does",
			sample: v1First,
			want: model.Stats{
				Read:          1795653382430,
				CPUPercent:    0.044674221782481864, // 3059056168 / 13694950000000 * 2 * 100
				OnlineCPUs:    2,
				MemoryUsage:   491520,
				MemoryLimit:   25276510208,
				MemoryPercent: 0.001944572237050486,
				Pids:          1,
			},
		},
		{
			name:   "cgroup v1, inactive page cache left out, idle, one network",
			sample: v1Cache,
			want: model.Stats{
				Read:          1795653415617,
				CPUPercent:    0, // total_usage did not move
				OnlineCPUs:    2,
				MemoryUsage:   31784960 - 3391488, // usage - total_inactive_file
				MemoryLimit:   25276510208,
				MemoryPercent: 0.11233145622694973,
				NetworkRx:     1236,
				Pids:          1,
			},
		},
		{
			name:   "cgroup v1, block I/O on two devices, two networks",
			sample: v1Blkio,
			want: model.Stats{
				Read:          1741944413128,
				CPUPercent:    200, // 2e9 ns of 8e9 ns host time, times 8 CPUs
				OnlineCPUs:    8,
				MemoryUsage:   838860800 - 209715200,
				MemoryLimit:   2147483648,
				MemoryPercent: 29.296875,
				NetworkRx:     48213312 + 1048576,
				NetworkTx:     98115584 + 524288,
				BlockRead:     11808768 + 4096, // Read only: Sync, Async and Total repeat it
				BlockWrite:    31457280 + 8192,
				Pids:          34,
			},
		},
		{
			name:   "cgroup v2",
			sample: v2Web,
			want: model.Stats{
				Read:          1741944413128,
				CPUPercent:    25, // 2.5e8 ns of 4e9 ns host time, times 4 CPUs
				OnlineCPUs:    4,
				MemoryUsage:   224395264 - 47890432, // usage - inactive_file
				MemoryLimit:   536870912,
				MemoryPercent: 32.8765869140625,
				NetworkRx:     5338 + 912,
				NetworkTx:     1526 + 656,
				BlockRead:     20480000 + 8192,
				BlockWrite:    4096000,
				Pids:          12,
			},
		},
		{
			name:   "cgroup v2, no networks",
			sample: v2Web,
			edit:   func(s *stats.Sample) { s.Networks = nil },
			want: model.Stats{
				Read:          1741944413128,
				CPUPercent:    25,
				OnlineCPUs:    4,
				MemoryUsage:   224395264 - 47890432,
				MemoryLimit:   536870912,
				MemoryPercent: 32.8765869140625,
				BlockRead:     20480000 + 8192,
				BlockWrite:    4096000,
				Pids:          12,
			},
		},
		{
			name:   "container CPU counter reset: no underflow",
			sample: v1Busy,
			edit:   func(s *stats.Sample) { s.CPU.Total = 1_000_000 },
			want: model.Stats{
				Read:          1795653383433,
				CPUPercent:    0,
				OnlineCPUs:    2,
				MemoryUsage:   491520,
				MemoryLimit:   25276510208,
				MemoryPercent: 0.001944572237050486,
				Pids:          1,
			},
		},
		{
			name:   "system CPU counter reset: no underflow",
			sample: v1Busy,
			edit:   func(s *stats.Sample) { s.CPU.System = 1_000_000 },
			want: model.Stats{
				Read:          1795653383433,
				CPUPercent:    0,
				OnlineCPUs:    2,
				MemoryUsage:   491520,
				MemoryLimit:   25276510208,
				MemoryPercent: 0.001944572237050486,
				Pids:          1,
			},
		},
		{
			name:   "missing memory limit",
			sample: v2Web,
			edit:   func(s *stats.Sample) { s.Memory.Limit = 0 },
			want: model.Stats{
				Read:        1741944413128,
				CPUPercent:  25,
				OnlineCPUs:  4,
				MemoryUsage: 224395264 - 47890432,
				NetworkRx:   5338 + 912,
				NetworkTx:   1526 + 656,
				BlockRead:   20480000 + 8192,
				BlockWrite:  4096000,
				Pids:        12,
			},
		},
		{
			name:   "old engine without online_cpus: count per-CPU usage",
			sample: v1Busy,
			edit: func(s *stats.Sample) {
				s.CPU.Online = 0
				s.CPU.PerCPU = []uint64{1, 2, 3, 4}
			},
			want: model.Stats{
				Read:          1795653383433,
				CPUPercent:    200.7322474,
				OnlineCPUs:    4,
				MemoryUsage:   491520,
				MemoryLimit:   25276510208,
				MemoryPercent: 0.001944572237050486,
				Pids:          1,
			},
		},
		{
			name:   "no CPU count at all",
			sample: v2Web,
			edit:   func(s *stats.Sample) { s.CPU.Online = 0 },
			want: model.Stats{
				Read:          1741944413128,
				OnlineCPUs:    0,
				MemoryUsage:   224395264 - 47890432,
				MemoryLimit:   536870912,
				MemoryPercent: 32.8765869140625,
				NetworkRx:     5338 + 912,
				NetworkTx:     1526 + 656,
				BlockRead:     20480000 + 8192,
				BlockWrite:    4096000,
				Pids:          12,
			},
		},
		{
			name:   "cgroup v2, inactive_file not below usage: usage as reported",
			sample: v2Web,
			edit:   func(s *stats.Sample) { s.Memory.InactiveFile = 224395264 },
			want: model.Stats{
				Read:          1741944413128,
				CPUPercent:    25,
				OnlineCPUs:    4,
				MemoryUsage:   224395264,
				MemoryLimit:   536870912,
				MemoryPercent: 41.796875,
				NetworkRx:     5338 + 912,
				NetworkTx:     1526 + 656,
				BlockRead:     20480000 + 8192,
				BlockWrite:    4096000,
				Pids:          12,
			},
		},
		{
			name:   "cgroup v1, total_inactive_file not below usage: falls back to inactive_file like the CLI",
			sample: v1Busy,
			edit: func(s *stats.Sample) {
				s.Memory.TotalInactiveFile, s.Memory.HasTotalInactiveFile = 491520, true
				s.Memory.InactiveFile = 4096
			},
			want: model.Stats{
				Read:          1795653383433,
				CPUPercent:    100.3661237,
				OnlineCPUs:    2,
				MemoryUsage:   491520 - 4096,
				MemoryLimit:   25276510208,
				MemoryPercent: 0.0019283674684083983,
				Pids:          1,
			},
		},
		{
			name:   "placeholder of a stopped container",
			sample: placeholder,
			want:   model.Stats{},
		},
		{
			name:   "Windows engine: not supported, but no panic",
			sample: windows,
			want: model.Stats{
				Read:      1741944413129,
				NetworkRx: 2538,
				NetworkTx: 1386,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := decode(t, tt.sample)
			if tt.edit != nil {
				tt.edit(&s)
			}
			want := tt.want
			want.Engine, want.ID = engine, id

			got := stats.Compute(engine, id, s)
			if !sameStats(got, want) {
				t.Errorf("Compute:\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

// sameStats compares exactly, except for percentages, which are compared to
// a relative precision far below anything shown.
func sameStats(a, b model.Stats) bool {
	if !closeTo(a.CPUPercent, b.CPUPercent) || !closeTo(a.MemoryPercent, b.MemoryPercent) {
		return false
	}
	a.CPUPercent, b.CPUPercent = 0, 0
	a.MemoryPercent, b.MemoryPercent = 0, 0
	return a == b
}

func closeTo(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

func BenchmarkCompute(b *testing.B) {
	samples := []struct {
		name string
		s    stats.Sample
	}{
		{"cgroup-v1", decode(b, v1Blkio)},
		{"cgroup-v2", decode(b, v2Web)},
	}
	for _, bm := range samples {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			var sink model.Stats
			for b.Loop() {
				sink = stats.Compute("local", "c1", bm.s)
			}
			if sink.Pids == 0 {
				b.Fatalf("Compute gave no pids: %+v", sink)
			}
		})
	}
}
