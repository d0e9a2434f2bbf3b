package dev.gantry.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.stream.Stream;

/**
 * CPU time spent by given processes and by the local PostgreSQL server between two readings, read
 * from {@code /proc} (Linux only; elsewhere every figure is -1). PostgreSQL's share is the sum of
 * every live process named {@code postgres}, plus the postmaster's reaped children, so backends
 * that exit between the readings are counted too. Only meaningful when PostgreSQL runs on this
 * machine.
 */
final class CpuMeter {
    private static final double TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux build in use

    private final Collection<Long> pids;
    private final double workerStart;
    private final double postgresStart;

    private CpuMeter(Collection<Long> pids) {
        this.pids = pids;
        this.workerStart = seconds(pids);
        this.postgresStart = postgresSeconds();
    }

    static CpuMeter start(Collection<Long> pids) {
        return new CpuMeter(pids);
    }

    /** Adds worker_cpu_us_per_job and pg_cpu_us_per_job (microseconds of CPU per job) to the result. */
    void report(Result r, long jobs) {
        double worker = seconds(pids) - workerStart;
        double pg = postgresSeconds() - postgresStart;
        if (workerStart >= 0 && !pids.isEmpty()) r.with("worker_cpu_us_per_job", worker * 1e6 / jobs);
        if (postgresStart >= 0) r.with("pg_cpu_us_per_job", pg * 1e6 / jobs);
    }

    private static double seconds(Collection<Long> pids) {
        double sum = 0;
        for (long pid : pids) {
            long[] t = times(pid);
            if (t == null) return -1;
            sum += (t[0] + t[1]) / TICKS_PER_SECOND;
        }
        return sum;
    }

    private static double postgresSeconds() {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            long ticks = 0;
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) continue;
                String stat = read(p.resolve("stat"));
                if (stat == null || !stat.contains("(postgres)")) continue;
                long[] t = fields(stat);
                ticks += t[0] + t[1];
                if (!isPostgres(t[4])) ticks += t[2] + t[3]; // the postmaster: add its reaped backends
            }
            return ticks / TICKS_PER_SECOND;
        } catch (IOException e) {
            return -1;
        }
    }

    private static long[] times(long pid) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        return stat == null ? null : fields(stat);
    }

    /** utime, stime, cutime, cstime (clock ticks) and the parent's pid. */
    private static long[] fields(String stat) {
        // after the name: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14]),
                Long.parseLong(f[1])};
    }

    private static boolean isPostgres(long pid) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        return stat != null && stat.contains("(postgres)");
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return null;
        }
    }
}
