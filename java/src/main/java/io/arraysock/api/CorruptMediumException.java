package io.arraysock.api;

/** A record failed its checksum after several reads, or a field is out of range: the message names the structure, the field and the value. */
public final class CorruptMediumException extends ArrayException {
    private static final long serialVersionUID = 1L;

    public CorruptMediumException(String path, String message) {
        super(path, message);
    }
}
