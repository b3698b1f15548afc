package io.streamscale.yarn;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The launcher's command line: a command ({@code start}, {@code stop} or {@code status})
 * followed by {@code --name value} options. Unknown options are refused, so a typo in the Go
 * caller fails at once instead of deploying with a default.
 */
final class LauncherArgs {
    /** Options every command takes. */
    private static final Set<String> KNOWN =
            Set.of(
                    "yarn-conf",
                    "flink-conf",
                    "dist-jar",
                    "name",
                    "jobmanager-memory-mb",
                    "taskmanager-memory-mb",
                    "slots",
                    "application-id",
                    "queue");

    final String command;
    private final Map<String, String> options;

    private LauncherArgs(String command, Map<String, String> options) {
        this.command = command;
        this.options = options;
    }

    /** Parses {@code args}; throws {@link IllegalArgumentException} naming what is wrong. */
    static LauncherArgs parse(String[] args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("missing command: start, stop or status");
        }
        String command = args[0];
        if (!Set.of("start", "stop", "status").contains(command)) {
            throw new IllegalArgumentException(
                    "unknown command " + command + ": use start, stop or status");
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i += 2) {
            String key = args[i];
            if (!key.startsWith("--") || !KNOWN.contains(key.substring(2))) {
                throw new IllegalArgumentException("unknown option " + key);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + key + " needs a value");
            }
            options.put(key.substring(2), args[i + 1]);
        }
        return new LauncherArgs(command, options);
    }

    /** The value of option {@code name}; throws when it was not given. */
    String required(String name) {
        String v = options.get(name);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException(command + " needs --" + name);
        }
        return v;
    }

    /** The value of option {@code name}, or {@code fallback}. */
    String optional(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    /** The positive integer value of option {@code name}. */
    int positiveInt(String name) {
        String v = required(name);
        try {
            int n = Integer.parseInt(v);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--" + name + " must be a positive integer, got " + v);
    }
}
