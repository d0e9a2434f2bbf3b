package dev.gantry.bench;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.gantry.config.ConfigException;
import dev.gantry.config.DatabaseUrl;

/**
 * What to run and how big: {@code --quick} shrinks every workload so the whole run takes under
 * three minutes; {@code --only w2,w3_listen} picks workloads ({@code chosen}: the user named them).
 * The database comes from {@code DATABASE_URL} (default: the local PostgreSQL); all work happens
 * in a scratch schema.
 */
record BenchOptions(String databaseUrl, DatabaseUrl database, String schema, boolean quick, Set<String> only,
                    boolean chosen, String serverJar) {
    static final List<String> WORKLOADS = List.of("w0", "w1_single", "w1_bulk", "w2", "w2_64", "w3_listen", "w3_poll", "stats",
            "dashboard", "schedules", "retention");
    static final String DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres";

    static BenchOptions parse(String[] args, String env, String serverJar) {
        boolean quick = false;
        boolean chosen = false;
        // w2_64 (one W2 run at concurrency 64, for profiling) is part of w2 in a full run
        Set<String> only = new LinkedHashSet<>(WORKLOADS);
        only.remove("w2_64");
        String schema = "gantry_bench";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--only" -> {
                    if (i + 1 >= args.length) throw new ConfigException("--only", "needs a list such as w2,w3_listen");
                    only = new LinkedHashSet<>(List.of(args[++i].split(",")));
                    chosen = true;
                    for (String w : only) {
                        if (!WORKLOADS.contains(w)) {
                            throw new ConfigException("--only", "unknown workload '" + w + "', expected some of " + WORKLOADS);
                        }
                    }
                }
                case "--schema" -> {
                    if (i + 1 >= args.length) throw new ConfigException("--schema", "needs a schema name");
                    schema = args[++i];
                }
                default -> throw new ConfigException(args[i], "unknown option; use --quick, --only <workloads>, --schema <name>");
            }
        }
        if (serverJar == null || !new java.io.File(serverJar).isFile()) {
            throw new ConfigException("gantry.jar", "server jar not found at " + serverJar + "; run bench/run, which builds it");
        }
        String text = env == null || env.isBlank() ? DEFAULT_URL : env;
        return new BenchOptions(text, DatabaseUrl.parse("DATABASE_URL", text), schema, quick, only, chosen, serverJar);
    }

    boolean runs(String workload) {
        return only.contains(workload);
    }

    /** Jobs in the table the stats workload reads. */
    int statsJobs() {
        return quick ? 100_000 : 1_000_000;
    }

    /** Jobs for the throughput workloads W0 and W2. */
    int processingJobs() {
        return quick ? 20_000 : 100_000;
    }
}
