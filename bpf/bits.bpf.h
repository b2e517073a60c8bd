/* Small helpers shared by the nettop BPF programs. */
#ifndef NETTOP_BITS_BPF_H
#define NETTOP_BITS_BPF_H

#include <bpf/bpf_helpers.h>

/* One load the compiler may neither repeat nor merge: for fields others write concurrently. */
#define READ_ONCE(x) (*(volatile typeof(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile typeof(x) *)&(x) = (v))

/*
 * Look a key up, inserting a zero value first when it is missing. Returns NULL
 * only when the map is full; the caller counts that, so nothing is lost silently.
 */
static __always_inline void *lookup_or_init(void *map, const void *key, const void *zero)
{
	void *val = bpf_map_lookup_elem(map, key);
	if (val)
		return val;
	/* BPF_NOEXIST: a racing CPU may have inserted it; -EEXIST is fine. */
	bpf_map_update_elem(map, key, zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(map, key);
}

/* An object's lost-update counters (bpf/nettop.h LOST_*): a PERCPU_ARRAY named `name`. */
#define LOST_COUNTERS(name)                                                    \
	struct {                                                                \
		__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);                        \
		__uint(max_entries, LOST_SLOTS);                                \
		__type(key, __u32);                                             \
		__type(value, __u64);                                           \
	} name SEC(".maps");

static __always_inline void count_lost(void *lost_map, __u32 idx)
{
	__u64 *n = bpf_map_lookup_elem(lost_map, &idx);
	if (n)
		__sync_fetch_and_add(n, 1); /* per-CPU, yet another program can run nested on this CPU (a softirq at an irq's exit) */
}

/* floor(log2(v)) for v > 0, and 0 for v == 0: a log2 histogram slot. */
static __always_inline __u32 log2_u32(__u32 v)
{
	__u32 r, shift;

	r = (v > 0xffff) << 4;
	v >>= r;
	shift = (v > 0xff) << 3;
	v >>= shift;
	r |= shift;
	shift = (v > 0xf) << 2;
	v >>= shift;
	r |= shift;
	shift = (v > 0x3) << 1;
	v >>= shift;
	r |= shift;
	return r | (v >> 1);
}

#endif
