package generate

import (
	"context"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// deviceIndex is the position in devices of event k's device: round robin over all devices,
// and from quietFrom on over the devices that are not quiet.
func (g *generator) deviceIndex(k int64) int {
	if g.quietFrom == 0 || k < g.quietFrom {
		return int(k % int64(len(g.devices)))
	}
	return g.quiet + int((k-g.quietFrom)%int64(len(g.devices)-g.quiet))
}

// send encodes and produces event k (and, by chance, its byte-identical duplicate). It returns
// false, having sent nothing more, when ctx ends or deadline (when not zero) passes while it
// waits for room in the client's buffer.
func (g *generator) send(ctx context.Context, k int64, intended, deadline time.Time) bool {
	i := g.deviceIndex(k)
	device := g.devices[i]
	o := g.recs.Get().(*outRec)
	o.key = g.enc.AppendKey(o.key[:0], device)
	if !g.waitForSpace(ctx, len(o.key)+cap(o.value), deadline) {
		g.recs.Put(o)
		return false
	}
	seq := g.seqs[i]
	g.seqs[i]++
	now := time.Now()
	g.lastSend = now
	o.value = g.enc.Append(o.value[:0], device, seq, now.UnixMicro())
	var dup *outRec
	if g.cfg.DuplicateFraction > 0 && g.dupRNG.Float64() < g.cfg.DuplicateFraction {
		// Copied before the original is produced: once it is, its promise may recycle it.
		dup = g.recs.Get().(*outRec)
		dup.key, dup.value = append(dup.key[:0], o.key...), append(dup.value[:0], o.value...)
	}
	g.stats.sent(now.Sub(intended), len(o.value), false)
	g.produce(o, now)
	if dup != nil {
		if !g.waitForSpace(ctx, len(dup.key)+len(dup.value), deadline) {
			g.recs.Put(dup)
			return true
		}
		g.stats.sent(0, len(dup.value), true)
		g.produce(dup, time.Now())
	}
	return true
}

// outRec is one record on its way to the broker: the kgo.Record, its key and value buffers,
// and when it was handed to the client. outRecs are pooled: the promise puts one back, as
// franz-go no longer touches a record once its promise has been called. So the send path
// allocates nothing per event; the promise is bound once per outRec.
type outRec struct {
	rec        kgo.Record
	key, value []byte
	sentAt     time.Time
	g          *generator
	promise    func(*kgo.Record, error)
}

func (g *generator) newOutRec() any {
	o := &outRec{g: g, key: make([]byte, 0, len(g.cfg.DeviceIDPrefix)+8), value: make([]byte, 0, 1200)}
	o.promise = o.done
	return o
}

// done is o's promise: it counts the outcome and recycles o.
func (o *outRec) done(_ *kgo.Record, err error) {
	g := o.g
	g.stats.ack(time.Since(o.sentAt), err)
	o.rec = kgo.Record{}
	g.recs.Put(o)
	g.inFlight.Add(-1)
	if g.waiting.Load() {
		select {
		case g.space <- struct{}{}:
		default:
		}
	}
}

// waitForSpace returns true once the client's buffer can take a record of about size bytes
// without Produce blocking, false when ctx ends or deadline (when not zero) passes first.
// Meanwhile it keeps the progress lines coming, so a stalled broker shows.
func (g *generator) waitForSpace(ctx context.Context, size int, deadline time.Time) bool {
	if g.hasSpace(size) {
		return true
	}
	g.waiting.Store(true)
	defer g.waiting.Store(false)
	timer := time.NewTimer(spaceCheck)
	defer timer.Stop()
	for !g.hasSpace(size) {
		now := time.Now()
		if ctx.Err() != nil || (!deadline.IsZero() && !now.Before(deadline)) {
			return false
		}
		g.prog.maybePrint(now, g.stats)
		timer.Reset(spaceCheck)
		select {
		case <-ctx.Done():
			return false
		case <-g.space:
		case <-timer.C:
		}
	}
	return true
}

// hasSpace says whether Produce would take a record of size bytes without blocking. Only this
// generator produces with the client, so the buffer can only drain between this check and the
// Produce after it. (A promise fires just before the client frees its record's room, so a
// Produce may still wait a moment, never long.)
func (g *generator) hasSpace(size int) bool {
	if g.maxBuffered > 0 && g.inFlight.Load() >= g.maxBuffered {
		return false
	}
	if g.maxBufferedBytes > 0 && g.client.BufferedProduceBytes()+int64(size) > g.maxBufferedBytes {
		return false
	}
	return true
}

// produce hands o to the client; o goes back to the pool when its promise fires.
func (g *generator) produce(o *outRec, sentAt time.Time) {
	o.sentAt = sentAt
	o.rec = kgo.Record{Topic: g.cfg.Topic, Key: o.key, Value: o.value}
	g.inFlight.Add(1)
	g.client.Produce(g.recCtx, &o.rec, o.promise)
}
