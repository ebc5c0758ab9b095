package io.arraysock.net;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The RMI factory's identity: it travels by value and finds the array by UUID under another path. */
class RmiArraySocketFactoryTest {
    @Test
    void aDeserializedFactoryUsesTheArrayAttachedHereUnderAnotherPath() throws Exception {
        try (ShmArray array = ShmArray.create()) {
            RmiArraySocketFactory f = new RmiArraySocketFactory(array.path);
            Path alias = Path.of(array.path + "-alias");
            Files.createLink(alias, Path.of(array.path)); // a hard link: shm_open follows no symlinks
            try {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                    out.writeObject(f);
                }
                RmiArraySocketFactory copy;
                try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                    copy = (RmiArraySocketFactory) in.readObject();
                }
                assertEquals(f, copy);
                assertEquals(f.hashCode(), copy.hashCode());
                // this "host" knows the storage only as the alias (another device name)
                array.lease.close();
                assertEquals(0, SharedArrays.references(array.path));
                assertEquals(array.path, copy.localPath(), "nothing attached: the exporter's path");
                try (SharedArrays.Lease here = SharedArrays.acquire(alias.toString())) {
                    assertEquals(alias.toString(), copy.localPath());
                }
            } finally {
                Files.delete(alias);
            }
        }
    }
}
