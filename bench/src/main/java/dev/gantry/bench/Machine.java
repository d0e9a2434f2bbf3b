package dev.gantry.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** One line saying what the numbers were measured on. */
final class Machine {
    private Machine() {
    }

    static String describe(BenchDatabase db) throws Exception {
        String cpu = "unknown CPU";
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            cpu = Files.readAllLines(cpuinfo).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(cpu);
        }
        String pg;
        try (var c = db.connect(); var st = c.createStatement(); var rs = st.executeQuery("SHOW server_version")) {
            rs.next();
            pg = rs.getString(1);
        }
        return String.format("# %d cores (%s), %.0f GB RAM; PostgreSQL %s; Java %s; %s %s",
                Runtime.getRuntime().availableProcessors(), cpu, totalMemoryGb(), pg,
                Runtime.version(), System.getProperty("os.name"), System.getProperty("os.version"));
    }

    private static double totalMemoryGb() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize() / 1e9;
        }
        return -1;
    }
}
