package dev.tether.local;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A tool's command line, checked whole before the tool does any work: {@code --name value} options, {@code --flag}
 * switches and a fixed number of positional arguments. {@code --help} (or {@code -h}) asks for the usage; an unknown
 * option, a missing value, a malformed number or a wrong number of arguments is a {@link UsageException} that names
 * what to fix.
 */
public final class CommandLine {

    /** The exit status of a command line that cannot be run, as the shells' own tools use it. */
    public static final int USAGE_EXIT = 2;

    /** The command line cannot be run; the message says why. */
    public static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }

    /** {@code --help} was asked for. */
    public static final class HelpRequested extends Exception {
        private static final long serialVersionUID = 1L;

        HelpRequested() {
            super("help", null, false, false);
        }
    }

    /** Turns a parsed command line into a tool's options; may reject values. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(CommandLine line) throws UsageException;
    }

    private final Map<String, String> values;
    private final Set<String> flags;
    private final List<String> positional;

    private CommandLine(Map<String, String> values, Set<String> flags, List<String> positional) {
        this.values = values;
        this.flags = flags;
        this.positional = positional;
    }

    /**
     * Parses {@code args}: options in {@code valued} take the next argument as their value, those in {@code switches}
     * take none, and exactly {@code positionalCount} other arguments are expected.
     */
    public static CommandLine parse(String[] args, Set<String> valued, Set<String> switches, int positionalCount)
            throws UsageException, HelpRequested {
        Map<String, String> values = new HashMap<>();
        Set<String> flags = new HashSet<>();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                throw new HelpRequested();
            }
            if (switches.contains(arg)) {
                flags.add(arg);
            } else if (valued.contains(arg)) {
                if (i + 1 >= args.length) {
                    throw new UsageException(arg + " needs a value");
                }
                if (values.put(arg, args[++i]) != null) {
                    throw new UsageException(arg + " is given twice");
                }
            } else if (arg.startsWith("-")) {
                throw new UsageException("unknown option " + arg);
            } else {
                positional.add(arg);
            }
        }
        if (positional.size() != positionalCount) {
            throw new UsageException(
                    positionalCount == 0
                            ? "unexpected argument " + positional.get(0)
                            : "expected " + positionalCount + " argument(s), got " + positional.size());
        }
        return new CommandLine(values, flags, positional);
    }

    /**
     * What a tool's {@code main} calls: parses and reads {@code args}; on {@code --help} prints {@code usage} to
     * standard output and exits 0, on a usage error prints the error and the usage to standard error and exits 2.
     */
    public static <T> T parseOrExit(
            String[] args,
            String usage,
            Set<String> valued,
            Set<String> switches,
            int positionalCount,
            Reader<T> reader) {
        return parseOrExit(
                args, usage, valued, switches, positionalCount, reader, System.out, System.err, System::exit);
    }

    /** {@link #parseOrExit} with its streams and exit given, for tests. */
    static <T> T parseOrExit(
            String[] args,
            String usage,
            Set<String> valued,
            Set<String> switches,
            int positionalCount,
            Reader<T> reader,
            PrintStream out,
            PrintStream err,
            java.util.function.IntConsumer exit) {
        try {
            return reader.read(parse(args, valued, switches, positionalCount));
        } catch (HelpRequested e) {
            out.println(usage);
            exit.accept(0);
        } catch (UsageException e) {
            err.println(e.getMessage());
            err.println(usage);
            exit.accept(USAGE_EXIT);
        }
        return null;
    }

    /** The value of {@code name}, or {@code fallback} when it was not given. */
    public String text(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /** A whole number of at least {@code min}, or {@code fallback}. */
    public int integer(String name, int fallback, int min) throws UsageException {
        long value = number(name, fallback, min);
        if (value > Integer.MAX_VALUE) {
            throw new UsageException(name + " must be at most " + Integer.MAX_VALUE);
        }
        return (int) value;
    }

    /** A whole number of at least {@code min}, or {@code fallback}. */
    public long number(String name, long fallback, long min) throws UsageException {
        String text = values.get(name);
        if (text == null) {
            return fallback;
        }
        long value;
        try {
            value = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(name + " needs a whole number; got '" + text + "'");
        }
        if (value < min) {
            throw new UsageException(name + " must be at least " + min + "; got " + value);
        }
        return value;
    }

    /** A number from {@code min} to {@code max}, or {@code fallback}. */
    public double decimal(String name, double fallback, double min, double max) throws UsageException {
        String text = values.get(name);
        if (text == null) {
            return fallback;
        }
        double value;
        try {
            value = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(name + " needs a number; got '" + text + "'");
        }
        if (!(value >= min && value <= max)) {
            throw new UsageException(name + " must be from " + min + " to " + max + "; got " + text);
        }
        return value;
    }

    /** Whether switch {@code name} was given. */
    public boolean flag(String name) {
        return flags.contains(name);
    }

    /** The positional arguments, in order. */
    public List<String> positional() {
        return positional;
    }
}
