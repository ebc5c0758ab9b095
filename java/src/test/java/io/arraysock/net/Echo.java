package io.arraysock.net;

import java.rmi.Remote;
import java.rmi.RemoteException;

/** The remote interface of the RMI test: large arguments in, large results out. */
public interface Echo extends Remote {
    /** Each byte XOR 0x5A: proves the server saw the argument and the result came back. */
    byte[] transform(byte[] data) throws RemoteException;

    /** {@code size} seeded pseudo-random bytes, made by the server. */
    byte[] make(int size, long seed) throws RemoteException;

    /** The server's node slot on the array. */
    int serverNode() throws RemoteException;
}
