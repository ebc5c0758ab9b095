package io.arraysock.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * {@code arraysock}: format and inspect arrays, move bytes and files through them, measure
 * them, and run the LAN-free backup. Every failure ends with a one-line message on stderr
 * and an exit code from {@link ExitCode}.
 */
@Command(name = "arraysock", mixinStandardHelpOptions = true, version = "arraysock 0.1.0",
        description = "Sockets through shared storage: a /dev/shm segment or a shared block device.",
        subcommands = {FormatCommand.class, StatusCommand.class, ListenCommand.class, ConnectCommand.class,
                SendCommand.class, RecvCommand.class, BenchCommand.class, BenchCommand.Peer.class,
                BackupServerCommand.class, BackupClientCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:success", "1:I/O error", "2:bad command line", "3:no such path", "4:not an array (not formatted)",
                "5:already formatted (use --force)", "6:port in use", "7:connection refused (nothing listens)",
                "8:timed out", "9:connection reset or broken pipe", "10:permission denied", "11:no free node slot",
                "12:medium too small", "13:verification failed (checksum or size)", "14:corrupt or unsupported array",
                "15:protocol error or request refused by the peer", "16:finished, but some items failed",
                "17:no space (the tmpfs or disk is full)", "18:array in use: live nodes (format --force-live overrides)"})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        Thread.setDefaultUncaughtExceptionHandler(Main::uncaught);
        System.exit(commandLine().execute(args));
    }

    /** A failure on a thread of a command's own (netcat's stdin pump, say): one line, not a stack trace. */
    private static void uncaught(Thread thread, Throwable e) {
        System.err.println("arraysock: " + thread.getName() + " failed: " + ExitCode.describe(e));
        if (Boolean.getBoolean("arraysock.debug")) {
            e.printStackTrace();
        }
    }

    /** The configured command line: error handling and exit codes as the tests and scripts see them. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            err.println("arraysock " + cmd.getCommandName() + ": " + ExitCode.describe(e));
            if (Boolean.getBoolean("arraysock.debug")) {
                e.printStackTrace(err);
            }
            err.flush();
            return ExitCode.of(e);
        });
        cl.setExecutionStrategy(Main::executeTypingFaults);
        return cl;
    }

    /**
     * Runs the command; a memory fault of the medium (the JVM's {@link InternalError}, which
     * it may deliver at any later unsafe access, outside every library call) becomes the
     * typed error that says why, handled like any other failure.
     */
    private static int executeTypingFaults(CommandLine.ParseResult parsed) {
        try {
            return new CommandLine.RunLast().execute(parsed);
        } catch (InternalError e) {
            CommandLine cmd = parsed.asCommandLineList().get(parsed.asCommandLineList().size() - 1);
            Exception typed = MediumFaults.explain(cmd.getParseResult(), e);
            try {
                return cmd.getExecutionExceptionHandler().handleExecutionException(typed, cmd, cmd.getParseResult());
            } catch (Exception unhandled) {
                throw new CommandLine.ExecutionException(cmd, unhandled.getMessage(), unhandled);
            }
        }
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is missing");
    }
}
