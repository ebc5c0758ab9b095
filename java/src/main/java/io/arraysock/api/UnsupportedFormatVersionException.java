package io.arraysock.api;

/** The array was formatted with a major format version this library does not speak. */
public final class UnsupportedFormatVersionException extends ArrayException {
    private static final long serialVersionUID = 1L;

    private final int foundMajor;
    private final int foundMinor;

    public UnsupportedFormatVersionException(String path, int foundMajor, int foundMinor, int supportedMajor, int supportedMinor) {
        super(path, "format version " + foundMajor + "." + foundMinor + " is not supported (this library reads "
                + supportedMajor + ".x, writes " + supportedMajor + "." + supportedMinor + ")");
        this.foundMajor = foundMajor;
        this.foundMinor = foundMinor;
    }

    public int foundMajor() {
        return foundMajor;
    }

    public int foundMinor() {
        return foundMinor;
    }
}
