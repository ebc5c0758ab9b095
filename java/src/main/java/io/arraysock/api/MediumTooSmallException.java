package io.arraysock.api;

/** The medium holds fewer bytes than the array's geometry needs. */
public final class MediumTooSmallException extends ArrayException {
    private static final long serialVersionUID = 1L;

    private final long actualSize;
    private final long requiredSize;

    public MediumTooSmallException(String path, long actualSize, long requiredSize) {
        super(path, "medium is " + actualSize + " bytes, the array's geometry needs " + requiredSize);
        this.actualSize = actualSize;
        this.requiredSize = requiredSize;
    }

    public long actualSize() {
        return actualSize;
    }

    public long requiredSize() {
        return requiredSize;
    }
}
