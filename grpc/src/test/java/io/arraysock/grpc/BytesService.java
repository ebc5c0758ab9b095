package io.arraysock.grpc;

import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The test service, with no code generation: methods over {@code byte[]} (a marshaller that
 * hands the bytes through) built from grpc's {@link MethodDescriptor}s.
 * <ul>
 * <li>{@code Echo} (unary): answers the request.
 * <li>{@code Stream} (server streaming): the request is {@link #streamRequest(int, int)}
 * (count, size); answers {@code count} messages of {@code size} bytes, message {@code i}
 * filled by {@link #fill}, or without end for a negative count, as fast as the client's flow
 * control lets it.
 * <li>{@code Chat} (bidi streaming): answers each message with itself, and completes when the
 * client does.
 * <li>{@code Hang} (unary): never answers.
 * </ul>
 * A call the server sees cancelled (by the client, or by its deadline) is reported to
 * {@code events} as {@code CANCELLED <method> <messages sent>}.
 */
final class BytesService {
    static final String NAME = "arraysock.test.Bytes";
    static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
    static final MethodDescriptor<byte[], byte[]> ECHO = method("Echo", MethodDescriptor.MethodType.UNARY);
    static final MethodDescriptor<byte[], byte[]> STREAM = method("Stream", MethodDescriptor.MethodType.SERVER_STREAMING);
    static final MethodDescriptor<byte[], byte[]> CHAT = method("Chat", MethodDescriptor.MethodType.BIDI_STREAMING);
    static final MethodDescriptor<byte[], byte[]> HANG = method("Hang", MethodDescriptor.MethodType.UNARY);

    private BytesService() {
    }

    private static MethodDescriptor<byte[], byte[]> method(String name, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<byte[], byte[]>newBuilder().setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(NAME, name))
                .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
    }

    static ServerServiceDefinition definition(Consumer<String> events) {
        return ServerServiceDefinition.builder(NAME)
                .addMethod(ECHO, ServerCalls.asyncUnaryCall((req, out) -> {
                    out.onNext(req);
                    out.onCompleted();
                }))
                .addMethod(STREAM, ServerCalls.asyncServerStreamingCall((req, out) -> stream(req, out, events)))
                .addMethod(CHAT, ServerCalls.asyncBidiStreamingCall(out -> chat(out, events)))
                .addMethod(HANG, ServerCalls.asyncUnaryCall((req, out) ->
                        ((ServerCallStreamObserver<byte[]>) out).setOnCancelHandler(() -> events.accept("CANCELLED Hang 0"))))
                .build();
    }

    static byte[] streamRequest(int count, int size) {
        return ByteBuffer.allocate(8).putInt(count).putInt(size).array();
    }

    /** Message {@code index} of a stream: bytes that differ per position and per message. */
    static byte[] fill(int index, int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (i * 31 + index * 7 + (i >>> 8));
        }
        return b;
    }

    private static void stream(byte[] req, StreamObserver<byte[]> out, Consumer<String> events) {
        ByteBuffer r = ByteBuffer.wrap(req);
        if (r.remaining() != 8) {
            out.onError(Status.INVALID_ARGUMENT.withDescription("want 8 bytes (count, size), got " + req.length).asRuntimeException());
            return;
        }
        int count = r.getInt();
        int size = r.getInt();
        ServerCallStreamObserver<byte[]> call = (ServerCallStreamObserver<byte[]>) out;
        int[] sent = {0};
        AtomicBoolean done = new AtomicBoolean();
        call.setOnCancelHandler(() -> events.accept("CANCELLED Stream " + sent[0]));
        // flow control: send while the transport wants more; gRPC calls this again when it does
        call.setOnReadyHandler(() -> {
            while (call.isReady() && !call.isCancelled() && !done.get()) {
                if (count >= 0 && sent[0] == count) {
                    done.set(true);
                    call.onCompleted();
                    return;
                }
                call.onNext(fill(sent[0]++, size));
            }
        });
    }

    private static StreamObserver<byte[]> chat(StreamObserver<byte[]> out, Consumer<String> events) {
        ServerCallStreamObserver<byte[]> call = (ServerCallStreamObserver<byte[]>) out;
        int[] sent = {0};
        call.setOnCancelHandler(() -> events.accept("CANCELLED Chat " + sent[0]));
        return new StreamObserver<>() {
            @Override
            public void onNext(byte[] value) {
                out.onNext(value);
                sent[0]++;
            }

            @Override
            public void onError(Throwable t) {
                // the client went away: the cancel handler said so
            }

            @Override
            public void onCompleted() {
                out.onCompleted();
            }
        };
    }
}
