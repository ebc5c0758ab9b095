package io.arraysock.grpc;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The client's side of a streaming call in the tests and the benchmark: each response goes
 * to {@code onMessage}, and the call's end (OK, or the status it failed with) to {@link #end}.
 */
final class ResponseObserver implements ClientResponseObserver<byte[], byte[]> {
    /** OK when the server completed the call, else its status. */
    final CompletableFuture<Status> end = new CompletableFuture<>();
    private final Consumer<byte[]> onMessage;
    private volatile ClientCallStreamObserver<byte[]> call;

    ResponseObserver(Consumer<byte[]> onMessage) {
        this.onMessage = onMessage;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<byte[]> requestStream) {
        call = requestStream;
    }

    @Override
    public void onNext(byte[] value) {
        onMessage.accept(value);
    }

    @Override
    public void onError(Throwable t) {
        end.complete(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
        end.complete(Status.OK);
    }

    /** Cancels the call from this side. */
    void cancel(String why) {
        call.cancel(why, null);
    }

    /** How the call ended, waiting for it at most {@code timeout}. */
    Status awaitEnd(Duration timeout) throws Exception {
        return end.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
