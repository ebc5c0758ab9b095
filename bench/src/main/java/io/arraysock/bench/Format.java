package io.arraysock.bench;

import io.arraysock.FormatOptions;
import io.arraysock.StorageArray;

/** Formats the array a benchmark run uses (a /dev/shm segment or a block device). Argument: path. */
public final class Format {
    private Format() {
    }

    public static void main(String[] args) throws Exception {
        StorageArray.format(args[0], FormatOptions.defaults().withNodeSlots(4).withSocketsPerNode(128)
                .withArenaSize(64L << 20).withForce(true));
    }
}
