package io.arraysock.socket;

/**
 * 128 bytes ahead of a ring end's fields, as JCTools pads its queues' indices: a
 * connection's producer (written by the sending thread on every send) and consumer
 * (written by the receiving thread on every receive) are allocated back to back, and
 * without this the producer's last fields and the consumer's first ones could share a
 * cache line, or an adjacent-line prefetch pair. HotSpot lays out a superclass's fields
 * before its subclasses', so the ring end's own fields start past these.
 */
abstract class RingEndPadding {
    long p00, p01, p02, p03, p04, p05, p06, p07;
    long p10, p11, p12, p13, p14, p15, p16, p17;
}
