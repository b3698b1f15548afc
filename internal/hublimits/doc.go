// Package hublimits holds what the local Kafka broker needs to behave like an Azure Event Hubs
// Standard namespace of a sample tier: the tier's byte-rate limits as Kafka client quotas, the
// 1 MB message limit and the refusal of transactions, as broker settings and the admin calls
// that apply them.
//
// Mapping. Event Hubs meters a namespace: all its clients share ingress of 1 MB/s and egress of
// 2 MB/s per throughput unit. Kafka 4.1 meters a quota entity per broker (ClientQuotaManager:
// every connection whose (user, client-id) maps to the same quota entity records into one
// sensor). A quota on the default client-id would apply to each client separately, not in sum.
// Every client of the local broker comes in through its PLAINTEXT listener as the principal
// User:ANONYMOUS, so a quota on that one user is one sensor shared by every client of the
// broker — the generator, the relay's source and sink, the verifier — which is the namespace's
// shared budget. Throttled clients are delayed (throttle_time_ms in produce and fetch
// responses), which is also what Event Hubs' Kafka endpoint does.
//
// Not reproduced: the per-TU event-count limits (1,000 events/s in, 4,096 out: Kafka has no
// message-count quota), per-partition limits, and a namespace spread over several brokers (each
// broker meters its own share, so N brokers let N times the rate through).
package hublimits
