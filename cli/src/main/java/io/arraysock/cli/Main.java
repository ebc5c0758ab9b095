package io.arraysock.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.PrintWriter;

/**
 * {@code arraysock}: format and inspect arrays, move bytes and files through them, measure
 * them, and run the LAN-free backup. Every failure ends with a one-line message on stderr
 * and an exit code from {@link ExitCode}.
 */
@Command(name = "arraysock", mixinStandardHelpOptions = true, version = "arraysock 0.1.0",
        description = "Sockets through shared storage: a /dev/shm segment or a shared block device.",
        subcommands = {FormatCommand.class, StatusCommand.class, ListenCommand.class, ConnectCommand.class, ForwardCommand.class,
                SendCommand.class, RecvCommand.class, BenchCommand.class, BenchCommand.Peer.class,
                BackupServerCommand.class, BackupClientCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "full stack traces, and the library's DEBUG log, on stderr")
    void debug(boolean on) {
        if (on) {
            CliLogging.enableDebug();
        }
    }

    public static void main(String[] args) {
        CliLogging.install();
        Thread.setDefaultUncaughtExceptionHandler(Main::uncaught);
        System.exit(commandLine().execute(args));
    }

    /** A failure on a thread of a command's own (netcat's stdin pump, say): one line, not a stack trace. */
    private static void uncaught(Thread thread, Throwable e) {
        System.err.println("arraysock: " + thread.getName() + " failed: " + ExitCode.describe(MediumFaults.typed(e)));
        if (CliLogging.debug()) {
            e.printStackTrace();
        }
    }

    /** The configured command line: error handling and exit codes as the tests and scripts see them. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            err.println("arraysock " + cmd.getCommandName() + ": " + ExitCode.describe(e));
            if (CliLogging.debug()) {
                e.printStackTrace(err);
            }
            err.flush();
            return ExitCode.of(e);
        });
        cl.setExecutionStrategy(Main::executeTypingFaults);
        listExitCodes(cl);
        return cl;
    }

    /** Every command's help lists the exit codes, not only the top level's. */
    private static void listExitCodes(CommandLine cl) {
        cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCode.descriptions());
        cl.getSubcommands().values().forEach(Main::listExitCodes);
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
