package io.arraysock.socket;

/** The fields of {@link DirectionCounters}, after the padding (a superclass's fields come first). */
abstract class DirectionCountersFields extends RingEndPadding {
    long bytes;
    long messages;
    long waits;
    long wakes;
}
