/* A sampled event list: each CPU sends at most one event per event_interval_ns, a token bucket that saves up to a second's worth for a burst. */
#ifndef NETTOP_SAMPLE_BPF_H
#define NETTOP_SAMPLE_BPF_H

#include <bpf/bpf_helpers.h>
#include "nettop.h"

/*
 * Set by userspace at load from the total rate it wants
 * (source/kernel/sampling.ts); 0 sends every event.
 */
const volatile __u64 event_interval_ns = 0;

#define SAMPLE_BURST_NS 1000000000ULL

/*
 * Defines <prefix>_budget: each CPU's bucket, with the events the sampling
 * left out (not lost: the list is a sample by design). One lookup an event.
 */
#define SAMPLER(prefix)                                                         \
	struct {                                                                \
		__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);                        \
		__uint(max_entries, 1);                                         \
		__type(key, __u32);                                             \
		__type(value, struct nt_sample_budget);                         \
	} prefix##_budget SEC(".maps");

/* Whether this CPU may send an event now; counts the ones it may not. */
static __always_inline bool sampled_in(void *budget_map)
{
	__u32 zero = 0;
	struct nt_sample_budget *b;
	__u64 now, credit;

	if (!event_interval_ns)
		return true;
	b = bpf_map_lookup_elem(budget_map, &zero);
	if (!b)
		return true;
	now = bpf_ktime_get_ns();
	credit = b->credit_ns + (now - b->last_ns);
	b->last_ns = now;
	if (credit > SAMPLE_BURST_NS)
		credit = SAMPLE_BURST_NS;
	if (credit >= event_interval_ns) {
		b->credit_ns = credit - event_interval_ns;
		return true;
	}
	b->credit_ns = credit;
	/* Atomic: another program of the object can run nested on this CPU (a softirq at an irq's exit) between a load and a store. */
	__sync_fetch_and_add(&b->sampled, 1);
	return false;
}

/* An event not even offered to the bucket (a storm's 1 in N rule): counted as sampled out, without a clock read. */
static __always_inline void sampled_out(void *budget_map)
{
	__u32 zero = 0;
	struct nt_sample_budget *b = bpf_map_lookup_elem(budget_map, &zero);

	if (b)
		__sync_fetch_and_add(&b->sampled, 1);
}

#endif
