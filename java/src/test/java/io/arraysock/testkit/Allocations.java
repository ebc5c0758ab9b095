package io.arraysock.testkit;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;

/** What a thread allocates: for the tests that show a hot path allocates nothing. */
public final class Allocations {
    private Allocations() {
    }

    /** This thread's allocated bytes so far, through the platform's Threading MBean (com.sun.management is not read here). */
    public static long ofThisThread() {
        try {
            return (Long) ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("java.lang:type=Threading"),
                    "getThreadAllocatedBytes", new Object[] {Thread.currentThread().getId()}, new String[] {"long"});
        } catch (Exception e) {
            throw new IllegalStateException("the Threading MBean cannot tell allocated bytes", e);
        }
    }
}
