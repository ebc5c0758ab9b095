package io.arraysock.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * JSSE, another client nobody here wrote, layered over array sockets: TLS 1.3 handshakes
 * through the array and 4 MiB travel encrypted, using only the Socket contract
 * (streams, timeouts, close).
 */
class TlsOverArrayTest {
    private static final char[] PASSWORD = "arraysock".toCharArray();

    @Test
    void tlsLayeredOnAnArraySocket(@TempDir Path dir) throws Exception {
        SSLContext tls = selfSigned(dir.resolve("tls.p12"));
        SSLSocketFactory layer = tls.getSocketFactory();
        byte[] data = new byte[4 << 20];
        new Random(3).nextBytes(data);
        try (ShmArray array = ShmArray.create();
             ServerSocket ss = new ArrayServerSocketFactory(array.path).createServerSocket(0)) {
            CompletableFuture<byte[]> server = CompletableFuture.supplyAsync(() -> {
                try (Socket plain = ss.accept();
                     SSLSocket s = (SSLSocket) layer.createSocket(plain, null, plain.getPort(), true)) {
                    s.setUseClientMode(false);
                    InputStream in = s.getInputStream();
                    byte[] got = in.readNBytes(data.length);
                    s.getOutputStream().write(MessageDigest.getInstance("SHA-256").digest(got));
                    s.getOutputStream().flush();
                    return got;
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Socket plain = new ArraySocketFactory(array.path).createSocket("127.0.0.1", ss.getLocalPort());
            try (SSLSocket c = (SSLSocket) layer.createSocket(plain, "127.0.0.1", ss.getLocalPort(), true)) {
                c.startHandshake();
                assertTrue(c.getSession().getProtocol().startsWith("TLS"), c.getSession().getProtocol());
                c.getOutputStream().write(data);
                c.getOutputStream().flush();
                byte[] digest = c.getInputStream().readNBytes(32);
                assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), digest);
            }
            assertTrue(plain.isClosed(), "closing the TLS socket closed the array socket (autoClose)");
            assertArrayEquals(data, server.get(60, TimeUnit.SECONDS));
        }
    }

    /** A key pair and self-signed certificate made by the JDK's keytool, trusted by itself. */
    private static SSLContext selfSigned(Path store) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "arraysock", "-keyalg", "EC",
                "-dname", "CN=localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool: " + out);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(store)) {
            ks.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }
}
