package io.arraysock.cli;

import io.arraysock.ArraySocket;
import io.arraysock.net.ArraySocketAddress;

import java.io.IOException;

/** A listening array socket for {@code arraysock forward}. */
final class ArrayListener implements ForwardListener {
    private final ArraySocket listener;
    private final String shown;

    ArrayListener(ArrayAttachments arrays, ArraySocketAddress address, int backlog) throws IOException {
        this.listener = arrays.open(address.arrayPath());
        try {
            listener.bind(address.port());
            listener.listen(backlog);
        } catch (IOException | RuntimeException e) {
            listener.close();
            throw e;
        }
        this.shown = new ArraySocketAddress(address.arrayPath(), listener.localPort()).toString();
    }

    @Override
    public Conduit accept() throws IOException {
        ArraySocket s = listener.accept();
        return new ArrayConduit(s, "array node " + s.remoteNode());
    }

    @Override
    public String address() {
        return shown;
    }

    @Override
    public void close() {
        listener.close();
    }
}
